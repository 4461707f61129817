/**
 * Reference-server throughput on loopback, against baselines measured in the same run:
 *
 * - the runtime ceiling: a bare node:http server answering a fixed JSON body, sent the very
 *   same requests (GET with the /me tokens, POST with the introspection forms);
 * - oidc-provider 9 for the operations it shares with DTP (refresh with rotation and an
 *   ES256 JWT access token, device-code polling, refresh-token introspection), plus its
 *   userinfo for information.
 *
 * The reference server runs with each store: sqlite (the default of `dtp serve`) and
 * memory (like-for-like with oidc-provider's in-memory adapter).
 *
 * Every server runs in its own process; autocannon runs in this one. Reported: requests/s,
 * p50/p99 latency (medians over rounds), the server's peak RSS (VmHWM, reset before each
 * run; it includes what the store has accumulated so far) and its RSS when ready, and the
 * ratios (the median over rounds of the ratio within a round).
 *
 *   npm run bench:server -- [--quick] [--duration 5] [--repeat 5] [--connections 10]
 *                           [--store both|sqlite|memory] [--profile] [--profile-dir DIR]
 *                           [--json FILE]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ServerProcess, startServer } from "./lib/child.ts";
import {
  copySet,
  measure,
  type Op,
  type OpResult,
  pairedRatio,
  profileOps,
} from "./lib/measure.ts";
import { fmt, machineLine, table, verdict } from "./lib/report.ts";
import type { ReferenceConfig } from "./servers/reference.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    duration: { type: "string" },
    repeat: { type: "string" },
    connections: { type: "string" },
    store: { type: "string" },
    profile: { type: "boolean", default: false },
    "profile-dir": { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick;
const opts = {
  durationS: Number(values.duration ?? (quick ? 0.2 : 5)),
  warmupS: quick ? 0.05 : 1,
  repeat: Number(values.repeat ?? (quick ? 1 : 5)),
  connections: Number(values.connections ?? 10),
};
// A smoke run (--quick) starts only the memory store unless told otherwise.
const store = values.store ?? (quick ? "memory" : "both");
const stores = (store === "both" ? ["sqlite", "memory"] : [store]) as ("sqlite" | "memory")[];
if (!stores.every((s) => s === "sqlite" || s === "memory"))
  throw new Error(`--store must be both, sqlite or memory, not ${store}`);
const tokens = quick ? 20 : 1000;
// Each code may be polled once per second (the smallest legal interval): 40k codes cover
// 40k polls/s, far above what the server answers, so no poll ever gets slow_down.
const pollCodes = quick ? 3000 : 40_000;
/** Devices of the peak-RSS measurement: 5 stored records each, 50k records. */
const RECORDS_DEVICES = quick ? 200 : 10_000;

const log = (s: string) => console.log(s);
log(`bench:server — ${machineLine()}`);
log(
  `  ${opts.repeat} round(s) × ${opts.durationS} s (+${opts.warmupS} s warm-up) per operation, ${opts.connections} connections, reference store(s): ${stores.join(", ")}`,
);

const work = mkdtempSync(join(tmpdir(), "dtp-bench-server-"));
const servers: ServerProcess[] = [];
try {
  const refConfig = (store: "sqlite" | "memory"): ReferenceConfig => ({
    store:
      store === "memory"
        ? { kind: "memory" }
        : { kind: "sqlite", file: join(work, "reference.sqlite") },
    tokens,
    pollCodes,
  });
  const [bare, oidc, ...refs] = await Promise.all([
    startServer("node:http", "bare.ts", {}),
    startServer(
      "oidc-provider",
      "oidc-provider.ts",
      { tokens, pollCodes: tokens },
      { quiet: true },
    ),
    ...stores.map((st) => startServer(`reference[${st}]`, "reference.ts", refConfig(st))),
  ]);
  servers.push(bare!, oidc!, ...refs);
  const main = refs[0]!;

  const ops: Op[] = [
    { id: "ceiling GET (node:http)", server: bare!, set: copySet(main.sets.me!, '"sub"') },
    { id: "ceiling POST (node:http)", server: bare!, set: copySet(main.sets.introspect!, '"sub"') },
    ...refs.flatMap((ref): Op[] => {
      const s = ref.name;
      return [
        { id: `${s} GET /me`, server: ref, set: ref.sets.me! },
        {
          id: `${s} refresh`,
          server: ref,
          set: ref.sets.refresh!,
          mintFrom: ref,
          mintOp: "refresh",
        },
        { id: `${s} poll (pending)`, server: ref, set: ref.sets.poll! },
        { id: `${s} introspect (access)`, server: ref, set: ref.sets.introspect! },
        { id: `${s} introspect (refresh)`, server: ref, set: ref.sets["introspect-refresh"]! },
      ];
    }),
    {
      id: "oidc-provider refresh",
      server: oidc!,
      set: oidc!.sets.refresh!,
      mintFrom: oidc!,
      mintOp: "refresh",
    },
    { id: "oidc-provider poll (pending)", server: oidc!, set: oidc!.sets.poll! },
    {
      id: "oidc-provider introspect (refresh)",
      server: oidc!,
      set: oidc!.sets["introspect-refresh"]!,
    },
    {
      id: "oidc-provider introspect (access, opaque)",
      server: oidc!,
      set: oidc!.sets["introspect-access"]!,
    },
    { id: "oidc-provider userinfo (opaque)", server: oidc!, set: oidc!.sets.userinfo! },
  ];
  // RSS when ready: start-up, the spec and validators, and the minted tokens and codes.
  const ready = new Map(servers.map((s) => [s, s.memory()?.rssMiB]));
  const results = await measure(ops, { ...opts, log });
  const by = (id: string) => results.find((r) => r.id === id)!;

  log("");
  log(
    table(
      ["operation", "req/s", "p50 ms", "p99 ms", "RSS ready MiB", "peak RSS MiB", "notes"],
      results.map((r, i) => [
        r.id,
        fmt.int(r.rps),
        fmt.ms(r.p50),
        fmt.ms(r.p99),
        fmt.mib(ready.get(ops[i]!.server)),
        fmt.mib(r.peakMiB),
        notes(r),
      ]),
    ),
  );
  log(
    "  (peak RSS: the highest VmHWM of the server during that operation's runs, reset before each; it includes every token the store has accumulated by then: memory stores keep each issued token)",
  );
  log(
    `  RSS at start, before any token or code was minted: ${servers.map((s) => `${s.name} ${fmt.mib(s.info.rssStartMiB as number | undefined)} MiB`).join(", ")}`,
  );

  const ratio = (a: string, b: string) => pairedRatio(by(a), by(b));
  /** The issue-17 targets (a minimum ratio) and the other ratios (information). */
  const ratios: { name: string; value: number; min?: number }[] = [];
  const add = (name: string, a: string, b: string, min?: number) =>
    ratios.push({ name, value: ratio(a, b), ...(min !== undefined ? { min } : {}) });
  for (const ref of refs) {
    const s = ref.name;
    const memory = s.includes("memory");
    add(`${s} GET /me / node:http (GET)`, `${s} GET /me`, "ceiling GET (node:http)", 0.5);
    add(`${s} refresh / oidc-provider`, `${s} refresh`, "oidc-provider refresh", memory ? 3 : 2);
    add(
      `${s} poll (pending) / oidc-provider`,
      `${s} poll (pending)`,
      "oidc-provider poll (pending)",
      memory ? undefined : 3,
    );
    add(
      `${s} introspect (access) / oidc-provider (opaque access)`,
      `${s} introspect (access)`,
      "oidc-provider introspect (access, opaque)",
      3,
    );
    add(
      `${s} introspect (refresh) / oidc-provider`,
      `${s} introspect (refresh)`,
      "oidc-provider introspect (refresh)",
    );
    add(`${s} refresh / node:http (POST)`, `${s} refresh`, "ceiling POST (node:http)");
    add(`${s} poll / node:http (POST)`, `${s} poll (pending)`, "ceiling POST (node:http)");
    add(`${s} GET /me / oidc-provider userinfo`, `${s} GET /me`, "oidc-provider userinfo (opaque)");
  }
  log("");
  log(
    table(
      ["ratio (requests/s, paired per round)", "value", "target"],
      ratios.map((r) => [r.name, fmt.ratio(r.value), r.min === undefined ? "" : `≥ ${r.min}`]),
    ),
  );
  log("");
  for (const r of ratios)
    if (r.min !== undefined)
      log(verdict(r.name, fmt.ratio(r.value), `≥ ${r.min}×`, r.value >= r.min));
  const rss = await peakAtRecords(stores, RECORDS_DEVICES, work);
  for (const r of rss)
    log(
      verdict(
        `reference[${r.store}] peak RSS with ${fmt.int(r.records)} stored records (GET /me over ${fmt.int(r.devices)} tokens)`,
        `${fmt.mib(r.peakMiB)} MiB`,
        "< 150 MiB",
        (r.peakMiB ?? Number.POSITIVE_INFINITY) < 150,
      ),
    );
  log(`  load at the end: ${machineLine()}`);

  let profiles: string[] = [];
  if (values.profile) {
    const dir = values["profile-dir"] ?? join(tmpdir(), `dtp-bench-profiles-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    log("");
    log(`CPU profiles of one more run per operation (server process, V8 sampling profiler):`);
    profiles = await profileOps(
      ops.filter((op) => op.server !== bare || op.id.startsWith("ceiling GET")),
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
        { machine: machineLine(), options: { ...opts, stores }, results, ratios, rss, profiles },
        null,
        2,
      ),
    );
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
}

/**
 * Peak RSS at a known store size: a fresh reference server per store holding `devices`
 * keyless devices, each with its registration, device record, family, access token and
 * refresh token (5 records), taking GET /me over all its tokens for one run (which also
 * fills the cache of verified tokens).
 */
async function peakAtRecords(
  stores: ("sqlite" | "memory")[],
  devices: number,
  dir: string,
): Promise<{ store: string; devices: number; records: number; peakMiB: number | undefined }[]> {
  const out = [];
  for (const store of stores) {
    const server = await startServer(`reference[${store}] ${devices} devices`, "reference.ts", {
      store:
        store === "memory" ? { kind: "memory" } : { kind: "sqlite", file: join(dir, "rss.sqlite") },
      tokens: devices,
      pollCodes: 0,
    } satisfies ReferenceConfig);
    try {
      const [r] = await measure([{ id: `rss ${store}`, server, set: server.sets.me! }], {
        ...opts,
        repeat: 1,
        log: () => {},
      });
      out.push({ store, devices, records: 5 * devices, peakMiB: r?.peakMiB });
    } finally {
      await server.stop();
    }
  }
  return out;
}

function notes(r: OpResult): string {
  const n: string[] = [];
  if (r.mismatches > 0) n.push(`${r.mismatches} wrong answers`);
  if (r.errors > 0) n.push(`${r.errors} errors`);
  if (r.exhausted) n.push("tokens ran out");
  return n.join(", ");
}
