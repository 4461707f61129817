/**
 * DTP-POLL-001 (MUST, RFC 8628 §3.4, §3.5):
 * "A `/token` request with `grant_type=urn:ietf:params:oauth:grant-type:device_code`, a
 * `device_code` and the registering client's authentication, for a registration that is
 * still pending, MUST be answered 400 OAuth error `authorization_pending`."
 *
 * DTP-POLL-004 (MUST, RFC 8628 §3.5):
 * "A poll that arrives at least the current interval after the previous poll for the same
 * `device_code` MUST NOT be answered `slow_down`."
 *
 * The first poll goes out right after registration (there is no previous poll, so it must
 * not be `slow_down`); the next ones each wait the announced `interval` after the previous
 * answer arrived, for as long as the code lives (at most three polls).
 */
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import {
  answerOf,
  errorOf,
  pollAfter,
  registerTimed,
  skipIfExpiredOnTheWay,
  TIMER_MARGIN_MS,
  timedPoll,
} from "./_helpers.ts";

const ID = "DTP-POLL-001";
const NO_SLOW_DOWN = "DTP-POLL-004";
const MAX_POLLS = 3;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_SLOW_DOWN],
    level: "MUST",
    area: "polling",
    title:
      "A pending code is answered authorization_pending; polls at the interval never slow_down",
    specRef: "RFC 8628 §3.4, §3.5",
    requires: ["device_code"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, "register (left pending)");
    const { reg } = timed;
    // The earliest the code may expire (the server registered it after the request left).
    const expiresAt = timed.sentAt + reg.expiresIn * 1000;
    const interval = reg.interval;

    let prev = await timedPoll(ctx, timed, "poll #1 (first, right after registration)");
    skipIfExpiredOnTheWay(ctx, timed, prev);
    if (errorOf(prev.res) === "slow_down") {
      fail(
        NO_SLOW_DOWN,
        "the first poll of a device_code (no previous poll) not to be answered slow_down",
        answerOf(prev.res),
        prev.res,
      );
    }
    expectOAuthError(prev.res, { status: 400, error: "authorization_pending" }, ID);

    let polls = 1;
    while (polls < MAX_POLLS) {
      // Poll again only while the code still lives, with a second to spare.
      const at = prev.recvAt + interval * 1000 + TIMER_MARGIN_MS;
      if (at + 1000 > expiresAt) break;
      if ((at - ctx.clock.now()) / 1000 > ctx.waitBudget()) break;
      polls++;
      const next = await pollAfter(
        ctx,
        timed,
        prev,
        interval,
        `poll #${polls} (after ${interval} s)`,
      );
      skipIfExpiredOnTheWay(ctx, timed, next);
      if (errorOf(next.res) === "slow_down") {
        fail(
          NO_SLOW_DOWN,
          `no slow_down for a poll ${interval} s (the interval) after the previous answer`,
          `poll #${polls}, ${((next.sentAt - prev.recvAt) / 1000).toFixed(2)} s after the previous answer, was answered slow_down`,
          [prev.res, next.res],
        );
      }
      expectOAuthError(next.res, { status: 400, error: "authorization_pending" }, ID);
      prev = next;
    }
    if (polls < 2) {
      ctx.skip(
        `the device code lives ${reg.expiresIn} s with an interval of ${interval} s (or --max-wait is too short): no second poll at the interval fits; lengthen dtp_lifetimes.device_code or raise --max-wait`,
      );
    }
    ctx.note(`${polls} polls at an interval of ${interval} s, all authorization_pending`);
  },
};
