/**
 * Failed-attempt limits (DTP-ERR-017, DTP-LOGIN-013, DTP-APR-014, DTP-APR-010): failures are
 * counted per kind of credential, per subject and per source, in the store, so that a
 * restart or another instance sees them (DTP-SEC-011).
 *
 * | kind            | subject                    | source                      |
 * | --------------- | -------------------------- | --------------------------- |
 * | `client_secret` | the `client_id`            | the client's address        |
 * | `password`      | the user name (or "card")  | the device and the address  |
 * | `admin_key`     | the administrator          | the client's address        |
 * | `user_code`     | the admin credential       | the client's address        |
 *
 * How a credential is checked (`checkAttempt`):
 * 1. over the limit already → refused at once (a slow check, scrypt, is not even run);
 * 2. wrong → one failure counted (one upsert that returns the count): over the limit →
 *    refused, else the usual error;
 * 3. right, but the limit was reached meanwhile (parallel guesses) → refused: an attacker
 *    learns nothing from the answers past the limit, not even from a right guess.
 * So a source gets at most `max` informative answers per window for one subject. Whoever
 * holds the credential and uses it from another source (or, for a password, through
 * another device) is never refused because of it: an attacker elsewhere cannot lock them
 * out. Sharing the attacker's address (a NAT, a proxy) is the one case where they can.
 */
import { sha256b64url } from "../src/protocol/random.ts";
import type { App, RequestContext } from "./context.ts";
import { type DtpServerError, OAuthError, ProblemError } from "./errors.ts";
import type { FailureKind } from "./options.ts";

export interface Attempt {
  kind: FailureKind;
  /** The store's key: a hash of kind, source and subject (no user name stored in clear). */
  key: string;
}

/** The attempt of `ctx`'s source at `subject` (the source's parts first). */
export function attemptOf(ctx: RequestContext, kind: FailureKind, ...subject: string[]): Attempt {
  return { kind, key: sha256b64url([kind, ctx.source, ...subject].join("\u0000")) };
}

/** Seconds until this attempt may be made (0: now). */
export async function waitFor(app: App, a: Attempt): Promise<number> {
  const { max } = app.options.limits.failedAttempts[a.kind];
  const now = app.now();
  const f = await app.store.failures(a.key, now);
  return f.count >= max ? Math.max(1, f.resetAt - now) : 0;
}

/** Counts a failure; the seconds to wait when it is over the limit (0: within it). */
export async function countFailure(app: App, a: Attempt): Promise<number> {
  const { max, window } = app.options.limits.failedAttempts[a.kind];
  const now = app.now();
  const f = await app.store.countFailure(a.key, now, window);
  return f.count > max ? Math.max(1, f.resetAt - now) : 0;
}

/**
 * Runs the check of a credential under its limit (steps 1–3 above): `check` says whether the
 * credential is right; `wrong` is the usual error for a wrong one; `refused` the answer
 * past the limit.
 */
export async function checkAttempt<T>(
  app: App,
  a: Attempt,
  check: () => T | undefined | Promise<T | undefined>,
  wrong: () => Error,
  refused: (seconds: number) => DtpServerError,
): Promise<T> {
  const before = await waitFor(app, a);
  if (before > 0) throw refused(before);
  return checkCheapAttempt(app, a, check, wrong, refused);
}

/** The form for cheap checks (hash comparisons): no look at the limit before the check. */
export async function checkCheapAttempt<T>(
  app: App,
  a: Attempt,
  check: () => T | undefined | Promise<T | undefined>,
  wrong: () => Error,
  refused: (seconds: number) => DtpServerError,
): Promise<T> {
  const result = await check();
  if (result === undefined) {
    const wait = await countFailure(app, a);
    throw wait > 0 ? refused(wait) : wrong();
  }
  const wait = await waitFor(app, a);
  if (wait > 0) throw refused(wait);
  return result;
}

const message = (seconds: number) => `too many failed attempts: retry after ${seconds} s`;

/** 429 at an OAuth endpoint: `temporarily_unavailable` with `Retry-After`. */
export const refusedOAuth = (seconds: number): DtpServerError =>
  new OAuthError("temporarily_unavailable", message(seconds), 429, {
    "Retry-After": String(seconds),
  });

/** 429 at the admin API: a `rate-limited` problem with `Retry-After`. */
export const refusedProblem = (seconds: number): DtpServerError =>
  new ProblemError("rate-limited", 429, message(seconds), { "Retry-After": String(seconds) });

/**
 * The source of a request: the client's address; IPv4-mapped IPv6 as IPv4, and IPv6 by its
 * /64 (one host usually has a whole /64 to pick addresses from).
 */
export function sourceOf(address: string | undefined): string {
  if (address === undefined) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
