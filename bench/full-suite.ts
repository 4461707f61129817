/**
 * The issue-5 figure: wall time of the full default suite against the embedded reference
 * server (what `dtp test` with no URL runs), median of 3 runs, against the < 60 s target,
 * with the share of it spent waiting (every running check asleep), target < half.
 *
 *   npm run bench:suite -- [--quick] [--repeat 3] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fmt, machineLine, median, table, verdict } from "./lib/report.ts";
import { type SuiteTiming, selectChecks, timeSuite } from "./lib/suite.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    repeat: { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick;
const repeat = Number(values.repeat ?? (quick ? 1 : 3));
// A smoke run (--quick) times the discovery area only.
const checks = selectChecks(quick ? (c) => c.meta.area === "discovery" : undefined);

const log = (s: string) => console.log(s);
log(`bench:suite — ${machineLine()}`);
log(
  `  ${quick ? "smoke run: discovery area" : "full default suite"} (${checks.length} checks) against the embedded reference server, ${repeat} run(s)`,
);
const runs: SuiteTiming[] = [];
for (let i = 0; i < repeat; i++) {
  const t = await timeSuite(checks);
  runs.push(t);
  const bad = t.report.results.filter((r) => r.status === "FAIL" || r.status === "ERROR");
  log(
    `  run ${i + 1}/${repeat}: ${fmt.s(t.wallMs / 1000)} wall, ${fmt.s(t.waitingWallMs / 1000)} waiting (${fmt.pct(t.waitingWallMs / t.wallMs)}), ${fmt.int(t.exchanges)} exchanges, exit code ${t.report.exitCode}${bad.length ? ` (${bad.map((r) => `${r.id} ${r.status}`).join(", ")})` : ""}; load ${machineLine().replace(/^.*load average /, "")}`,
  );
}
const wall = median(runs.map((t) => t.wallMs / 1000));
const waiting = median(runs.map((t) => t.waitingWallMs / t.wallMs));
log("");
log(
  table(
    ["run", "wall", "waiting", "waiting %", "exchanges", "req/s"],
    runs.map((t, i) => [
      `${i + 1}`,
      fmt.s(t.wallMs / 1000),
      fmt.s(t.waitingWallMs / 1000),
      fmt.pct(t.waitingWallMs / t.wallMs),
      fmt.int(t.exchanges),
      fmt.int(t.exchanges / (t.wallMs / 1000)),
    ]),
  ),
);
log("");
log(verdict("full suite wall time (median)", fmt.s(wall), "< 60 s", wall < 60));
log(verdict("share of it spent waiting (median)", fmt.pct(waiting), "< 50%", waiting < 0.5));
log(`  load at the end: ${machineLine()}`);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        machine: machineLine(),
        checks: checks.length,
        runs: runs.map((t) => ({
          wallMs: t.wallMs,
          waitingWallMs: t.waitingWallMs,
          exchanges: t.exchanges,
          exitCode: t.report.exitCode,
        })),
        medianWallS: wall,
        medianWaitingShare: waiting,
      },
      null,
      2,
    ),
  );
}
