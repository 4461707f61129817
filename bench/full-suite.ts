/**
 * The issue-5 figure: wall time of the full default suite against the embedded reference
 * server (what `dtp test` with no URL runs), median of 3 runs, against the < 60 s target,
 * with the share of it spent waiting (every running check asleep), target < half.
 *
 * `--lifetimes deviceCode=5,refreshToken=8` (and/or `--clock-skew 1`) runs the same suite
 * against a reference server (its own process, memory store) with the embedded server's
 * short lifetimes (and 5 s clock skew) overridden: what shorter waits would do to the figure.
 *
 *   npm run bench:suite -- [--quick] [--repeat 3] [--lifetimes NAME=SECONDS,...]
 *                          [--clock-skew SECONDS] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Lifetimes, SHORT_LIFETIMES } from "../reference-server/index.ts";
import type { TargetConfigFile } from "../src/config/schema.ts";
import type { RunOptions } from "../src/runner/run.ts";
import { type ServerProcess, startServer } from "./lib/child.ts";
import { fmt, machineLine, median, table, verdict } from "./lib/report.ts";
import { type SuiteTiming, selectChecks, timeSuite } from "./lib/suite.ts";
import type { ReferenceConfig } from "./servers/reference.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    repeat: { type: "string" },
    lifetimes: { type: "string" },
    "clock-skew": { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick;
const repeat = Number(values.repeat ?? (quick ? 1 : 3));
// A smoke run (--quick) times the discovery area only.
const checks = selectChecks(quick ? (c) => c.meta.area === "discovery" : undefined);

const overrides: Partial<Lifetimes> = {};
for (const pair of values.lifetimes ? values.lifetimes.split(",") : []) {
  const [name, seconds] = pair.split("=");
  if (!name || !(name in SHORT_LIFETIMES) || !Number.isInteger(Number(seconds)))
    throw new Error(`--lifetimes: NAME=SECONDS with NAME one of ${Object.keys(SHORT_LIFETIMES)}`);
  overrides[name as keyof Lifetimes] = Number(seconds);
}
const clockSkew = values["clock-skew"] === undefined ? undefined : Number(values["clock-skew"]);
if (clockSkew !== undefined && !(Number.isInteger(clockSkew) && clockSkew >= 0))
  throw new Error("--clock-skew: a whole number of seconds");
const whatIf = Object.keys(overrides).length > 0 || clockSkew !== undefined;
const whatIfText = [
  values.lifetimes ? `lifetimes ${values.lifetimes}` : "",
  clockSkew !== undefined ? `clock skew ${clockSkew} s` : "",
]
  .filter((x) => x !== "")
  .join(", ");

const log = (s: string) => console.log(s);
log(`bench:suite — ${machineLine()}`);
log(
  `  ${quick ? "smoke run: discovery area" : "full default suite"} (${checks.length} checks) against ${whatIf ? `a reference server with the embedded one's settings but ${whatIfText}` : "the embedded reference server"}, ${repeat} run(s)`,
);

/** The embedded server (no URL), or a reference server with other lifetimes in a child process. */
async function target(): Promise<{ options: Omit<RunOptions, "checks">; server?: ServerProcess }> {
  if (!whatIf) return { options: {} };
  const config: ReferenceConfig = {
    store: { kind: "memory" },
    tokens: 0,
    pollCodes: 0,
    lifetimes: { ...SHORT_LIFETIMES, ...overrides },
    ...(clockSkew !== undefined ? { clockSkew } : {}),
  };
  const started = performance.now();
  const server = await startServer("reference", "reference.ts", config);
  log(
    `  (reference server started in ${fmt.s((performance.now() - started) / 1000)}, not counted)`,
  );
  const info = server.info as {
    apiKey: string;
    adminKey: string;
    users: { username: string; password: string; cardId?: string }[];
  };
  const user = info.users[0]!;
  const file: TargetConfigFile = {
    apiKey: info.apiKey,
    admin: { token: info.adminKey },
    approval: { method: "admin-api" },
    user: {
      username: user.username,
      password: user.password,
      ...(user.cardId !== undefined ? { cardId: user.cardId } : {}),
    },
  };
  // The budget the embedded server gets (EMBEDDED_MAX_WAIT_MS).
  return { options: { url: server.url, config: file, maxWaitMs: 90_000 }, server };
}

const runs: SuiteTiming[] = [];
for (let i = 0; i < repeat; i++) {
  const { options, server } = await target();
  const t = await timeSuite(checks, options).finally(() => server?.stop());
  runs.push(t);
  const bad = t.report.results.filter((r) => r.status === "FAIL" || r.status === "ERROR");
  const longest = [...t.timelines]
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .slice(0, 3)
    .map((l) => `${l.id} ${fmt.s((l.end - l.start) / 1000)}`)
    .join(", ");
  log(
    `  run ${i + 1}/${repeat}: ${fmt.s(t.wallMs / 1000)} wall, ${fmt.s(t.waitingWallMs / 1000)} waiting (${fmt.pct(t.waitingWallMs / t.wallMs)}), ${fmt.int(t.exchanges)} exchanges, exit code ${t.report.exitCode}${bad.length ? ` (${bad.map((r) => `${r.id} ${r.status}`).join(", ")})` : ""}; longest checks ${longest}; load ${machineLine().replace(/^.*load average /, "")}`,
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
        lifetimes: whatIf ? { ...SHORT_LIFETIMES, ...overrides } : "embedded (SHORT_LIFETIMES)",
        ...(clockSkew !== undefined ? { clockSkew } : {}),
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
