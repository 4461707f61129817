/**
 * DTP-POLL-005 (MUST, RFC 8628 §3.5):
 * "Once the authorization request is denied, the next poll of its `device_code` MUST be
 * answered 400 OAuth error `access_denied`."
 *
 * DTP-POLL-050 (MUST, DTP; RFC 8628 §3.5):
 * "A DTP server MUST answer every poll of a denied registration's `device_code` 400
 * `access_denied` until the code expires."
 *
 * Poll once while pending, deny through the configured approval, then poll twice more,
 * each at the interval (so that `slow_down` is never a correct answer) and never past
 * the code's expiry.
 *
 * The first poll after the denial is DTP-POLL-005's; the second is DTP-POLL-050's on a DTP
 * target. Outside DTP, RFC 8628 §3.5 asks `access_denied` of the first answer after the
 * denial only (the client must then stop polling): a later poll may also be `invalid_grant`
 * (the code was used up by that answer), never tokens (DTP-POLL-005).
 */
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import {
  pollAfter,
  registerTimed,
  skipIfExpiredOnTheWay,
  TIMER_MARGIN_MS,
  timedPoll,
} from "./_helpers.ts";

const ID = "DTP-POLL-005";
const EVERY_POLL = "DTP-POLL-050";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, EVERY_POLL],
    level: "MUST",
    area: "polling",
    title: "Every poll of a denied registration is answered access_denied",
    specRef: "RFC 8628 §3.5",
    requires: ["device_code", "admin"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, "register (to be denied)");
    const { reg } = timed;
    // The earliest the code may expire (registered after the request left, whole seconds).
    const expiresAt = timed.sentAt + (reg.expiresIn - 1) * 1000;
    const first = await timedPoll(ctx, timed, "poll #1 (pending)");
    skipIfExpiredOnTheWay(ctx, timed, first);
    expectOAuthError(first.res, { status: 400, error: "authorization_pending" }, "DTP-POLL-001");
    await ctx.approval.deny(reg.userCode);

    let prev = first;
    let polls = 0;
    for (let n = 2; n <= 3; n++) {
      const at = prev.recvAt + reg.interval * 1000 + TIMER_MARGIN_MS;
      if (at + 500 > expiresAt) break;
      const next = await pollAfter(ctx, timed, prev, reg.interval, `poll #${n} (denied)`);
      skipIfExpiredOnTheWay(ctx, timed, next);
      const dtp = ctx.target.features.has("dtp");
      const later = n > 2;
      expectOAuthError(
        next.res,
        {
          status: 400,
          error: later && !dtp ? ["access_denied", "invalid_grant"] : "access_denied",
        },
        later && dtp ? EVERY_POLL : ID,
      );
      prev = next;
      polls++;
    }
    if (polls === 0) {
      ctx.skip(
        `the device code (${reg.expiresIn} s) expires before a poll at the interval (${reg.interval} s) after the denial: lengthen dtp_lifetimes.device_code`,
      );
    }
    ctx.note(`${polls} polls after the denial, answered as required`);
  },
};
