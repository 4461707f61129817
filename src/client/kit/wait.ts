/**
 * Waiting on lifetimes and intervals, one way: computed from what the target declared or
 * issued, charged to the run's --max-wait budget, and a SKIP naming the setting to shorten
 * when it does not fit.
 *
 * A lifetime is counted from when the kit RECEIVED what the server issued: the server issued
 * it earlier, so `receivedAt + lifetime` is at or after the real expiry whatever the two
 * clocks say; no clock skew is added (DTP-EXP-006: a server applies none to the lifetimes of
 * what it issued itself), only {@link EXPIRY_MARGIN_MS} for whole-second rounding.
 */
import type { CheckContext } from "../../check/check.ts";
import type { HttpResponse } from "../../check/http.ts";
import { retryAfterSeconds } from "../admin.ts";
import { declaredLifetime, declaredSkew } from "../metadata.ts";
import type { TokenSet } from "../tokens.ts";

/** Covers whole-second rounding of `exp` / `expires_at` and timer slack (ms). */
export const EXPIRY_MARGIN_MS = 2000;

/** SKIPs before any work when waiting `seconds` does not fit the budget, naming `setting`. */
export function requireWait(ctx: CheckContext, seconds: number, setting: string): void {
  const budget = ctx.waitBudget();
  if (seconds > budget) {
    ctx.skip(
      `needs to wait ${Math.ceil(seconds)} s for ${setting} to pass but --max-wait leaves ${Math.floor(budget)} s: shorten ${setting} on the target or raise --max-wait`,
    );
  }
}

/**
 * Sleeps until `atMs` (the check's clock), charged to the wait budget; `reason` says what
 * for (the console shows it while the check waits).
 */
export async function sleepUntil(ctx: CheckContext, atMs: number, reason?: string): Promise<void> {
  const ms = Math.ceil(atMs - ctx.clock.now());
  if (ms > 0) await ctx.clock.sleep(ms, reason);
}

/**
 * Waits until `lifetimeSeconds` have passed since `receivedAtMs`, plus the margin; SKIPs
 * naming `setting` when that does not fit the budget.
 */
export async function waitLifetime(
  ctx: CheckContext,
  receivedAtMs: number,
  lifetimeSeconds: number,
  setting: string,
): Promise<void> {
  const until = receivedAtMs + lifetimeSeconds * 1000 + EXPIRY_MARGIN_MS;
  requireWait(ctx, Math.max(0, until - ctx.clock.now()) / 1000, setting);
  await sleepUntil(ctx, until, `for ${setting} to pass`);
}

/** Waits until the access token of `tokens` has surely expired. */
export function waitTokenExpired(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "receivedAt" | "expiresIn">,
): Promise<void> {
  return waitLifetime(ctx, tokens.receivedAt, tokens.expiresIn, "dtp_lifetimes.access_token");
}

/**
 * Waits until `deadlineMs` plus the target's declared clock skew and `marginMs` (a time the
 * server judges with its skew allowance, e.g. a grace period).
 */
export async function waitPast(
  ctx: CheckContext,
  deadlineMs: number,
  setting: string,
  marginMs = 1000,
): Promise<void> {
  const until = deadlineMs + declaredSkew(ctx.target) * 1000 + marginMs;
  requireWait(ctx, Math.max(0, until - ctx.clock.now()) / 1000, setting);
  await sleepUntil(ctx, until, `for ${setting} to pass`);
}

/** A lifetime the target declares (`dtp_lifetimes.<name>`, seconds), or SKIP when absent. */
export function declaredLifetimeOrSkip(ctx: CheckContext, name: string): number {
  const v = declaredLifetime(ctx.target, name, Number.NaN);
  if (!Number.isFinite(v) || v <= 0)
    ctx.skip(`the target metadata declares no dtp_lifetimes.${name}`);
  return v;
}

/** The check clock's current time in whole seconds. */
export function nowSeconds(ctx: CheckContext): number {
  return Math.floor(ctx.clock.now() / 1000);
}

/**
 * Sends, and when the answer is a 429 with a short `Retry-After`, waits that long (charged to
 * --max-wait, a SKIP when it does not fit) and sends once more. For requests a check makes
 * while other checks send wrong credentials on purpose: together they may trip a
 * failed-attempt limit the target declares (`dtp_limits`, DTP-DISC-016), and the 429 is then
 * the kit's doing, not a fault of the request being judged. Never for the checks that test
 * those limits (they judge the 429).
 */
export async function afterRateLimit(
  ctx: CheckContext,
  send: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const res = await send();
  const s = retryAfterSeconds(res);
  if (s === undefined) return res;
  ctx.note(
    `a 429 asked to retry after ${s} s (the target's failed-attempt limit, tripped by the kit's deliberate wrong credentials): waited and sent again`,
  );
  await ctx.clock.sleep(s * 1000 + 250, "for the target's failed-attempt limit (Retry-After)");
  return send();
}
