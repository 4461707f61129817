/**
 * Writes the table of docs/wrong-actor.md (npm run gen:wrong-actor): runs the whole suite
 * against the embedded reference server with CI's seed and lists, per binding requirement,
 * the wrong-actor cases the checks presented.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { currentSection, wrongActorSection } from "../src/reports/wrong-actor.ts";
import { runConformance } from "../src/runner/run.ts";
import { REFERENCE_RUN } from "../test/suites/reference-run.ts";

const file = join(packageRoot(), "docs", "wrong-actor.md");
const doc = readFileSync(file, "utf8");
const current = currentSection(doc);
if (current === undefined) throw new Error(`${file}: the generated-table markers are missing`);
const report = await runConformance(REFERENCE_RUN);
if (report.exitCode !== 0) {
  console.error(
    `the reference run did not pass (exit ${report.exitCode}); the table is not written`,
  );
  process.exit(1);
}
writeFileSync(file, doc.replace(current, wrongActorSection(report.results)));
console.log(`wrote ${file}`);
