/**
 * Developer loop for suite authors: runs checks against the embedded reference server and
 * prints one line per check plus the details of every non-PASS.
 *
 *   node scripts/run-suite.ts --area signing
 *   node scripts/run-suite.ts --only DTP-REF-004,DTP-REF-005 --seed 42 --runs 5
 */
import { parseArgs } from "node:util";
import type { Area } from "../src/check/check.ts";
import { runConformance } from "../src/runner/run.ts";

const { values } = parseArgs({
  options: {
    area: { type: "string", multiple: true },
    only: { type: "string" },
    seed: { type: "string" },
    runs: { type: "string" },
    "max-wait": { type: "string" },
    verbose: { type: "boolean", short: "v" },
  },
});

const started = Date.now();
const report = await runConformance({
  ...(values.area ? { area: values.area as Area[] } : {}),
  ...(values.only ? { only: values.only.split(",") } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values.runs ? { runs: Number(values.runs) } : {}),
  ...(values["max-wait"] ? { maxWaitMs: Number(values["max-wait"]) * 1000 } : {}),
});
for (const r of report.results) {
  console.log(
    `${r.status.padEnd(5)} ${r.id.padEnd(14)} ${(r.durationMs / 1000).toFixed(1).padStart(5)}s  ${r.title}`,
  );
  if (r.status !== "PASS") {
    console.log(`      ${r.message ?? ""}`);
    if (r.replay) console.log(`      replay: ${r.replay}`);
    if (values.verbose || r.status === "FAIL" || r.status === "ERROR") {
      for (const ex of r.exchanges.slice(-4)) {
        console.log(
          `      #${ex.index} ${ex.label ?? ""} ${ex.request.method} ${ex.request.url} → ${ex.response?.status ?? ex.error}`,
        );
        if (ex.response?.body) console.log(`         ${ex.response.body.slice(0, 300)}`);
      }
    }
  }
}
const counts: Record<string, number> = {};
for (const r of report.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
console.log(
  JSON.stringify(counts),
  `seed ${report.options.seed}`,
  `${((Date.now() - started) / 1000).toFixed(1)}s`,
);
