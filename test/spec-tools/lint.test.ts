/**
 * `dtp spec lint`: the repository's spec is clean; broken copies give located messages
 * (`file:line:col [rule] message`) from the OpenAPI rules, the catalogue checks and
 * coverage; exit codes 0 / 1 / 2.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import type { LintResult } from "../../src/spec-tools/lint.ts";
import { checks } from "../../suites/index.ts";
import { dtp } from "./helpers.ts";

const root = packageRoot();
const temp = mkdtempSync(join(tmpdir(), "dtp-spec-lint-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** 1-based line of the `nth` line containing `needle` (after the line holding `after`). */
function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split("\n");
  const from = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const index = lines.findIndex((l, i) => i >= from && l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`"${from}" not found`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

describe("the repository's spec", () => {
  it("lints clean with coverage: exit 0", async () => {
    const run = await dtp(["spec", "lint"]);
    expect(run.err).toBe("");
    expect(run.out).toMatch(/^spec lint: OK \(\d+ operations, \d+ requirements, \d+ checks\)\n$/);
    expect(run.code).toBe(0);
  });

  it("the released versions lint clean too (without coverage: checks follow the current spec)", async () => {
    const run = await dtp(["spec", "lint", "spec/releases/1.0.0", "--no-coverage"]);
    expect(run.out).toMatch(/^spec lint: OK \(\d+ operations, \d+ requirements\)\n$/);
    expect(run.code).toBe(0);
  });
});

describe("a broken copy", () => {
  let dir: string;
  let openapi: string;
  let catalogue: string;
  let run: { code: number; out: string; err: string };

  beforeAll(async () => {
    dir = join(temp, "broken");
    cpSync(join(root, "spec"), dir, { recursive: true });
    let doc = readFileSync(join(dir, "dtp.openapi.yaml"), "utf8");
    // getJwks: no security declaration, and a 404 whose body is no OAuthError.
    doc = replaceOnce(
      doc,
      '      security: []\n      responses:\n        "200":\n          description: The JWK Set; public members only.',
      '      responses:\n        "404":\n          description: No keys.\n          content:\n            application/json:\n              schema:\n                type: object\n        "200":\n          description: The JWK Set; public members only.',
    );
    // token 200 inline, without its Cache-Control / Pragma headers.
    doc = replaceOnce(
      doc,
      '        "200":\n          $ref: "#/components/responses/TokenIssued"',
      '        "200":\n          description: Tokens.\n          content:\n            application/json:\n              schema:\n                $ref: "#/components/schemas/TokenResponse"',
    );
    openapi = doc;
    writeFileSync(join(dir, "dtp.openapi.yaml"), doc);
    let cat = readFileSync(join(dir, "requirements.yaml"), "utf8");
    cat = replaceOnce(cat, "version: 2.0.0", "version: 2.0.1");
    cat = replaceOnce(cat, "  - id: DTP-DISC-002", "  - id: DTP-DISC-001");
    // DTP-DISC-009 (source "DTP") claimed as an RFC rule.
    cat = replaceOnce(
      cat,
      "    source: DTP\n    applies: dtp\n    observable: true\n  - id: DTP-DISC-010",
      "    source: DTP\n    applies: oauth\n    observable: true\n  - id: DTP-DISC-010",
    );
    catalogue = cat;
    writeFileSync(join(dir, "requirements.yaml"), cat);
    run = await dtp(["spec", "lint", join(dir, "dtp.openapi.yaml")], { cwd: temp });
  });

  it("exit 1 with one located line per problem and a count", () => {
    expect(run.code).toBe(1);
    for (const line of run.out.trimEnd().split("\n").slice(0, -1)) {
      expect(line).toMatch(/^(broken\/[a-z.]+\.yaml:\d+:\d+|suites) \[[a-z-]+\] \S/);
    }
    expect(run.out).toMatch(
      /spec lint: \d+ problems \(17 operations, \d+ requirements, \d+ checks\)\n$/,
    );
  });

  it("OpenAPI: security, error-schema and cache-control, at the lines concerned", () => {
    const get = lineOf(openapi, "get:", "  /jwks:");
    expect(run.out).toContain(
      `broken/dtp.openapi.yaml:${get}:5 [security] GET /jwks does not declare security (use security: [] for a public operation)`,
    );
    const media = lineOf(openapi, "application/json:", '        "404":');
    expect(run.out).toContain(
      `broken/dtp.openapi.yaml:${media}:13 [error-schema] 404 application/json body is not an OAuthError`,
    );
    const ok = lineOf(openapi, '"200":', "operationId: token");
    expect(run.out).toContain(
      `broken/dtp.openapi.yaml:${ok}:9 [cache-control] response carries "access_token" but does not declare a required Cache-Control: no-store header`,
    );
  });

  it("catalogue: the duplicated ID at its second occurrence, the version mismatch", () => {
    const second = lineOf(catalogue, "id: DTP-DISC-001", "id: DTP-DISC-001\n") + 0;
    const lines = catalogue.split("\n");
    const occurrences = lines
      .map((l, i) => (l.includes("- id: DTP-DISC-001") ? i + 1 : 0))
      .filter((n) => n > 0);
    expect(occurrences).toHaveLength(2);
    expect(second).toBe(occurrences[0]);
    expect(run.out).toContain(
      `broken/requirements.yaml:${occurrences[1]}:5 [id-duplicate] DTP-DISC-001: duplicated requirement ID`,
    );
    expect(run.out).toContain(
      `broken/requirements.yaml:${lineOf(catalogue, "version: 2.0.1")}:1 [version] catalogue version 2.0.1 differs from the OpenAPI info.version 2.0.0`,
    );
  });

  it("catalogue: applies: oauth without an RFC source, at its applies line", () => {
    const line = lineOf(catalogue, "applies: oauth", "id: DTP-DISC-009");
    expect(run.out).toContain(
      `broken/requirements.yaml:${line}:5 [applies-source] DTP-DISC-009: applies: oauth, but its source "DTP" names no RFC`,
    );
  });

  it("coverage: a check naming an ID the catalogue lost is reported against the suites", () => {
    expect(run.out).toContain(
      "suites [unknown-requirement] check DTP-DISC-002 names DTP-DISC-002, which is not in the catalogue",
    );
  });

  it("--json gives the same messages with files, lines and rules", async () => {
    const json = await dtp(["spec", "lint", join(dir, "dtp.openapi.yaml"), "--json"], {
      cwd: temp,
    });
    expect(json.code).toBe(1);
    const result = JSON.parse(json.out) as LintResult & { errors: number; exitCode: number };
    expect(result.exitCode).toBe(1);
    expect(result.errors).toBe(result.messages.length);
    expect(result.messages).toContainEqual(
      expect.objectContaining({
        file: join(dir, "requirements.yaml"),
        rule: "id-duplicate",
        line: expect.any(Number),
        column: 5,
      }),
    );
  });
});

describe("applies", () => {
  it("a 2.x requirement without applies is located, with the rule applies-missing", async () => {
    const dir = join(temp, "applies");
    cpSync(join(root, "spec"), dir, { recursive: true });
    const text = replaceOnce(
      readFileSync(join(dir, "requirements.yaml"), "utf8"),
      "    applies: oauth\n    observable: true\n  - id: DTP-DISC-004",
      "    observable: true\n  - id: DTP-DISC-004",
    );
    writeFileSync(join(dir, "requirements.yaml"), text);
    const run = await dtp(["spec", "lint", join(dir, "dtp.openapi.yaml"), "--no-coverage"], {
      cwd: temp,
    });
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `applies/requirements.yaml:${lineOf(text, "- id: DTP-DISC-003")}:5 [applies-missing] requirements[2].applies (DTP-DISC-003): required from catalogue version 2.0.0 on`,
    );
  });
});

describe("coverage", () => {
  it("a MUST whose checks are gone is located at its level in the catalogue", async () => {
    const without = checks.filter((c) => !c.meta.requirements.includes("DTP-DISC-001"));
    const run = await dtp(["spec", "lint"], { checks: without });
    const text = readFileSync(join(root, "spec", "requirements.yaml"), "utf8");
    const level = lineOf(text, "level: MUST", "id: DTP-DISC-001");
    expect(run.out).toContain(
      `spec/requirements.yaml:${level}:5 [must-uncovered] DTP-DISC-001 (MUST) has no check`,
    );
    expect(run.code).toBe(1);
    expect((await dtp(["spec", "lint", "--no-coverage"], { checks: without })).code).toBe(0);
  });
});

describe("YAML and usage errors", () => {
  it("a YAML syntax error is located: exit 1", async () => {
    const dir = join(temp, "yaml");
    cpSync(join(root, "spec"), dir, { recursive: true });
    const file = join(dir, "dtp.openapi.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("openapi: 3.1.0", "openapi: [3.1.0"));
    const run = await dtp(["spec", "lint", dir], { cwd: temp });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^yaml\/dtp\.openapi\.yaml:\d+:\d+ \[yaml\] /m);
  });

  it("a missing file or catalogue: exit 2", async () => {
    const missing = await dtp(["spec", "lint", "nope.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("nope.yaml: no such file or directory");
    const lone = join(temp, "lone.yaml");
    writeFileSync(lone, "openapi: 3.1.0\n");
    const noCatalogue = await dtp(["spec", "lint", lone]);
    expect(noCatalogue.code).toBe(2);
    expect(noCatalogue.err).toContain("--catalogue <file>");
  });
});
