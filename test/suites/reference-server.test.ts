import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import { diffExpectations, type ExpectationsFile } from "../../src/runner/expectations.ts";
import { runConformance } from "../../src/runner/run.ts";
import { REFERENCE_RUN } from "./reference-run.ts";

const expectations = JSON.parse(
  readFileSync(join(packageRoot(), "suites", "expectations", "reference-server.json"), "utf8"),
) as ExpectationsFile;

describe("the whole suite against the reference server", () => {
  it("expects no FAIL or ERROR, and a reason for every SKIP", () => {
    for (const [id, want] of Object.entries(expectations.checks)) {
      if (want === "PASS") continue;
      expect(want.status, id).toBe("SKIP");
      expect(want.reason.length, id).toBeGreaterThan(10);
    }
  });

  it("matches suites/expectations/reference-server.json exactly", {
    timeout: 240_000,
  }, async () => {
    const report = await runConformance(REFERENCE_RUN);
    console.log(
      `reference server: ${JSON.stringify(report.summary.byStatus)} in ${(report.durationMs / 1000).toFixed(1)} s (seed ${report.options.seed})`,
    );
    expect(diffExpectations(report.results, expectations)).toEqual([]);
    expect(report.exitCode).toBe(0);
  });
});
