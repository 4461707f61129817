/**
 * DTP-POLL-009 (MUST, RFC 6749 §5.2; RFC 8628 §3.5):
 * "A poll with a `device_code` that was already redeemed MUST be answered 400 OAuth error
 * `invalid_grant`."
 *
 * DTP-POLL-052 (MUST, RFC 8628 §3.5):
 * "Once the user has approved the authorization request, a poll of its `device_code` before
 * it expires MUST be answered with a successful token response (RFC 6749 §5.1)."
 *
 * Register, approve, redeem: the first poll after the approval must return tokens
 * (DTP-POLL-052); then poll the same code again twice, each at the interval (so that
 * `slow_down` is never a correct answer): `invalid_grant`, never a second set of tokens.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { readStepTokens } from "../../src/client/index.ts";
import { pollAfter, registerTimed, skipIfExpiredOnTheWay, timedPoll } from "./_helpers.ts";

const ID = "DTP-POLL-009";
const APPROVED = "DTP-POLL-052";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, APPROVED],
    level: "MUST",
    area: "polling",
    title: "A device_code that was already redeemed is answered invalid_grant",
    specRef: "RFC 6749 §5.2; RFC 8628 §3.5",
    requires: ["device_code", "admin"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx);
    const { reg } = timed;
    await ctx.approval.approve(reg.userCode);
    const redeemed = await timedPoll(ctx, timed, "poll #1 (redeems the approved code)");
    skipIfExpiredOnTheWay(ctx, timed, redeemed);
    readStepTokens(ctx, redeemed.res, APPROVED, "the first poll after approval");

    const again = await pollAfter(ctx, timed, redeemed, reg.interval, "poll #2 (same code again)");
    expectOAuthError(again.res, { status: 400, error: "invalid_grant" }, ID);
    const third = await pollAfter(ctx, timed, again, reg.interval, "poll #3 (same code again)");
    expectOAuthError(third.res, { status: 400, error: "invalid_grant" }, ID);
  },
};
