/**
 * Runs a list of operations against servers in separate processes: round after round
 * (operations interleaved, so that a noisy moment on a shared machine spreads over all of
 * them), the peak RSS of the server reset before each run, medians at the end.
 */
import { join } from "node:path";
import type { ServerProcess } from "./child.ts";
import { type LoadResult, RequestSource, runLoad } from "./load.ts";
import { formatProfile, summarizeProfile } from "./profile.ts";
import type { RequestSet } from "./protocol.ts";
import { median } from "./report.ts";

export interface Op {
  id: string;
  /** The process that answers (its memory is read). */
  server: ServerProcess;
  set: RequestSet;
  /** Single-use sets: where more items come from (the process that issued them). */
  mintFrom?: ServerProcess;
  mintOp?: string;
}

export interface OpResult {
  id: string;
  runs: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
  /** Highest peak RSS over the runs (MiB). */
  peakMiB: number | undefined;
  mismatches: number;
  errors: number;
  exhausted: boolean;
  status: Record<string, number>;
}

export interface MeasureOptions {
  repeat: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Progress line per run. */
  log?: (line: string) => void;
}

/**
 * A copy of a set, so that the same requests can be sent to another server (the ceiling),
 * with that server's marker of a right answer.
 */
export const copySet = (set: RequestSet, expect: string): RequestSet => ({
  ...set,
  items: [...set.items],
  expect,
});

/** One cursor per set for the whole script: single-use items are never sent twice. */
const sources = new WeakMap<RequestSet, RequestSource>();
function sourceOf(set: RequestSet): RequestSource {
  let s = sources.get(set);
  if (!s) {
    s = new RequestSource(set);
    sources.set(set, s);
  }
  return s;
}

export async function measure(ops: Op[], opts: MeasureOptions): Promise<OpResult[]> {
  const runs = new Map<string, LoadResult[]>(ops.map((op) => [op.id, []]));
  const peaks = new Map<string, number>();
  for (let round = 0; round < opts.repeat; round++) {
    for (const op of ops) {
      op.server.resetPeak();
      const r = await runLoad(op.server.url, sourceOf(op.set), loadOptions(op, opts));
      const mem = op.server.memory();
      if (mem) peaks.set(op.id, Math.max(peaks.get(op.id) ?? 0, mem.peakMiB));
      runs.get(op.id)!.push(r);
      opts.log?.(
        `  round ${round + 1}/${opts.repeat}  ${op.id.padEnd(34)} ${Math.round(r.rps).toString().padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.mismatches ? `  ${r.mismatches} wrong answers, e.g. ${JSON.stringify(r.wrong)}` : ""}${r.exhausted ? "  (tokens ran out)" : ""}`,
      );
    }
  }
  return ops.map((op) => {
    const rs = runs.get(op.id)!;
    const status: Record<string, number> = {};
    for (const r of rs)
      for (const [k, v] of Object.entries(r.status)) status[k] = (status[k] ?? 0) + v;
    return {
      id: op.id,
      runs: rs,
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      peakMiB: peaks.get(op.id),
      mismatches: rs.reduce((a, r) => a + r.mismatches, 0),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      exhausted: rs.some((r) => r.exhausted),
      status,
    };
  });
}

/**
 * The median over rounds of a/b measured in the same round: on a shared machine, two
 * operations measured seconds apart see more alike conditions than two medians do.
 */
export function pairedRatio(a: OpResult, b: OpResult): number {
  const n = Math.min(a.runs.length, b.runs.length);
  return median(Array.from({ length: n }, (_, i) => a.runs[i]!.rps / b.runs[i]!.rps));
}

function loadOptions(op: Op, opts: MeasureOptions) {
  const from = op.mintFrom;
  return {
    durationS: opts.durationS,
    warmupS: opts.warmupS,
    connections: opts.connections,
    ...(from ? { refill: (count: number) => from.mint(op.mintOp ?? op.id, count) } : {}),
  };
}

/**
 * One more run of each operation with the server's CPU profiler on (the run itself is not
 * counted); single-use tokens are minted before the profiler starts, so that the profile
 * shows the requests only. Prints the summaries and returns the profile files.
 */
export async function profileOps(
  ops: Op[],
  opts: MeasureOptions,
  dir: string,
  print: (s: string) => void,
  /** Requests/s measured before, to mint enough single-use tokens up front. */
  rates: ReadonlyMap<string, number> = new Map(),
): Promise<string[]> {
  const files: string[] = [];
  for (const op of ops) {
    const source = sourceOf(op.set);
    if (op.mintFrom) {
      const want = Math.ceil((rates.get(op.id) ?? 5000) * opts.durationS * 1.5) + 100;
      if (source.remaining < want)
        source.add(await op.mintFrom.mint(op.mintOp ?? op.id, want - source.remaining));
    }
    await op.server.profileStart();
    const { refill: _, ...load } = loadOptions(op, opts);
    const r = await runLoad(op.server.url, source, { ...load, warmupS: 0 });
    const file = await op.server.profileStop(
      join(dir, `${op.id.replace(/[^A-Za-z0-9._-]+/g, "_")}.cpuprofile`),
    );
    files.push(file);
    print(
      formatProfile(
        `${op.id} (${Math.round(r.rps)} req/s while profiled)`,
        summarizeProfile(file),
        file,
      ),
    );
  }
  return files;
}
