/**
 * The kit's one errors module: a base class with a stable `code` union that narrows in a
 * `switch` (the style of jose's `JOSEError` and undici's `UND_ERR_*`).
 *
 * - {@link CheckFailure}: the target misbehaved; a check verdict (FAIL, or WARN for a
 *   SHOULD). Carries the requirement, expected vs actual, and the exchanges that prove it.
 * - {@link SkipSignal}: the check cannot run against this target (a feature or a setting is
 *   missing); the reason says what to change.
 * - {@link ConfigError}, {@link UsageError}, {@link TargetError}: the run cannot start
 *   (exit code 2).
 *
 * Anything else thrown by a check is a bug in the kit and is reported as ERROR.
 */

import type { Level, SkipKind } from "./check.ts";
import type { Exchange } from "./http.ts";

export type DtpKitErrorCode =
  /** A check's assertion on the target failed. */
  | "DTP_CHECK_FAILED"
  /** The request did not complete within its deadline (no headers or body stalled). */
  | "DTP_HTTP_TIMEOUT"
  /** The connection was refused, reset or closed before a complete response. */
  | "DTP_HTTP_CONNECTION"
  /** The response body exceeded the size cap. */
  | "DTP_HTTP_TOO_LARGE"
  /** The response was not valid HTTP (bad framing, invalid chunking, bad headers). */
  | "DTP_HTTP_PROTOCOL"
  /** The request URL could not be parsed. */
  | "DTP_HTTP_INVALID_URL"
  /** A redirect pointed away from the target's origin. */
  | "DTP_HTTP_OFF_TARGET_REDIRECT"
  /** The check was stopped because the run was aborted or the check hit its deadline. */
  | "DTP_HTTP_ABORTED"
  /** The check skipped itself (missing feature, setting, or wait budget). */
  | "DTP_SKIP"
  /** The target config file is missing, unreadable or invalid. */
  | "DTP_CONFIG_INVALID"
  /** The config names an environment variable that is not set. */
  | "DTP_CONFIG_ENV_MISSING"
  /** The configured approval (admin API, command, webhook) did not work. */
  | "DTP_APPROVAL_FAILED"
  /** Bad command-line usage or programmatic options. */
  | "DTP_USAGE"
  /** The target could not be reached or its metadata could not be used. */
  | "DTP_TARGET_UNREACHABLE"
  | "DTP_TARGET_METADATA";

/** Base class of every error the kit throws on purpose. */
export class DtpKitError extends Error {
  readonly code: DtpKitErrorCode;
  constructor(code: DtpKitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DtpKitError";
    this.code = code;
  }
}

export interface CheckFailureDetails {
  /** The requirement ID that was violated, e.g. "DTP-REF-004". Defaults to the check's id. */
  requirement?: string;
  /** What the spec requires, concisely ("status 400", "error=invalid_grant"). */
  expected: string;
  /** What the target did, concisely, quoting what it sent. */
  actual: string;
  /** Indexes of the exchanges (in the check's transcript) that show the failure. */
  evidence?: readonly number[];
  /** Level of the violated requirement when it differs from the check's level. */
  level?: Level;
  code?: Extract<DtpKitErrorCode, "DTP_CHECK_FAILED" | "DTP_HTTP_OFF_TARGET_REDIRECT">;
}

/**
 * The target does not do what a requirement says. Throw it (or use the helpers in
 * `expect.ts`) to end a check with FAIL (MUST) or WARN (SHOULD / MAY).
 *
 * @example
 * throw new CheckFailure({
 *   requirement: "DTP-REF-002",
 *   expected: "a new refresh_token",
 *   actual: "the same refresh_token was returned",
 * });
 */
export class CheckFailure extends DtpKitError {
  /** Empty when the failure was raised by the HTTP layer; the engine fills in the check id. */
  requirement: string;
  readonly expected: string;
  readonly actual: string;
  readonly evidence: readonly number[];
  readonly level: Level | undefined;
  constructor(details: CheckFailureDetails, options?: { cause?: unknown }) {
    const req = details.requirement ?? "";
    super(
      details.code ?? "DTP_CHECK_FAILED",
      `${req ? `${req}: ` : ""}expected ${details.expected}; got ${details.actual}`,
      options,
    );
    this.name = "CheckFailure";
    this.requirement = req;
    this.expected = details.expected;
    this.actual = details.actual;
    this.evidence = details.evidence ?? [];
    this.level = details.level;
  }
}

/**
 * Ends a check as SKIP. Thrown by `ctx.skip(reason)` (untested: the reason tells a vendor
 * what would enable the check, "set --max-wait ≥ 70s or shorten the access-token
 * lifetime") and `ctx.notClaimed(reason)` (the target does not claim the feature).
 */
export class SkipSignal extends DtpKitError {
  readonly reason: string;
  readonly kind: SkipKind;
  constructor(reason: string, kind: SkipKind = "untested") {
    super("DTP_SKIP", reason);
    this.name = "SkipSignal";
    this.reason = reason;
    this.kind = kind;
  }
}

/** The target config is invalid or names a missing environment variable (exit 2). */
export class ConfigError extends DtpKitError {
  constructor(
    message: string,
    code: "DTP_CONFIG_INVALID" | "DTP_CONFIG_ENV_MISSING" = "DTP_CONFIG_INVALID",
  ) {
    super(code, message);
    this.name = "ConfigError";
  }
}

/** Bad command-line usage or options (exit 2). */
export class UsageError extends DtpKitError {
  constructor(message: string) {
    super("DTP_USAGE", message);
    this.name = "UsageError";
  }
}

/** The target cannot be tested: unreachable, or its metadata is unusable (exit 2). */
export class TargetError extends DtpKitError {
  readonly exchanges: Exchange[];
  constructor(
    code: "DTP_TARGET_UNREACHABLE" | "DTP_TARGET_METADATA",
    message: string,
    exchanges: Exchange[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "TargetError";
    this.exchanges = exchanges;
  }
}

/** True for errors that make the run itself impossible (exit code 2). */
export function isSetupError(err: unknown): err is ConfigError | UsageError | TargetError {
  return err instanceof ConfigError || err instanceof UsageError || err instanceof TargetError;
}
