import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readmePath, renderSpecReadme } from "../../scripts/gen-spec-readme.ts";
import { specDir } from "../../src/paths.ts";
import {
  CATALOGUE_AREAS,
  type Catalogue,
  CatalogueError,
  checkCatalogue,
  loadCatalogue,
  parseCatalogue,
  type Requirement,
} from "../../src/spec/catalogue.ts";
import { listOperations, loadOpenApiRaw } from "../../src/spec/openapi.ts";

const catalogue = loadCatalogue();
const operationIds = listOperations(loadOpenApiRaw()).map((o) => o.operationId);

describe("spec/requirements.yaml", () => {
  it("loads, with version 2.0.0 and more than 80 requirements", () => {
    expect(catalogue.version).toBe("2.0.0");
    expect(catalogue.requirements.length).toBeGreaterThan(80);
  });

  it("states what every requirement applies to, oauth only with an RFC source", () => {
    for (const r of catalogue.requirements) {
      expect(["oauth", "dtp"], r.id).toContain(r.applies);
      if (r.applies === "oauth") expect(r.source, r.id).toMatch(/\bRFC \d+/);
    }
    const oauth = catalogue.requirements.filter((r) => r.applies === "oauth");
    expect(oauth.length).toBeGreaterThan(50);
    // DTP-only features are never oauth.
    for (const r of catalogue.requirements) {
      if (/^DTP-(APR|SIG|LOGIN|PAT|SEC)-/.test(r.id)) expect(r.applies, r.id).toBe("dtp");
    }
  });

  it("is consistent with the OpenAPI operations (checkCatalogue reports nothing)", () => {
    expect(operationIds.length).toBe(17);
    expect(checkCatalogue(catalogue, operationIds)).toEqual([]);
  });

  it("has requirements in every area", () => {
    const areas = new Set(catalogue.requirements.map((r) => r.area));
    expect([...areas].sort()).toEqual([...CATALOGUE_AREAS].sort());
  });

  it("marks the server-side security requirements as not observable", () => {
    for (const r of catalogue.requirements.filter((r) => r.area === "security")) {
      expect(r.observable, r.id).toBe(false);
    }
  });

  it("numbers each prefix from 001 without gaps, and the 2.0.0 additions from 050", () => {
    // Two changes added requirements to the same prefixes at once for 2.0.0; one of them
    // numbered its additions from 050 so that neither renumbers the other's (IDs are never
    // renumbered). Each block is gapless and in order.
    const byPrefix = new Map<string, number[]>();
    for (const r of catalogue.requirements) {
      const [, prefix, n] = r.id.split("-");
      byPrefix.set(prefix!, [...(byPrefix.get(prefix!) ?? []), Number(n)]);
    }
    for (const [prefix, numbers] of byPrefix) {
      const low = numbers.filter((n) => n < 50);
      const high = numbers.filter((n) => n >= 50);
      expect([...low, ...high], prefix).toEqual(numbers);
      expect(low, prefix).toEqual(low.map((_, i) => i + 1));
      expect(high, prefix).toEqual(high.map((_, i) => i + 50));
    }
  });
});

describe("checkCatalogue", () => {
  const ops = ["getMe", "token"];
  const base: Requirement = {
    id: "DTP-RES-001",
    area: "resource",
    level: "MUST",
    text: "The server MUST answer.",
    operations: ["getMe"],
    source: "DTP",
    applies: "dtp",
    observable: true,
  };
  const tok: Requirement = { ...base, id: "DTP-TOK-001", area: "tokens", operations: ["token"] };
  const of = (...requirements: Requirement[]): Catalogue => ({ version: "1.0.0", requirements });
  const rules = (c: Catalogue, operations: string[] = ops) =>
    checkCatalogue(c, operations).map((p) => p.rule);

  it("accepts a consistent catalogue", () => {
    expect(checkCatalogue(of(base, tok), ops)).toEqual([]);
  });

  it("reports a duplicated id", () => {
    expect(rules(of(base, tok, { ...base }))).toEqual(["id-duplicate"]);
  });

  it.each(["DTP-RES-1", "DTP-res-001", "RES-001", "DTP-RES-0001", ""])(
    "reports the malformed id %j",
    (id) => {
      expect(rules(of({ ...base, id }, tok))).toEqual(["id-format"]);
    },
  );

  it("reports a prefix that does not match the area, and an unknown prefix", () => {
    expect(rules(of({ ...base, area: "tokens" }, tok))).toEqual(["area-prefix"]);
    expect(rules(of({ ...base, id: "DTP-XYZ-001" }, tok))).toEqual(["id-prefix"]);
  });

  it("reports an unknown operation and a requirement without operations", () => {
    expect(rules(of({ ...base, operations: ["getMe", "getYou"] }, tok))).toEqual([
      "operation-unknown",
    ]);
    expect(
      rules(of({ ...base, operations: [] }, { ...tok, operations: ["token", "getMe"] })),
    ).toEqual(["operations-empty"]);
  });

  it("reports an operation no requirement covers", () => {
    const problems = checkCatalogue(of(base, tok), [...ops, "deleteDevice"]);
    expect(problems.map((p) => p.rule)).toEqual(["operation-uncovered"]);
    expect(problems[0]?.message).toContain("deleteDevice");
  });

  it("reports a text without its level keyword in upper case", () => {
    expect(rules(of({ ...base, text: "The server must answer." }, tok))).toEqual(["level-keyword"]);
    expect(rules(of({ ...base, level: "SHOULD" }, tok))).toEqual(["level-keyword"]);
    expect(rules(of({ ...base, text: "The server MUSTARD answer." }, tok))).toEqual([
      "level-keyword",
    ]);
  });

  it("reports an empty source", () => {
    expect(rules(of({ ...base, source: "  " }, tok))).toEqual(["source-empty"]);
  });

  it("reports applies: oauth without an RFC among the sources", () => {
    expect(rules(of({ ...base, applies: "oauth" }, tok))).toEqual(["applies-source"]);
    expect(
      rules(of({ ...base, applies: "oauth", source: "seed 004; RFC 8628 §3.2" }, tok)),
    ).toEqual([]);
    expect(rules(of({ ...base, applies: "dtp", source: "RFC 7009 §2.2" }, tok))).toEqual([]);
  });
});

describe("parseCatalogue", () => {
  it("rejects a catalogue that does not fit the schema, naming the requirement", () => {
    const text = [
      "version: 1.0.0",
      "requirements:",
      "  - id: DTP-RES-001",
      "    area: resource",
      "    level: MUST-NOT",
      "    text: The server MUST answer.",
      "    operations: [getMe]",
      "    source: DTP",
      "    observable: true",
    ].join("\n");
    expect(() => parseCatalogue(text)).toThrow(CatalogueError);
    expect(() => parseCatalogue(text)).toThrow(/requirements\[0\]\.level \(DTP-RES-001\)/);
  });

  const requirement = (extra: string[]) =>
    [
      "requirements:",
      "  - id: DTP-RES-001",
      "    area: resource",
      "    level: MUST",
      "    text: The server MUST answer.",
      "    operations: [getMe]",
      "    source: RFC 6750 §3",
      ...extra,
      "    observable: true",
    ].join("\n");

  it("requires applies from version 2.0.0 on, naming the requirement; 1.x catalogues predate it", () => {
    expect(() => parseCatalogue(`version: 2.0.0\n${requirement([])}`)).toThrow(
      /requirements\[0\]\.applies \(DTP-RES-001\): required from catalogue version 2\.0\.0 on/,
    );
    expect(parseCatalogue(`version: 1.0.0\n${requirement([])}`).requirements[0]?.applies).toBe(
      undefined,
    );
    expect(
      parseCatalogue(`version: 2.0.0\n${requirement(["    applies: oauth"])}`).requirements[0]
        ?.applies,
    ).toBe("oauth");
  });

  it("accepts only oauth or dtp as applies", () => {
    expect(() => parseCatalogue(`version: 2.0.0\n${requirement(["    applies: rfc"])}`)).toThrow(
      /requirements\[0\]\.applies \(DTP-RES-001\): must be "oauth" .* or "dtp"/,
    );
  });

  it("rejects unknown members and YAML syntax errors", () => {
    expect(() => parseCatalogue("version: 1.0.0\nrequirements: []\nextra: 1\n")).toThrow(
      CatalogueError,
    );
    expect(() => parseCatalogue("version: [1.0.0\n")).toThrow(CatalogueError);
  });
});

describe("spec/README.md and spec/CHANGELOG.md", () => {
  it("spec/README.md is up to date (run npm run gen:docs)", () => {
    expect(readFileSync(readmePath(), "utf8")).toBe(renderSpecReadme());
  });

  it("gives every requirement an anchor", () => {
    const readme = renderSpecReadme();
    for (const r of catalogue.requirements) expect(readme).toContain(`<a id="${r.id}"></a>`);
  });

  it("refuses a flows text that references an unknown requirement ID", () => {
    expect(() => renderSpecReadme(catalogue, "See DTP-XYZ-999.")).toThrow(/DTP-XYZ-999/);
  });

  it("spec/CHANGELOG.md lists every requirement ID", () => {
    const changelog = readFileSync(join(specDir(), "CHANGELOG.md"), "utf8");
    expect(changelog).toContain("## 1.0.0 — initial version");
    const listed = new Set(changelog.match(/DTP-[A-Z]+-\d{3}/g));
    for (const r of catalogue.requirements) expect(listed.has(r.id), r.id).toBe(true);
  });
});
