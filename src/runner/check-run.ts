/**
 * One check, run: profile and feature gates, its own recording HttpClient (its transcript is
 * the evidence), a clock whose sleeps are charged to `--max-wait`, cases and properties
 * that record every failure and go on, a deadline; then the outcome (outcome.ts).
 */
import fc, { type IRawProperty } from "fast-check";
import type { Check, CheckContext, CheckMeta, Clock } from "../check/check.ts";
import { CheckFailure, DtpKitError, SkipSignal } from "../check/failure.ts";
import type { Feature, Profile } from "../check/target.ts";
import { formatDuration } from "../config/duration.ts";
import { createHttpClient, DEFAULT_MAX_BODY_BYTES } from "../http/client.ts";
import { TransportError } from "../http/errors.ts";
import { createApprover } from "./approval.ts";
import { clientIds } from "./client-ids.ts";
import { claimedFeatures, missingFeatureReason } from "./discover.ts";
import {
  type CheckRunOptions,
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_RUNS,
} from "./engine-options.ts";
import { propertyDoesNotHold, unwrapProperty } from "./fast-check-error.ts";
import { type Caught, resultOf } from "./outcome.ts";
import { profileRequires, profileSkipReason } from "./profiles.ts";
import type { CheckResult, WrongActorCase } from "./types.ts";

/**
 * The features a check needs: its own (or its OAuth profile override, `profiles.ts`), plus an
 * API key for every non-discovery check.
 */
export function requiredFeatures(meta: CheckMeta, profile?: Profile): Feature[] {
  const req = profileRequires(meta, profile);
  if (meta.area !== "discovery" && !req.includes("api_key")) req.push("api_key");
  return req;
}

export async function runCheck(check: Check, opts: CheckRunOptions): Promise<CheckResult> {
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
  const skipped = (kind: NonNullable<CheckResult["skipKind"]>, message: string): CheckResult => ({
    ...base,
    skipKind: kind,
    message,
  });
  const outOfProfile = profileSkipReason(meta, opts.target.profile);
  if (outOfProfile !== undefined) return skipped("out-of-profile", outOfProfile);
  const missing = requiredFeatures(meta, opts.target.profile).filter(
    (f) => !opts.target.features.has(f),
  );
  if (missing.length > 0) {
    const reason = missing
      .map((f) => missingFeatureReason(f, opts.target))
      .sort()
      .join("; ");
    // Not claimed when the metadata does not offer it; untested when only the config lacks.
    const claimed = claimedFeatures(opts.target.metadata, opts.target.profile);
    return skipped(missing.every((f) => claimed.has(f)) ? "untested" : "not-claimed", reason);
  }
  if (opts.stop.aborted) return skipped("untested", `not run: ${opts.stopReason()}`);

  const controller = new AbortController();
  const onStop = () => controller.abort();
  opts.stop.addEventListener("abort", onStop, { once: true });
  const http = createHttpClient({
    baseUrl: opts.target.baseUrl,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    signal: controller.signal,
    dispatcher: opts.dispatcher,
    redactor: opts.redactor,
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
    ...(opts.instances ? { instances: opts.instances } : {}),
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
            `needs to wait ${formatDuration(ms)} more${reason ? ` ${reason}` : ""} but --max-wait ${formatDuration(maxWaitMs)} leaves ${formatDuration(Math.max(0, remaining))}: raise --max-wait or shorten ${reason ? "that lifetime or interval" : "the lifetimes and intervals"} on the target`,
          ),
        );
      }
      waitedMs += ms;
      opts.onWait?.({ checkId: meta.id, ms, ...(reason !== undefined ? { reason } : {}) });
      return abortableSleep(ms, controller.signal);
    },
  };

  // Cases: every failure inside one is recorded and the check goes on.
  const caught: Caught[] = [];
  const labels = new Set<string>();
  let casesRun = 0;
  const runs = opts.runs ?? DEFAULT_RUNS;
  const runCase = async (label: string, fn: () => Promise<void>) => {
    if (labels.has(label))
      throw new Error(`${meta.id}: case label ${JSON.stringify(label)} used twice`);
    labels.add(label);
    if (opts.replayCase !== undefined && opts.replayCase !== label) return;
    casesRun++;
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof CheckFailure || err instanceof TransportError)) throw err;
      caught.push({ error: err, case: label });
    }
  };
  const wrongActor: WrongActorCase[] = [];
  const runWrongActor = (requirement: string, label: string, fn: () => Promise<void>) => {
    if (!meta.requirements.includes(requirement)) {
      throw new Error(
        `${meta.id}: wrong-actor case ${JSON.stringify(label)} names ${requirement}, which is not one of the check's requirements`,
      );
    }
    return runCase(label, async () => {
      wrongActor.push({ requirement, case: label });
      await fn();
    });
  };
  const ctx: CheckContext = {
    target: opts.target,
    http,
    clock,
    fc: {
      seed: opts.seed,
      numRuns: runs,
      // A check that calls fc.assert itself replays the path only when no case is named.
      ...(opts.replayPath !== undefined && opts.replayCase === undefined
        ? { path: opts.replayPath }
        : {}),
    } as CheckContext["fc"],
    case: runCase,
    property: <Ts>(label: string, property: IRawProperty<Ts>, options?: { numRuns?: number }) =>
      runCase(label, async () => {
        const replaying = opts.replayCase === label && opts.replayPath !== undefined;
        try {
          await fc.assert(property, {
            seed: opts.seed,
            numRuns: options?.numRuns ?? runs,
            ...(replaying ? { path: opts.replayPath } : {}),
          });
        } catch (err) {
          throw unwrapProperty(err, propertyDoesNotHold(meta));
        }
      }),
    wrongActor: runWrongActor,
    waitBudget: () => Math.max(0, (maxWaitMs - waitedMs) / 1000),
    skip: (reason) => {
      throw new SkipSignal(reason, "untested");
    },
    notClaimed: (reason) => {
      throw new SkipSignal(reason, "not-claimed");
    },
    note: (message) => {
      notes.push(message);
    },
    approval: createApprover(opts.target, http, clock),
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
  let onStopped = () => {};
  const stopped = new Promise<"stopped">((resolve) => {
    onStopped = () => resolve("stopped");
    if (opts.stop.aborted) onStopped();
    opts.stop.addEventListener("abort", onStopped, { once: true });
  });
  let outcome: { ok: true } | { ok: false; error: unknown } | "deadline" | "stopped";
  try {
    outcome = await Promise.race([
      running.then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      deadline,
      stopped,
    ]);
  } finally {
    clearTimeout(timer);
    controller.abort();
    opts.stop.removeEventListener("abort", onStop);
    opts.stop.removeEventListener("abort", onStopped);
    await http.close();
  }
  if (opts.replayCase !== undefined && casesRun === 0 && outcome !== "stopped") {
    notes.push(
      `no case of ${meta.id} is labelled ${JSON.stringify(opts.replayCase)}: the check ran without its cases (labels: ${[...labels].map((l) => JSON.stringify(l)).join(", ") || "none"})`,
    );
  }
  const result = resultOf({
    base: { ...base, notes },
    meta,
    outcome:
      outcome === "deadline"
        ? {
            kind: "error",
            message: `the check did not finish within ${formatDuration(deadlineMs)} (timeouts.check); it was stopped`,
          }
        : outcome === "stopped"
          ? { kind: "stopped", message: `stopped before it finished: ${opts.stopReason()}` }
          : outcome.ok
            ? { kind: "returned" }
            : { kind: "threw", error: outcome.error },
    caught,
    http,
    opts,
  });
  result.durationMs = Math.round(performance.now() - started);
  if (wrongActor.length) result.wrongActor = wrongActor;
  return result;
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
