/**
 * Runner speed against the embedded reference server:
 *
 * 1. the full default suite (default --runs): wall time, requests/s the runner sustains,
 *    the breakdown by area (check time, sleeping, exchanges, longest check) and how much of
 *    the wall time is spent waiting (every running check asleep on a lifetime or interval);
 * 2. how wall time grows with --runs: the full suite at 10 and 100, and the property checks
 *    alone (the ones --runs multiplies) at 10, 100 and 1000, each run capped in time.
 *
 *   npm run bench:runner -- [--quick] [--runs-full 10,100] [--runs-property 10,100,1000]
 *                           [--cap 300] [--seed N] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Check } from "../src/check/check.ts";
import { fmt, machineLine, table } from "./lib/report.ts";
import { type SuiteTiming, selectChecks, sleptMs, timeSuite } from "./lib/suite.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "runs-full": { type: "string" },
    "runs-property": { type: "string" },
    cap: { type: "string" },
    seed: { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick;
const list = (s: string) => (s === "" ? [] : s.split(",").map(Number));
const runsFull = list(values["runs-full"] ?? (quick ? "" : "10,100"));
const runsProperty = list(values["runs-property"] ?? (quick ? "1,2" : "10,100,1000"));
const capS = Number(values.cap ?? (quick ? 30 : 300));
const seed = Number(values.seed ?? 20_240_601);
// A smoke run (--quick) uses the discovery area and one property check.
const scope = quick
  ? (c: Check) => c.meta.area === "discovery" || c.meta.id === "DTP-ERR-010"
  : undefined;

const log = (s: string) => console.log(s);
log(`bench:runner — ${machineLine()}`);
const all = selectChecks(scope);
const properties = all.filter((c) => c.meta.property);
log(
  `  ${quick ? "smoke run: discovery area + DTP-ERR-010" : "default suite"}: ${all.length} checks (${properties.length} property checks), seed ${seed}`,
);

const describe = (t: SuiteTiming) => {
  const counts: Record<string, number> = {};
  for (const r of t.report.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
};

// 1. The default suite at the default --runs (2 in a smoke run).
const main = await timeSuite(all, { seed, ...(quick ? { runs: 2 } : {}) });
const waitingShare = main.waitingWallMs / main.wallMs;
log("");
log(
  `default suite (--runs ${main.report.options.runs}): ${fmt.s(main.wallMs / 1000)} wall, ${fmt.int(main.exchanges)} exchanges = ${fmt.int(main.exchanges / (main.wallMs / 1000))} req/s; ${describe(main)}`,
);
log(
  `  waiting (every running check asleep): ${fmt.s(main.waitingWallMs / 1000)} = ${fmt.pct(waitingShare)} of the wall time; working: ${fmt.s((main.wallMs - main.waitingWallMs) / 1000)} → ${fmt.int(main.exchanges / ((main.wallMs - main.waitingWallMs) / 1000))} req/s while working`,
);
const longest = [...main.timelines].sort((a, b) => b.end - b.start - (a.end - a.start))[0];
if (longest) {
  const slept = sleptMs(longest);
  log(
    `  longest check (the floor of the wall time): ${longest.id} ${fmt.s((longest.end - longest.start) / 1000)}, ${fmt.s(slept / 1000)} of it asleep`,
  );
}
log("");
log(
  table(
    ["area", "checks", "check time", "asleep", "asleep %", "exchanges", "longest check"],
    main.byArea.map((a) => [
      a.area,
      a.checks,
      fmt.s(a.checkMs / 1000),
      fmt.s(a.sleepMs / 1000),
      fmt.pct(a.sleepMs / a.checkMs),
      fmt.int(a.exchanges),
      `${a.longest.id} ${fmt.s(a.longest.ms / 1000)} (${fmt.s(a.longest.sleepMs / 1000)} asleep)`,
    ]),
  ),
);
log(
  "  (check times overlap: checks run 4 at a time, waiting checks 16 at a time in their own lane)",
);

// 2. Growth with --runs.
interface Point {
  set: string;
  runs: number;
  wallS: number;
  done: number;
  total: number;
  exchanges: number;
  capped: boolean;
}
const points: Point[] = [];
const measureRuns = async (set: string, checks: readonly Check[], runs: number) => {
  const signal = AbortSignal.timeout(capS * 1000);
  const t = await timeSuite(checks, { seed, runs, signal });
  const done = t.report.results.filter((r) => !/cancelled/.test(r.message ?? "")).length;
  const p: Point = {
    set,
    runs,
    wallS: t.wallMs / 1000,
    done,
    total: checks.length,
    exchanges: t.exchanges,
    capped: signal.aborted,
  };
  points.push(p);
  log(
    `  ${set} --runs ${runs}: ${fmt.s(p.wallS)}, ${done}/${p.total} checks${p.capped ? ` (capped at ${capS} s)` : ""}, ${fmt.int(p.exchanges)} exchanges`,
  );
};
log("");
log(`growth with --runs (each run capped at ${capS} s):`);
for (const runs of runsFull) await measureRuns("full suite", all, runs);
for (const runs of runsProperty) await measureRuns("property checks", properties, runs);
log("");
log(
  table(
    ["checks", "--runs", "wall", "× previous", "checks done", "exchanges", "req/s"],
    points.map((p, i) => {
      const prev = points[i - 1];
      return [
        p.set,
        p.runs,
        fmt.s(p.wallS),
        prev && prev.set === p.set ? fmt.ratio(p.wallS / prev.wallS) : "",
        `${p.done}/${p.total}${p.capped ? " (capped)" : ""}`,
        fmt.int(p.exchanges),
        fmt.int(p.exchanges / p.wallS),
      ];
    }),
  ),
);
log(`  load at the end: ${machineLine()}`);

if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        machine: machineLine(),
        seed,
        main: {
          wallMs: main.wallMs,
          waitingWallMs: main.waitingWallMs,
          exchanges: main.exchanges,
          byArea: main.byArea,
          timelines: main.timelines,
          summary: main.report.summary,
        },
        points,
      },
      null,
      2,
    ),
  );
}
