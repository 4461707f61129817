import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Check } from "../../src/check/check.ts";
import { packageRoot } from "../../src/paths.ts";
import { AWAITING_CHECKS } from "../../src/spec/awaiting-checks.ts";
import { loadCatalogue } from "../../src/spec/catalogue.ts";
import { checkCoverage, renderCoverage } from "../../src/spec/coverage.ts";
import { checks } from "../../suites/index.ts";

const catalogue = loadCatalogue();

describe("requirement coverage", () => {
  it("every observable MUST has a check, and every check names catalogue requirements at the right level and area", () => {
    expect(checkCoverage(catalogue, checks).map((p) => p.message)).toEqual([]);
  });

  it("docs/coverage.md is up to date (npm run gen:coverage)", () => {
    const committed = readFileSync(join(packageRoot(), "docs", "coverage.md"), "utf8");
    expect(committed).toBe(renderCoverage(catalogue, checks));
  });

  it("fails when a MUST loses its check, a check names an unknown ID, or a level is wrong", () => {
    const must = catalogue.requirements.find((r) => r.level === "MUST" && r.observable)!;
    const without = checks.filter((c) => !c.meta.requirements.includes(must.id));
    expect(checkCoverage(catalogue, without).map((p) => p.rule)).toContain("must-uncovered");

    const base = checks[0]!;
    const bogus: Check = {
      ...base,
      meta: { ...base.meta, requirements: [base.meta.id, "DTP-XXX-999"] },
    };
    expect(checkCoverage(catalogue, [bogus]).map((p) => p.rule)).toContain("unknown-requirement");

    const wrongLevel: Check = {
      ...base,
      meta: { ...base.meta, level: base.meta.level === "MAY" ? "MUST" : "MAY" },
    };
    expect(checkCoverage(catalogue, [wrongLevel]).map((p) => p.rule)).toContain("level-mismatch");
  });

  it("the awaiting-checks list names only observable MUSTs without a check, each with its check and fault", () => {
    const byId = new Map(catalogue.requirements.map((r) => [r.id, r]));
    for (const [id, entry] of Object.entries(AWAITING_CHECKS)) {
      const r = byId.get(id);
      expect(r?.level, id).toBe("MUST");
      expect(r?.observable, id).toBe(true);
      expect(
        checks.some((c) => c.meta.requirements.includes(id)),
        id,
      ).toBe(false);
      expect(entry.check, id).toMatch(/^(new check|DTP-[A-Z]+-\d{3})$/);
      if (entry.check !== "new check") {
        expect(
          checks.map((c) => c.meta.id),
          `${id}: ${entry.check}`,
        ).toContain(entry.check);
      }
      expect(entry.fault.length, id).toBeGreaterThan(10);
    }
  });

  it("the awaiting list is empty, excuses exactly its entries, and an entry whose requirement got a check is stale", () => {
    // Every observable MUST has its check (issue 14): the list only ever shrinks, now to zero.
    expect(Object.keys(AWAITING_CHECKS)).toEqual([]);
    // A MUST requirement whose checks no longer carry it…
    const owner = checks.find(
      (c) => c.meta.level === "MUST" && c.meta.requirements[0] === c.meta.id,
    )!;
    const id = owner.meta.id;
    const without = checks.map((c) => ({
      ...c,
      meta: { ...c.meta, requirements: c.meta.requirements.filter((r) => r !== id) },
    }));
    const entry = { [id]: { check: id, fault: "a fault" } };
    const rules = (cs: Check[], awaiting: Parameters<typeof checkCoverage>[2]) =>
      checkCoverage(catalogue, cs, awaiting).map((p) => `${p.rule} ${p.id}`);
    // …is uncovered, unless the awaiting list names it…
    expect(rules(without, {})).toEqual([`must-uncovered ${id}`]);
    expect(rules(without, entry)).toEqual([]);
    // …and an entry whose requirement has a check is stale.
    expect(checkCoverage(catalogue, checks, entry).map((p) => p.rule)).toContain(
      "awaiting-check-stale",
    );

    const unknown = checkCoverage(catalogue, checks, {
      "DTP-XXX-999": { check: "new check", fault: "nothing at all" },
    });
    expect(unknown.map((p) => p.message)).toEqual([
      "DTP-XXX-999 is listed in src/spec/awaiting-checks.ts but is not in the catalogue: remove it from the list",
    ]);
  });
});
