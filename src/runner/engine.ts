/**
 * The engine: runs selected checks against a target with bounded concurrency, one
 * {@link CheckResult} per check (see check-run.ts for one check).
 *
 * Checks flagged `waits` run in their own lane so that they never hold up the others.
 * `--max-failures N` stops the run once N checks failed: the checks not yet finished are
 * SKIPPED (untested) with that reason, and the verdict says the run stopped early.
 */
import { configSecrets } from "../config/load.ts";
import { createAgent } from "../http/client.ts";
import { Redactor } from "../http/redact.ts";
import { runCheck } from "./check-run.ts";
import {
  DEFAULT_CONCURRENCY,
  type EngineOptions,
  WAITING_LANE_CONCURRENCY,
} from "./engine-options.ts";
import type { CheckResult } from "./types.ts";

export interface EngineRun {
  results: CheckResult[];
  /** Why the run stopped before every check finished (max failures, cancelled). */
  stoppedEarly?: string;
}

/** Runs the checks; results come back in the order of `checks`. */
export async function runChecks(opts: EngineOptions): Promise<EngineRun> {
  const ownDispatcher = opts.dispatcher === undefined;
  const dispatcher = opts.dispatcher ?? createAgent();
  const redactor = opts.redactor ?? new Redactor();
  for (const s of configSecrets(opts.target.config)) redactor.add(s.value, s.label);
  // Stopping early (max failures) aborts the checks still running; a cancel does too.
  const stop = new AbortController();
  let stoppedEarly: string | undefined;
  const onCancel = () => {
    stoppedEarly ??= "the run was cancelled";
    stop.abort();
  };
  if (opts.signal?.aborted) onCancel();
  opts.signal?.addEventListener("abort", onCancel, { once: true });
  let failed = 0;

  const results = new Array<CheckResult>(opts.checks.length);
  const indexed = opts.checks.map((check, i) => ({ check, i }));
  const run = async (lane: typeof indexed, limit: number) => {
    let next = 0;
    const worker = async () => {
      while (next < lane.length) {
        const { check, i } = lane[next++]!;
        opts.onStart?.(check.meta);
        const result = await runCheck(check, {
          ...opts,
          dispatcher,
          redactor,
          stop: stop.signal,
          stopReason: () => stoppedEarly ?? "the run stopped",
        });
        results[i] = result;
        if (result.status === "FAIL" && opts.maxFailures && ++failed >= opts.maxFailures) {
          if (!stop.signal.aborted) {
            stoppedEarly = `stopped after ${failed} failed check${failed === 1 ? "" : "s"} (--max-failures ${opts.maxFailures})`;
            stop.abort();
          }
        }
        opts.onResult?.(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, lane.length) }, worker));
  };
  try {
    await Promise.all([
      run(
        indexed.filter((x) => !x.check.meta.waits),
        Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
      ),
      run(
        indexed.filter((x) => x.check.meta.waits),
        WAITING_LANE_CONCURRENCY,
      ),
    ]);
  } finally {
    opts.signal?.removeEventListener("abort", onCancel);
    if (ownDispatcher) await dispatcher.destroy().catch(() => {});
  }
  return { results, ...(stoppedEarly !== undefined ? { stoppedEarly } : {}) };
}
