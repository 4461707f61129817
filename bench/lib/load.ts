/**
 * Load generation with autocannon (programmatic API) over keep-alive connections on
 * loopback. Every request comes from a {@link RequestSet} through `setupRequest`, for the
 * baselines too, so the load generator does the same work whatever the server.
 * Latencies are recorded from autocannon's `response` events (sub-millisecond precision,
 * not its whole-millisecond histogram).
 */
import autocannon from "autocannon";
import type { RequestItem, RequestSet } from "./protocol.ts";

export interface LoadOptions {
  /** Seconds of measurement. */
  durationS: number;
  connections: number;
  /** Seconds of warm-up (same requests, not measured) before the measurement. */
  warmupS: number;
  /** Called when a single-use set runs low: more items, or [] when none can be had. */
  refill?: (count: number) => Promise<RequestItem[]>;
}

export interface LoadResult {
  /** Responses received during the measurement. */
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses whose body lacked the expected marker (a wrong answer, e.g. slow_down). */
  mismatches: number;
  /** Connection errors and timeouts. */
  errors: number;
  status: Record<string, number>;
  /** A single-use set ran out before the duration: the run was shorter. */
  exhausted: boolean;
  /** The first wrong answer (start of its body), to tell what went wrong. */
  wrong?: string;
}

/** Stateful cursor over a set (single-use items are consumed across warm-up and runs). */
export class RequestSource {
  private next = 0;
  readonly set: RequestSet;
  constructor(set: RequestSet) {
    this.set = set;
  }
  get remaining(): number {
    return this.set.cycle ? Number.POSITIVE_INFINITY : this.set.items.length - this.next;
  }
  add(items: RequestItem[]): void {
    // Drop the consumed prefix so that a long run does not keep every used token alive.
    this.set.items = this.set.items.slice(this.next).concat(items);
    this.next = 0;
  }
  take(): RequestItem {
    const items = this.set.items;
    if (this.set.cycle) return items[this.next++ % items.length]!;
    // Past the end (only the few requests in flight when the cap is reached): repeat the last.
    return items[Math.min(this.next++, items.length - 1)]!;
  }
}

async function once(
  url: string,
  source: RequestSource,
  durationS: number,
  connections: number,
): Promise<LoadResult> {
  const set = source.set;
  const capped = !set.cycle;
  const maxOverall = capped ? Math.max(connections, source.remaining - connections) : undefined;
  const latencies: number[] = [];
  let wrong: string | undefined;
  const started = performance.now();
  const instance = autocannon({
    url,
    connections,
    duration: durationS,
    timeout: 30,
    // autocannon notices the end of the duration at its next sample tick: tick often.
    sampleInt: 100,
    ...(maxOverall !== undefined ? { maxOverallRequests: maxOverall } : {}),
    requests: [
      {
        method: set.method,
        path: set.path,
        setupRequest: (req) => {
          const item = source.take();
          req.headers = { ...req.headers, ...item.headers };
          if (item.body !== undefined) req.body = item.body;
          return req;
        },
      },
    ],
    verifyBody: (body) => {
      if (body.includes(set.expect)) return true;
      wrong ??= body.slice(0, 160);
      return false;
    },
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const r = await instance;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length === 0
      ? Number.NaN
      : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const status: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) status[code] = count;
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: pct(50),
    p99: pct(99),
    mismatches: r.mismatches,
    errors: r.errors,
    status,
    exhausted: capped && seconds < durationS * 0.95,
    ...(wrong !== undefined ? { wrong } : {}),
  };
}

/**
 * Warms up, then measures. A single-use set is refilled before each phase so that it lasts
 * `durationS` at the rate seen so far (the run ends early, flagged `exhausted`, if not).
 */
export async function runLoad(
  url: string,
  source: RequestSource,
  opts: LoadOptions,
  rateGuess = 5000,
): Promise<LoadResult> {
  let rate = rateGuess;
  const refill = async (seconds: number) => {
    if (source.set.cycle || !opts.refill) return;
    const want = Math.ceil(rate * seconds * 1.3) + 4 * opts.connections;
    if (source.remaining < want) source.add(await opts.refill(want - source.remaining));
  };
  if (opts.warmupS > 0) {
    await refill(opts.warmupS);
    const w = await once(url, source, opts.warmupS, opts.connections);
    // Warm-up runs colder than the measurement: leave room.
    if (w.requests > 0) rate = w.rps * 1.5;
  }
  await refill(opts.durationS);
  return once(url, source, opts.durationS, opts.connections);
}
