import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Check } from "../../src/check/check.ts";
import { packageRoot } from "../../src/paths.ts";
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
});
