/**
 * DTP-POLL-006 (MUST, RFC 8628 §3.5):
 * "A poll of a `device_code` whose `expires_in` has elapsed and that was not redeemed MUST
 * be answered 400 OAuth error `expired_token`."
 *
 * DTP-POLL-051 (MUST, DTP; RFC 8628 §3.5):
 * "A DTP server MUST keep answering 400 `expired_token` for an expired, unredeemed
 * `device_code` for at least `dtp_lifetimes.device_code` seconds after it expired; after
 * that it MAY forget the registration, and a poll of its code is then one of an unknown
 * code (DTP-POLL-007), not DTP-POLL-006's `expired_token`."
 *
 * A registration left pending is polled once, then again once `expires_in` has passed
 * since the kit received it (no clock skew: the lifetime is the server's own, DTP-EXP-006).
 * On a DTP target, a last time a few seconds later (LONG_AFTER_S, at least the interval;
 * never past the time the server must still keep the code, `expires_in` after expiry, nor
 * --max-wait), to catch a server that forgets expired codes at or soon after expiry and
 * answers `invalid_grant` (DTP-POLL-051). RFC 8628 §3.5 says nothing of how long an expired
 * code is remembered: the OAuth profile polls it once after expiry.
 */
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import {
  EXPIRY_MARGIN_MS,
  requireWait,
  sleepUntil,
  waitLifetime,
} from "../../src/client/kit/index.ts";
import { registerTimed, skipIfExpiredOnTheWay, timedPoll } from "./_helpers.ts";

const ID = "DTP-POLL-006";
const REMEMBERED = "DTP-POLL-051";
/** How long after the expired poll the last one comes (seconds). */
const LONG_AFTER_S = 2;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, REMEMBERED],
    level: "MUST",
    area: "polling",
    title: "An expired device code is answered expired_token, also long after expiry",
    specRef: "RFC 8628 §3.5",
    requires: ["device_code"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, "register (left pending)");
    const { reg } = timed;
    const registeredAt = timed.recvAt;
    requireWait(ctx, reg.expiresIn + EXPIRY_MARGIN_MS / 1000, "dtp_lifetimes.device_code");
    const first = await timedPoll(ctx, timed, "poll #1 (pending)");
    skipIfExpiredOnTheWay(ctx, timed, first);
    expectOAuthError(first.res, { status: 400, error: "authorization_pending" }, "DTP-POLL-001");

    await waitLifetime(ctx, registeredAt, reg.expiresIn, "dtp_lifetimes.device_code");
    const expired = await timedPoll(ctx, timed, `poll #2 (${reg.expiresIn} s after registration)`);
    expectOAuthError(expired.res, { status: 400, error: "expired_token" }, ID);
    if (!ctx.target.features.has("dtp")) return;

    // "Long after", while the server must still remember the code: before it has been
    // expired for expires_in seconds (less a margin), within the budget, a few seconds on.
    const rememberedUntil = registeredAt + 2 * reg.expiresIn * 1000 - EXPIRY_MARGIN_MS;
    const later = Math.floor(
      Math.min(
        (rememberedUntil - expired.recvAt) / 1000,
        ctx.waitBudget() - 1,
        Math.max(LONG_AFTER_S, reg.interval),
      ),
    );
    if (later < reg.interval) {
      ctx.note("no time left for a poll long after expiry (--max-wait, or a short device_code)");
      return;
    }
    await sleepUntil(ctx, expired.recvAt + later * 1000);
    const again = await timedPoll(ctx, timed, `poll #3 (${later} s after the code expired)`);
    expectOAuthError(again.res, { status: 400, error: "expired_token" }, REMEMBERED);
    ctx.note(`expired_token at expiry and again ${later} s after it`);
  },
};
