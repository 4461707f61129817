/**
 * The engine's options and defaults, shared by the engine (engine.ts), one check's run
 * (check-run.ts) and its outcome (outcome.ts).
 */
import type { Dispatcher } from "undici";
import type { Check, CheckMeta } from "../check/check.ts";
import type { Target } from "../check/target.ts";
import type { Redactor } from "../http/redact.ts";
import type { CheckResult } from "./types.ts";

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RUNS = 30;
export const DEFAULT_MAX_WAIT_MS = 60_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 5 * 60_000;
/** Concurrency of the lane of checks that wait on lifetimes (they mostly sleep). */
export const WAITING_LANE_CONCURRENCY = 16;

/** How a failure's `dtp test` replay line is built (the CLI knows the URL and config path). */
export type ReplayCommand = (
  meta: CheckMeta,
  seed: number,
  replay: { case?: string; path?: string },
) => string;

export interface EngineOptions {
  target: Target;
  /** Already selected (see registry.ts). */
  checks: readonly Check[];
  seed: number;
  runs?: number;
  /** Replay of one case of one check: its label (`--case`) and fast-check path. */
  replayCase?: string;
  replayPath?: string;
  strict?: boolean;
  concurrency?: number;
  maxWaitMs?: number;
  timeoutMs?: number;
  checkTimeoutMs?: number;
  maxBodyBytes?: number;
  /**
   * What the transcripts keep: "failures" (default) keeps the full exchanges of failing,
   * blocked and erroring checks and only request lines and statuses of the others; "all"
   * keeps everything.
   */
  evidence?: "failures" | "all";
  /** Stop the run once this many checks FAILED (0 or undefined: never). */
  maxFailures?: number;
  /** The level of a requirement ID (from the catalogue); unknown IDs take the check's level. */
  levelOf?: (requirement: string) => CheckMeta["level"] | undefined;
  redactor?: Redactor;
  dispatcher?: Dispatcher;
  /** Extra headers for requests to the target's origin (`--header`, config `headers`). */
  extraHeaders?: Record<string, string>;
  signal?: AbortSignal;
  replayCommand?: ReplayCommand;
  /** Called when a check starts and when it finishes. */
  onStart?: (meta: CheckMeta) => void;
  onResult?: (result: CheckResult) => void;
  /** A check starts sleeping on its clock (for the console's signs of life). */
  onWait?: (event: { checkId: string; ms: number; reason?: string }) => void;
}

export type CheckRunOptions = EngineOptions & {
  dispatcher: Dispatcher;
  redactor: Redactor;
  /** Aborted when the run stops early (max failures, cancel). */
  stop: AbortSignal;
  stopReason: () => string;
};
