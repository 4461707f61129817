/**
 * Timing a conformance run against the embedded reference server (`runConformance` with no
 * URL: the server runs in a worker thread with short lifetimes, as `dtp test` does).
 *
 * Waiting is measured by wrapping each check's clock from outside the engine: the checks
 * are passed to `runConformance` with a `run` that hands the original one a context whose
 * `clock.sleep` records when it slept. Nothing else in the context changes.
 */
import type { Area, Check, Clock } from "../../src/check/check.ts";
import { type RunOptions, runConformance } from "../../src/runner/run.ts";
import type { RunReport } from "../../src/runner/types.ts";
import { checks as registry } from "../../suites/index.ts";

/** One check's life on the run's clock (ms since the run started). */
export interface Timeline {
  id: string;
  area: Area;
  start: number;
  end: number;
  sleeps: [number, number][];
}

export interface SuiteTiming {
  report: RunReport;
  /** From calling runConformance to its return (embedded server start and stop included). */
  wallMs: number;
  timelines: Timeline[];
  /** Wall time during which no check did anything but sleep (every running check asleep). */
  waitingWallMs: number;
  /** Exchanges over the run, discovery included. */
  exchanges: number;
  byArea: AreaTiming[];
}

export interface AreaTiming {
  area: Area;
  checks: number;
  /** Sum of the checks' durations (they overlap: the sum exceeds the wall time). */
  checkMs: number;
  /** Sum of their sleeps. */
  sleepMs: number;
  exchanges: number;
  /** The area's longest check. */
  longest: { id: string; ms: number; sleepMs: number };
}

/** The default suite (every check of suites/index.ts), optionally filtered. */
export function selectChecks(filter?: (c: Check) => boolean): Check[] {
  return filter ? registry.filter(filter) : [...registry];
}

export async function timeSuite(
  checks: readonly Check[],
  options: Omit<RunOptions, "checks"> = {},
): Promise<SuiteTiming> {
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const timelines = new Map<string, Timeline>();
  const wrapped: Check[] = checks.map((check) => ({
    meta: check.meta,
    async run(ctx) {
      const t: Timeline = {
        id: check.meta.id,
        area: check.meta.area,
        start: at(),
        end: Number.NaN,
        sleeps: [],
      };
      timelines.set(check.meta.id, t);
      const clock: Clock = {
        now: () => ctx.clock.now(),
        async sleep(ms) {
          const s = at();
          try {
            await ctx.clock.sleep(ms);
          } finally {
            t.sleeps.push([s, at()]);
          }
        },
      };
      try {
        await check.run({ ...ctx, clock });
      } finally {
        t.end = at();
      }
    },
  }));
  const report = await runConformance({ ...options, checks: wrapped });
  const wallMs = at();
  const lines = [...timelines.values()].map((t) => ({
    ...t,
    end: Number.isNaN(t.end) ? wallMs : t.end,
  }));
  const exchangesOf = (id: string) => {
    const r = report.results.find((x) => x.id === id);
    return r ? r.exchanges.length + (r.omittedExchanges ?? 0) : 0;
  };
  const areas = new Map<Area, AreaTiming>();
  for (const t of lines) {
    const ms = t.end - t.start;
    const sleepMs = sleptMs(t);
    const a = areas.get(t.area) ?? {
      area: t.area,
      checks: 0,
      checkMs: 0,
      sleepMs: 0,
      exchanges: 0,
      longest: { id: t.id, ms: 0, sleepMs: 0 },
    };
    a.checks++;
    a.checkMs += ms;
    a.sleepMs += sleepMs;
    a.exchanges += exchangesOf(t.id);
    if (ms > a.longest.ms) a.longest = { id: t.id, ms, sleepMs };
    areas.set(t.area, a);
  }
  const exchanges =
    report.discovery.length +
    report.results.reduce((a, r) => a + r.exchanges.length + (r.omittedExchanges ?? 0), 0);
  return {
    report,
    wallMs,
    timelines: lines,
    waitingWallMs: wallMs - busyMs(lines, wallMs),
    exchanges,
    byArea: [...areas.values()].sort((x, y) => y.checkMs - x.checkMs),
  };
}

/** Time a check spent asleep (a check may sleep in several branches at once: union). */
export function sleptMs(t: Timeline): number {
  return unionMs(t.sleeps);
}

function unionMs(intervals: readonly [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [cs, ce] = [0, 0];
  for (const [s, e] of sorted) {
    if (s > ce) {
      total += ce - cs;
      [cs, ce] = [s, e];
    } else ce = Math.max(ce, e);
  }
  return total + (ce - cs);
}

/**
 * Wall time during which something other than sleeping happened: before the first check
 * (server start, discovery), after the last one (reports, server stop), and the union of
 * every check's life minus its sleeps.
 */
function busyMs(lines: readonly Timeline[], wallMs: number): number {
  const intervals: [number, number][] = [];
  const first = Math.min(wallMs, ...lines.map((t) => t.start));
  const last = Math.max(0, ...lines.map((t) => t.end));
  intervals.push([0, first], [last, wallMs]);
  for (const t of lines) {
    let cursor = t.start;
    for (const [s, e] of [...t.sleeps].sort((a, b) => a[0] - b[0])) {
      if (s > cursor) intervals.push([cursor, s]);
      cursor = Math.max(cursor, e);
    }
    if (t.end > cursor) intervals.push([cursor, t.end]);
  }
  return unionMs(intervals);
}
