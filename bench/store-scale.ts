/**
 * Store scale: throughput (GET /me, refresh) and RSS of the reference server on its sqlite
 * store holding 1k, 100k and 1M registered devices, each with its registration, token
 * family, access-token and refresh-token records (direct SQL in one transaction,
 * bench/lib/populate.ts), against the 1k figures of the same run.
 *
 * One server per size, each in its own process, all started before the load; the
 * operations are interleaved round by round across sizes so that machine noise spreads
 * over all of them. The tokens the load uses (1000 for /me, fresh ones for refresh) are
 * minted by each server on top of its population.
 *
 * Ratios are the median over rounds of the ratio within a round (see bench:server).
 *
 *   npm run bench:store -- [--quick] [--sizes 1000,100000,1000000] [--duration 5]
 *                          [--repeat 5] [--connections 10] [--profile] [--json FILE]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ServerProcess, startServer } from "./lib/child.ts";
import { measure, type Op, pairedRatio, profileOps } from "./lib/measure.ts";
import { type PopulateResult, populate } from "./lib/populate.ts";
import { fmt, machineLine, table, verdict } from "./lib/report.ts";
import type { ReferenceConfig } from "./servers/reference.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sizes: { type: "string" },
    duration: { type: "string" },
    repeat: { type: "string" },
    connections: { type: "string" },
    profile: { type: "boolean", default: false },
    "profile-dir": { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick;
const sizes = (values.sizes ?? (quick ? "1000,5000" : "1000,100000,1000000"))
  .split(",")
  .map(Number);
if (!sizes.every((n) => Number.isInteger(n) && n > 0 && n <= 16_000_000))
  throw new Error("--sizes: positive integers up to 16M, comma-separated");
const opts = {
  durationS: Number(values.duration ?? (quick ? 0.2 : 5)),
  warmupS: quick ? 0.05 : 1,
  repeat: Number(values.repeat ?? (quick ? 1 : 5)),
  connections: Number(values.connections ?? 10),
};
const label = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : `${n}`;

const log = (s: string) => console.log(s);
log(`bench:store — ${machineLine()}`);
log(
  `  sizes ${sizes.map(label).join(", ")} devices; ${opts.repeat} round(s) × ${opts.durationS} s (+${opts.warmupS} s warm-up) per operation, ${opts.connections} connections`,
);

const work = mkdtempSync(join(tmpdir(), "dtp-bench-store-"));
const servers: ServerProcess[] = [];
try {
  // 1. Populate one file per size (before any server runs, so none shares the CPU with it).
  const populated: PopulateResult[] = [];
  for (const n of sizes) {
    const p = populate(join(work, `store-${n}.sqlite`), n);
    populated.push(p);
    log(
      `  populated ${label(n)} devices (${fmt.int(p.rows)} rows, ${p.fileMiB.toFixed(0)} MiB) in ${p.seconds.toFixed(1)} s wall, ${p.cpuSeconds.toFixed(1)} s CPU`,
    );
  }
  // 2. One server per size.
  const started = await Promise.allSettled(
    sizes.map((n) => {
      const config: ReferenceConfig = {
        store: { kind: "sqlite", file: join(work, `store-${n}.sqlite`) },
        tokens: quick ? 20 : 1000,
        pollCodes: 10,
      };
      return startServer(`${label(n)} devices`, "reference.ts", config);
    }),
  );
  for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
  for (const s of started) if (s.status === "rejected") throw s.reason;
  const idle = servers.map((s) => s.memory());
  // 3. Interleaved rounds.
  const ops: Op[] = servers.flatMap((s): Op[] => [
    { id: `${s.name} GET /me`, server: s, set: s.sets.me! },
    { id: `${s.name} refresh`, server: s, set: s.sets.refresh!, mintFrom: s, mintOp: "refresh" },
  ]);
  const results = await measure(ops, { ...opts, log });
  const by = (id: string) => results.find((r) => r.id === id)!;

  log("");
  const rows = servers.map((s, i) => {
    const me = by(`${s.name} GET /me`);
    const rf = by(`${s.name} refresh`);
    const base = (op: string) => by(`${servers[0]!.name} ${op}`);
    return {
      devices: sizes[i]!,
      me,
      rf,
      meRatio: pairedRatio(me, base("GET /me")),
      rfRatio: pairedRatio(rf, base("refresh")),
      idleMiB: idle[i]?.rssMiB,
      peakMiB: Math.max(me.peakMiB ?? 0, rf.peakMiB ?? 0) || undefined,
      fileMiB: populated[i]!.fileMiB,
    };
  });
  log(
    table(
      [
        "devices",
        "GET /me req/s",
        "p50 ms",
        "p99 ms",
        "vs 1st",
        "refresh req/s",
        "p50 ms",
        "p99 ms",
        "vs 1st",
        "RSS idle MiB",
        "RSS peak MiB",
        "file MiB",
      ],
      rows.map((r) => [
        label(r.devices),
        fmt.int(r.me.rps),
        fmt.ms(r.me.p50),
        fmt.ms(r.me.p99),
        fmt.pct(r.meRatio),
        fmt.int(r.rf.rps),
        fmt.ms(r.rf.p50),
        fmt.ms(r.rf.p99),
        fmt.pct(r.rfRatio),
        fmt.mib(r.idleMiB),
        fmt.mib(r.peakMiB),
        r.fileMiB.toFixed(0),
      ]),
    ),
  );
  const wrong = results.filter((r) => r.mismatches > 0 || r.errors > 0 || r.exhausted);
  for (const r of wrong)
    log(
      `  note: ${r.id}: ${r.mismatches} wrong answers, ${r.errors} errors${r.exhausted ? ", tokens ran out" : ""}`,
    );
  log("");
  const last = rows[rows.length - 1]!;
  if (rows.length > 1) {
    const drop = (x: number) => 1 - x;
    log(
      verdict(
        `GET /me drop from ${label(rows[0]!.devices)} to ${label(last.devices)}`,
        fmt.pct(drop(last.meRatio)),
        "≤ 20%",
        drop(last.meRatio) <= 0.2,
      ),
    );
    log(
      verdict(
        `refresh drop from ${label(rows[0]!.devices)} to ${label(last.devices)}`,
        fmt.pct(drop(last.rfRatio)),
        "≤ 20%",
        drop(last.rfRatio) <= 0.2,
      ),
    );
  }
  log(`  load at the end: ${machineLine()}`);

  let profiles: string[] = [];
  if (values.profile) {
    const dir = values["profile-dir"] ?? join(tmpdir(), `dtp-bench-store-profiles-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    log("\nCPU profiles of one more run per operation (server process):");
    profiles = await profileOps(
      ops,
      opts,
      dir,
      (s) => log(`\n${s}`),
      new Map(results.map((r) => [r.id, r.rps])),
    );
  }
  if (values.json) {
    writeFileSync(
      values.json,
      JSON.stringify(
        { machine: machineLine(), options: opts, populated, results, profiles },
        null,
        2,
      ),
    );
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
}
