/**
 * A check's outcome → its {@link CheckResult}.
 *
 * Every failure the check recorded (in its cases and properties, or the one that ended it)
 * becomes a {@link FailureRecord}: `fail` when it names one of the check's own requirements,
 * `blocked` when it names another one (a setup step failed on a requirement another check
 * owns). Status: FAIL (an own MUST failure, or SHOULD under --strict) > BLOCKED > WARN
 * (only SHOULD/MAY failures) > SKIP (ctx.skip, ctx.notClaimed, a wait that does not fit,
 * the run stopped) > ERROR (anything else thrown: a bug in the kit, never a pass) > PASS.
 */
import type { CheckMeta, Level, Status } from "../check/check.ts";
import { CheckFailure, DtpKitError, SkipSignal } from "../check/failure.ts";
import type { Exchange } from "../check/http.ts";
import type { RecordingHttpClient } from "../http/client.ts";
import { TransportError } from "../http/errors.ts";
import { crossCuttingCause } from "./cross-cutting.ts";
import { curlScript } from "./curl.ts";
import type { CheckRunOptions } from "./engine-options.ts";
import { PROPERTY_INFO, propertyDoesNotHold, unwrapProperty } from "./fast-check-error.ts";
import type { CheckResult, ExchangeGroup, FailureRecord } from "./types.ts";

/** Transcripts longer than this keep their start, their end and the evidence. */
const MAX_EXCHANGES = 300;
const HEAD_EXCHANGES = 50;

export interface Caught {
  error: CheckFailure | TransportError;
  /** The case it happened in. */
  case?: string;
}

export type Outcome =
  | { kind: "returned" }
  | { kind: "threw"; error: unknown }
  | { kind: "error"; message: string }
  | { kind: "stopped"; message: string };

export function resultOf(input: {
  base: CheckResult;
  meta: CheckMeta;
  outcome: Outcome;
  caught: Caught[];
  http: RecordingHttpClient;
  opts: CheckRunOptions;
}): CheckResult {
  const { meta, outcome, http, opts } = input;
  const result: CheckResult = { ...input.base };
  const notes = result.notes;
  const caught = [...input.caught];
  let completed = outcome.kind === "returned";
  let skip: SkipSignal | undefined;
  let error: string | undefined;

  if (outcome.kind === "threw") {
    const err = unwrapProperty(outcome.error, propertyDoesNotHold(meta));
    if (err instanceof CheckFailure || err instanceof TransportError) caught.push({ error: err });
    else if (err instanceof SkipSignal) skip = err;
    else if (err instanceof DtpKitError) error = err.message;
    else {
      const property = typeof err === "object" && err !== null ? PROPERTY_INFO.get(err) : undefined;
      if (property) {
        result.seed = property.seed;
        result.path = property.path;
        result.counterexample = property.counterexample;
      }
      const e = err instanceof Error ? err : new Error(String(err));
      error = `the check threw ${e.name}: ${e.message}`;
      const stack = e.stack
        ?.split("\n")
        .slice(1, 6)
        .map((l) => l.trim());
      if (stack?.length) notes.push(`stack: ${stack.join(" | ")}`);
    }
  } else if (outcome.kind === "error") {
    error = outcome.message;
  }

  const records = caught.map((c) => record(c, meta, opts, http));
  const own = records.filter((r) => r.kind === "fail");
  const blocked = records.filter((r) => r.kind === "blocked");
  const strict = opts.strict ?? false;
  let status: Status;
  if (own.some((r) => failureStatus(r.level, strict) === "FAIL")) status = "FAIL";
  else if (blocked.length) status = "BLOCKED";
  else if (own.length) status = "WARN";
  else if (skip) status = "SKIP";
  else if (outcome.kind === "stopped") status = "SKIP";
  else if (error !== undefined) status = "ERROR";
  else status = "PASS";
  result.status = status;

  if (records.length) {
    // Own failures first, then what blocked the check; the first one is mirrored on top.
    const ordered = [...own, ...blocked];
    const first = ordered[0]!;
    result.failures = ordered;
    result.requirement = first.requirement;
    result.expected = first.expected;
    result.actual = first.actual;
    result.evidence = [...new Set(ordered.flatMap((r) => r.evidence))].sort((a, b) => a - b);
    result.seed = first.seed ?? opts.seed;
    if (first.path !== undefined) result.path = first.path;
    if (first.counterexample !== undefined) result.counterexample = first.counterexample;
    result.replay = first.replay;
    result.message =
      status === "BLOCKED"
        ? `blocked by ${first.requirement}: expected ${first.expected}; got ${first.actual}`
        : `${first.requirement}: expected ${first.expected}; got ${first.actual}${ordered.length > 1 ? ` (and ${ordered.length - 1} more failing case${ordered.length > 2 ? "s" : ""})` : ""}`;
    if (status === "BLOCKED") result.blockedBy = first.requirement;
    if (skip) {
      notes.push(`then skipped the rest: ${skip.reason}`);
      completed = false;
    }
    if (error !== undefined) {
      notes.push(`then the check errored: ${error}`);
      completed = false;
    }
    if (outcome.kind === "stopped") {
      notes.push(outcome.message);
      completed = false;
    }
  } else if (status === "SKIP") {
    result.skipKind = skip?.kind ?? "untested";
    result.message = skip?.reason ?? (outcome.kind === "stopped" ? outcome.message : "");
  } else if (status === "ERROR") {
    result.message = error ?? "";
    result.seed ??= opts.seed;
    result.replay = replayOf(meta, opts, {});
  }
  result.completed = completed;

  // The transcript: a passing or skipped check keeps a summary (one line per kind of
  // exchange; --evidence all: everything); the others everything, or for long transcripts
  // the start, the end and the evidence.
  const total = http.exchangeCount();
  if ((status === "PASS" || status === "SKIP") && opts.evidence !== "all") {
    result.exchanges = [];
    if (total > 0) {
      result.exchangeSummary = summarizeExchanges(http.exchangesAt(allIndexes(total)));
      result.omittedExchanges = total;
    }
  } else {
    result.exchanges = http.exchangesAt(keptIndexes(total, result.evidence ?? []));
    if (result.exchanges.length < total) {
      result.omittedExchanges = total - result.exchanges.length;
      notes.push(`${result.omittedExchanges} exchanges were left out of the transcript`);
    }
  }
  const redact = (s: string) => opts.redactor.text(s);
  for (const r of result.failures ?? []) {
    r.expected = redact(r.expected);
    r.actual = redact(r.actual);
    if (r.counterexample !== undefined) r.counterexample = redact(r.counterexample);
    r.curl = curlScript({
      exchanges: http.unredactedExchanges(),
      evidence: r.evidence,
      config: opts.target.config,
      secrets: opts.redactor,
      title: `${meta.id}${r.case ? ` (${r.case})` : ""}: ${r.requirement} expected ${r.expected}; got ${r.actual}`,
    });
  }
  if (result.message !== undefined) result.message = redact(result.message);
  if (result.expected !== undefined) result.expected = redact(result.expected);
  if (result.actual !== undefined) result.actual = redact(result.actual);
  if (result.counterexample !== undefined) result.counterexample = redact(result.counterexample);
  result.notes = notes.map(redact);
  return result;
}

/** FAIL for MUST (and SHOULD under --strict); WARN otherwise. */
export function failureStatus(level: Level, strict: boolean): Status {
  if (level === "MUST") return "FAIL";
  if (level === "SHOULD" && strict) return "FAIL";
  return "WARN";
}

function record(
  c: Caught,
  meta: CheckMeta,
  opts: CheckRunOptions,
  http: RecordingHttpClient,
): FailureRecord {
  const err = c.error;
  const last = err instanceof CheckFailure ? err.evidence.at(-1) : undefined;
  // The unredacted exchange: a DPoP proof's claims are read (nothing of it is reported).
  const cause =
    last !== undefined ? crossCuttingCause(http.unredactedExchanges()[last]) : undefined;
  const requirement = cause ?? ((err instanceof CheckFailure && err.requirement) || meta.id);
  const level =
    (err instanceof CheckFailure && !cause ? err.level : undefined) ??
    opts.levelOf?.(requirement) ??
    meta.level;
  const out: FailureRecord = {
    requirement,
    level,
    kind: meta.requirements.includes(requirement) ? "fail" : "blocked",
    expected: err.expected,
    actual: err.actual,
    evidence: err instanceof TransportError ? [err.exchange] : [...err.evidence],
    replay: "",
  };
  if (c.case !== undefined) out.case = c.case;
  if (err.code !== "DTP_CHECK_FAILED") out.code = err.code;
  const property = PROPERTY_INFO.get(err);
  if (property) {
    out.seed = property.seed;
    out.path = property.path;
    out.counterexample = property.counterexample;
  }
  out.replay = replayOf(meta, opts, {
    ...(c.case !== undefined ? { case: c.case } : {}),
    ...(property ? { path: property.path } : {}),
  });
  return out;
}

function replayOf(
  meta: CheckMeta,
  opts: CheckRunOptions,
  replay: { case?: string; path?: string },
): string {
  return (opts.replayCommand ?? defaultReplay)(meta, opts.seed, replay);
}

/** `dtp test --only <check> --seed <n> [--case <label>] [--replay-path <path>]`. */
export function defaultReplay(
  meta: CheckMeta,
  seed: number,
  replay: { case?: string; path?: string },
): string {
  return `dtp test --only ${meta.id} --seed ${seed}${replayArgs(replay)}`;
}

/** ` --case '<label>' --replay-path <path>` (shell-quoted), or "". */
export function replayArgs(replay: { case?: string; path?: string }): string {
  return `${replay.case !== undefined ? ` --case ${shellQuote(replay.case)}` : ""}${replay.path ? ` --replay-path ${replay.path}` : ""}`;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A passing check's transcript in one line per kind of exchange: method, path, status (or
 * transport error), how many, and their total time.
 */
export function summarizeExchanges(exchanges: readonly Exchange[]): ExchangeGroup[] {
  const groups = new Map<string, ExchangeGroup>();
  for (const x of exchanges) {
    let path = x.request.url;
    try {
      path = new URL(x.request.url).pathname;
    } catch {
      // keep the URL as recorded
    }
    const outcome = x.response ? String(x.response.status) : "no response";
    const key = `${x.request.method} ${path} ${outcome}`;
    const g = groups.get(key) ?? { method: x.request.method, path, outcome, count: 0, totalMs: 0 };
    g.count++;
    g.totalMs += x.durationMs;
    groups.set(key, g);
  }
  return [...groups.values()];
}

function allIndexes(total: number): number[] {
  return Array.from({ length: total }, (_, i) => i);
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
