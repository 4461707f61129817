/**
 * The engine: runs selected checks against a target with bounded concurrency and turns
 * each outcome into a {@link CheckResult}.
 *
 * Per check: profile gate (a DTP extension under the OAuth profile → SKIP, `profiles.ts`),
 * feature gate (missing feature → SKIP with the reason), its own recording
 * HttpClient (its transcript is the evidence), a clock whose sleeps are charged to the
 * `--max-wait` budget, fast-check parameters from the run's seed, and a deadline.
 * Outcome: returns → PASS; SkipSignal → SKIP; CheckFailure → FAIL (MUST, or SHOULD under
 * --strict) or WARN (SHOULD, MAY); anything else → ERROR (the kit broke; never a pass).
 * Checks flagged `waits` run in their own lane so that they never hold up the others.
 */
import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import { oauthClientPool } from "../client/auth.ts";
import { formatDuration } from "../config/duration.ts";
import { configSecrets } from "../config/load.ts";
import { createAgent, createHttpClient, DEFAULT_MAX_BODY_BYTES } from "../http/client.ts";
import { Redactor } from "../http/redact.ts";
import { createApprover } from "./approval.ts";
import type { Check, CheckContext, CheckMeta, Clock, Feature, Level, Status } from "./check.ts";
import { missingFeatureReason } from "./discover.ts";
import { CheckFailure, DtpKitError, SkipSignal } from "./failure.ts";
import { parsePropertyFailure } from "./fast-check-error.ts";
import { type Profile, profileRequires, profileSkipReason } from "./profiles.ts";
import type { Target } from "./target.ts";
import type { CheckResult } from "./types.ts";

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RUNS = 30;
export const DEFAULT_MAX_WAIT_MS = 60_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 5 * 60_000;
/** Concurrency of the lane of checks that wait on lifetimes (they mostly sleep). */
const WAITING_LANE_CONCURRENCY = 16;
/** Transcripts longer than this keep their start, their end and the evidence. */
const MAX_EXCHANGES = 300;
const HEAD_EXCHANGES = 50;

export interface EngineOptions {
  target: Target;
  /** Already selected (see registry.ts). */
  checks: readonly Check[];
  seed: number;
  runs?: number;
  /** fast-check path to replay (with --only). */
  replayPath?: string;
  strict?: boolean;
  concurrency?: number;
  maxWaitMs?: number;
  timeoutMs?: number;
  checkTimeoutMs?: number;
  maxBodyBytes?: number;
  redactor?: Redactor;
  dispatcher?: Dispatcher;
  /** Extra headers for requests to the target's origin (`--header`, config `headers`). */
  extraHeaders?: Record<string, string>;
  signal?: AbortSignal;
  /** The replay command for a result (the CLI knows the URL and config path). */
  replayCommand?: (meta: CheckMeta, seed: number, path: string | undefined) => string;
  onResult?: (result: CheckResult) => void;
  /** A check starts sleeping on its clock (for the console's signs of life). */
  onWait?: (event: { checkId: string; ms: number; reason?: string }) => void;
}

/** Runs the checks; results come back in the order of `checks`. */
export async function runChecks(opts: EngineOptions): Promise<CheckResult[]> {
  const ownDispatcher = opts.dispatcher === undefined;
  const dispatcher = opts.dispatcher ?? createAgent();
  const redactor = opts.redactor ?? new Redactor();
  for (const s of configSecrets(opts.target.config)) redactor.add(s.value, s.label);
  const results = new Array<CheckResult>(opts.checks.length);
  const indexed = opts.checks.map((check, i) => ({ check, i }));
  const run = async (lane: typeof indexed, limit: number) => {
    let next = 0;
    const worker = async () => {
      while (next < lane.length) {
        const { check, i } = lane[next++]!;
        const result = await runOne(check, { ...opts, dispatcher, redactor });
        results[i] = result;
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
    if (ownDispatcher) await dispatcher.destroy().catch(() => {});
  }
  return results;
}

type RunOneOptions = EngineOptions & { dispatcher: Dispatcher; redactor: Redactor };

/**
 * The features a check needs: its own (or its OAuth profile override, `profiles.ts`), plus an
 * API key for every non-discovery check.
 */
export function requiredFeatures(meta: CheckMeta, profile?: Profile): Feature[] {
  const req = profileRequires(meta, profile);
  if (meta.area !== "discovery" && !req.includes("api_key")) req.push("api_key");
  return req;
}

async function runOne(check: Check, opts: RunOneOptions): Promise<CheckResult> {
  const meta = check.meta;
  const started = performance.now();
  const base: CheckResult = {
    id: meta.id,
    requirements: [...meta.requirements],
    level: meta.level,
    area: meta.area,
    title: meta.title,
    specRef: meta.specRef,
    status: "SKIP",
    durationMs: 0,
    exchanges: [],
    notes: [],
  };
  const outOfProfile = profileSkipReason(meta, opts.target.profile);
  if (outOfProfile !== undefined) {
    base.message = outOfProfile;
    return base;
  }
  const missing = requiredFeatures(meta, opts.target.profile).filter(
    (f) => !opts.target.features.has(f),
  );
  if (missing.length > 0) {
    base.message = missing.map((f) => missingFeatureReason(f, opts.target)).join("; ");
    return base;
  }
  if (opts.signal?.aborted) {
    base.message = "the run was cancelled";
    return base;
  }

  const controller = new AbortController();
  const onRunAbort = () => controller.abort();
  opts.signal?.addEventListener("abort", onRunAbort, { once: true });
  const http = createHttpClient({
    baseUrl: opts.target.baseUrl,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requirement: meta.id,
    signal: controller.signal,
    dispatcher: opts.dispatcher,
    redactor: opts.redactor,
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  });
  const notes: string[] = [];
  const maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let waitedMs = 0;
  const clock: Clock = {
    now: () => Date.now(),
    sleep: (ms, reason) => {
      const remaining = maxWaitMs - waitedMs;
      if (ms > remaining) {
        return Promise.reject(
          new SkipSignal(
            `needs to wait ${formatDuration(ms)} more but --max-wait ${formatDuration(maxWaitMs)} leaves ${formatDuration(Math.max(0, remaining))}: raise --max-wait or shorten the target's lifetimes`,
          ),
        );
      }
      waitedMs += ms;
      opts.onWait?.({ checkId: meta.id, ms, ...(reason !== undefined ? { reason } : {}) });
      return abortableSleep(ms, controller.signal);
    },
  };
  const seed = opts.seed;
  const ctx: CheckContext = {
    target: opts.target,
    http,
    clock,
    fc: {
      seed,
      numRuns: opts.runs ?? DEFAULT_RUNS,
      ...(opts.replayPath !== undefined ? { path: opts.replayPath } : {}),
    },
    waitBudget: () => Math.max(0, (maxWaitMs - waitedMs) / 1000),
    skip: (reason) => {
      throw new SkipSignal(reason);
    },
    note: (message) => {
      notes.push(message);
    },
    approval: createApprover(opts.target, http),
    clientId: clientIds(opts.target),
    signal: controller.signal,
  };

  const deadlineMs =
    (opts.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS) + (meta.waits ? maxWaitMs : 0);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deadlineMs);
  });
  const running = (async () => check.run(ctx))();
  running.catch(() => {}); // settled below, or abandoned after the deadline
  let onCancel = () => {};
  const cancelled = new Promise<"cancelled">((resolve) => {
    onCancel = () => resolve("cancelled");
    if (opts.signal?.aborted) onCancel();
    opts.signal?.addEventListener("abort", onCancel, { once: true });
  });
  let outcome: { ok: true } | { ok: false; error: unknown } | "deadline" | "cancelled";
  try {
    outcome = await Promise.race([
      running.then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      deadline,
      cancelled,
    ]);
  } finally {
    clearTimeout(timer);
    controller.abort();
    opts.signal?.removeEventListener("abort", onRunAbort);
    opts.signal?.removeEventListener("abort", onCancel);
    await http.close();
  }

  const result: CheckResult = { ...base, notes };
  const redact = (s: string) => opts.redactor.text(s);
  if (outcome === "cancelled") {
    result.status = "ERROR";
    result.message = "the run was cancelled while this check ran";
  } else if (outcome === "deadline") {
    result.status = "ERROR";
    result.message = `the check did not finish within ${formatDuration(deadlineMs)} (timeouts.check); it was stopped`;
  } else if (outcome.ok) {
    result.status = "PASS";
  } else {
    classify(outcome.error, meta, opts, result);
  }
  if (result.status === "FAIL" || result.status === "WARN" || result.status === "ERROR") {
    result.seed ??= seed;
    result.replay = (opts.replayCommand ?? defaultReplay)(meta, result.seed, result.path);
  }
  const total = http.exchangeCount();
  result.exchanges = http.exchangesAt(keptIndexes(total, result.evidence ?? []));
  if (result.exchanges.length < total) {
    result.omittedExchanges = total - result.exchanges.length;
    notes.push(`${result.omittedExchanges} exchanges were left out of the transcript`);
  }
  if (result.message !== undefined) result.message = redact(result.message);
  if (result.expected !== undefined) result.expected = redact(result.expected);
  if (result.actual !== undefined) result.actual = redact(result.actual);
  if (result.counterexample !== undefined) result.counterexample = redact(result.counterexample);
  result.notes = notes.map(redact);
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

function classify(error: unknown, meta: CheckMeta, opts: RunOneOptions, result: CheckResult): void {
  let err = error;
  const property = parsePropertyFailure(error);
  if (property) {
    result.seed = property.seed;
    result.path = property.path;
    result.counterexample = property.counterexample;
    err = property.cause;
  }
  if (err instanceof SkipSignal) {
    result.status = "SKIP";
    result.message = err.reason;
    return;
  }
  if (err instanceof CheckFailure) {
    const level: Level = err.level ?? meta.level;
    result.status = failureStatus(level, opts.strict ?? false);
    result.requirement = err.requirement || meta.id;
    result.expected = err.expected;
    result.actual = err.actual;
    result.message = `${result.requirement}: expected ${err.expected}; got ${err.actual}`;
    result.evidence = err.exchanges.map((x) => x.index);
    return;
  }
  if (property && err === undefined) {
    // The property returned false instead of throwing a CheckFailure.
    result.status = failureStatus(meta.level, opts.strict ?? false);
    result.requirement = meta.id;
    result.expected = "the property to hold";
    result.actual = `it does not hold for ${property.counterexample}`;
    result.message = `${meta.id}: the property does not hold for ${property.counterexample}`;
    return;
  }
  result.status = "ERROR";
  if (err instanceof DtpKitError) {
    result.message = err.message;
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  result.message = `the check threw ${e.name}: ${e.message}`;
  const stack = e.stack
    ?.split("\n")
    .slice(1, 6)
    .map((l) => l.trim());
  if (stack?.length) result.notes.push(`stack: ${stack.join(" | ")}`);
}

/** FAIL for MUST (and SHOULD under --strict); WARN otherwise. */
export function failureStatus(level: Level, strict: boolean): Status {
  if (level === "MUST") return "FAIL";
  if (level === "SHOULD" && strict) return "FAIL";
  return "WARN";
}

function defaultReplay(meta: CheckMeta, seed: number, path: string | undefined): string {
  return `dtp test --only ${meta.id} --seed ${seed}${path ? ` --replay-path ${path}` : ""}`;
}

/** Long transcripts keep their start, their end and the evidence. */
function keptIndexes(total: number, evidence: number[]): number[] {
  if (total <= MAX_EXCHANGES) return Array.from({ length: total }, (_, i) => i);
  const tailStart = total - (MAX_EXCHANGES - HEAD_EXCHANGES);
  const out = new Set(evidence);
  for (let i = 0; i < HEAD_EXCHANGES; i++) out.add(i);
  for (let i = tailStart; i < total; i++) out.add(i);
  return [...out];
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DtpKitError("DTP_HTTP_ABORTED", "the check was stopped"));
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DtpKitError("DTP_HTTP_ABORTED", "the check was stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `ctx.clientId` of one check: fresh ids (DTP devices choose theirs), or under the OAuth
 * profile the pre-registered clients in turn (so a check's second client differs from its first).
 */
function clientIds(target: Target): (label?: string) => string {
  if (target.profile !== "oauth") {
    return (label) => makeClientId(target.config.clientIdPrefix, label);
  }
  const pool = oauthClientPool(target);
  let next = 0;
  return () => {
    const client = pool[next++ % Math.max(1, pool.length)];
    if (!client) throw new SkipSignal(missingFeatureReason("api_key", target));
    return client.clientId;
  };
}

const CLIENT_ID_CHARS = /[^A-Za-z0-9._~-]/g;

function makeClientId(prefix: string, label?: string): string {
  const suffix = randomBytes(6)
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x");
  const mid = label ? `${label.replace(CLIENT_ID_CHARS, "-").slice(0, 40)}-` : "";
  return `${prefix}${mid}${suffix}`.slice(0, 128);
}
