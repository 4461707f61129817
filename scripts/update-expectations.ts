/**
 * Rewrites suites/expectations/reference-server.json from a run of the whole suite against
 * the embedded reference server (npm run expectations:update). Review the diff: a FAIL or
 * ERROR must never be committed as expected; a SKIP needs a reason a vendor can act on.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { expectationsOf } from "../src/runner/expectations.ts";
import { runConformance } from "../src/runner/run.ts";
import { REFERENCE_RUN } from "../test/suites/reference-run.ts";

const report = await runConformance(REFERENCE_RUN);
const file = expectationsOf(
  report.results,
  "Expected result of every check against the embedded reference server (short lifetimes). Diffed in CI by test/suites/reference-server.test.ts; regenerate with `npm run expectations:update` and review the diff.",
);
writeFileSync(
  join(packageRoot(), "suites", "expectations", "reference-server.json"),
  `${JSON.stringify(file, null, 2)}\n`,
);
const bad = report.results.filter((r) => r.status === "FAIL" || r.status === "ERROR");
for (const r of bad) console.error(`${r.status} ${r.id}: ${r.message ?? ""}`);
console.log(
  `${report.results.length} checks, ${(report.durationMs / 1000).toFixed(1)} s, seed ${report.options.seed}`,
);
process.exitCode = bad.length ? 1 : 0;
