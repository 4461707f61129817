/**
 * DTP-POLL-002 (MUST, RFC 8628 §3.5):
 * "A poll for a `device_code` that arrives less than the current interval after the
 * previous poll for the same `device_code` (whatever that poll's answer was) MUST be
 * answered 400 OAuth error `slow_down`."
 *
 * DTP-POLL-003 (MUST, RFC 8628 §3.5):
 * "Each `slow_down` answer MUST increase the interval of that `device_code` by 5 seconds
 * for all later polls."
 *
 * DTP-POLL-004 (MUST, RFC 8628 §3.5):
 * "A poll that arrives at least the current interval after the previous poll for the same
 * `device_code` MUST NOT be answered `slow_down`."
 *
 * Two pending registrations, polled at the same time (so the waits overlap):
 *  - enforced: first poll (pending), an immediate second poll (slow_down, the interval is
 *    now I+5), then a poll I+2 s later — it respects the ORIGINAL interval but not the
 *    increased one, so it must be slow_down again: the server enforces the +5 s, it does
 *    not only announce it (and it follows a slow_down answer: "whatever that poll's answer").
 *  - exactly +5: first poll, immediate second poll (slow_down), then a poll I+5 s later:
 *    it respects the increased interval, so it must NOT be slow_down (the increase is 5 s,
 *    not more).
 * A fast poll is only judged when the kit can prove it reached the server sooner than the
 * interval (the time from sending the previous poll to receiving this answer is shorter).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import {
  answerOf,
  errorOf,
  gapAtMost,
  mayHaveExpired,
  pollAfter,
  registerTimed,
  skipIfExpiredOnTheWay,
  TIMER_MARGIN_MS,
  type TimedPoll,
  type TimedRegistration,
  timedPoll,
} from "./_helpers.ts";

const ID = "DTP-POLL-002";
const INCREASE = "DTP-POLL-003";
const NO_SLOW_DOWN = "DTP-POLL-004";
const SLOW_DOWN_STEP = 5;
/** Seconds past the original interval at which the enforcement poll goes out. */
const BETWEEN = 2;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, INCREASE, NO_SLOW_DOWN],
    level: "MUST",
    area: "polling",
    title: "Polling faster than the interval gets slow_down, and the +5 s is enforced, exactly",
    specRef: "RFC 8628 §3.5",
    requires: ["device_code"],
    waits: true,
  },
  async run(ctx) {
    const [a, b] = await Promise.all([
      registerTimed(ctx, "register A (enforcement)"),
      registerTimed(ctx, "register B (exactly +5 s)"),
    ]);
    const interval = a.reg.interval;
    const expiresIn = Math.min(a.reg.expiresIn, b.reg.expiresIn);
    // Track B's last poll goes out interval+5 s after its second; it must beat the expiry.
    const needed = interval + SLOW_DOWN_STEP + 2;
    if (needed > expiresIn) {
      ctx.skip(
        `the device code lives ${expiresIn} s but the check needs ${needed} s (interval ${interval} s + the 5 s slow_down step) before it expires: lengthen dtp_lifetimes.device_code`,
      );
    }
    const budget = interval + BETWEEN + 2 * (interval + SLOW_DOWN_STEP) + 2; // B may retry once
    if (budget > ctx.waitBudget()) {
      ctx.skip(
        `the check waits about ${budget} s (interval ${interval} s) but --max-wait leaves ${Math.floor(ctx.waitBudget())} s: raise --max-wait or shorten dtp_lifetimes.interval`,
      );
    }
    await Promise.all([enforced(ctx, a, interval), exactStep(ctx, b, interval)]);
  },
};

/** First poll, then an immediate one that must be slow_down. Returns the fast poll. */
async function firstThenFast(
  ctx: CheckContext,
  t: TimedRegistration,
  interval: number,
  name: string,
): Promise<TimedPoll> {
  const first = await timedPoll(ctx, t, `${name} poll #1 (first)`);
  skipIfExpiredOnTheWay(ctx, t, first);
  if (errorOf(first.res) === "slow_down") {
    fail(
      NO_SLOW_DOWN,
      "the first poll of a device_code (no previous poll) not to be answered slow_down",
      answerOf(first.res),
      first.res,
    );
  }
  expectOAuthError(first.res, { status: 400, error: "authorization_pending" }, ID);
  let prev = first;
  // Retry the fast poll (at most 3 times) until the kit can prove it beat the interval.
  for (let n = 2; n <= 4; n++) {
    const fast = await timedPoll(ctx, t, `${name} poll #${n} (immediately)`);
    skipIfExpiredOnTheWay(ctx, t, fast);
    if (gapAtMost(prev, fast, interval)) {
      expectOAuthError(fast.res, { status: 400, error: "slow_down" }, ID);
      return fast;
    }
    if (errorOf(fast.res) === "slow_down") return fast;
    prev = fast;
  }
  return ctx.skip(
    `the round trip to the target is too slow to send two polls within the interval (${interval} s): the kit cannot prove a poll was too early`,
  );
}

/** A poll between the original and the increased interval must be slow_down. */
async function enforced(ctx: CheckContext, t: TimedRegistration, interval: number): Promise<void> {
  const fast = await firstThenFast(ctx, t, interval, "A");
  const increased = interval + SLOW_DOWN_STEP;
  const next = await pollAfter(
    ctx,
    t,
    fast,
    interval + BETWEEN,
    `A poll (${interval + BETWEEN} s later: respects the old interval ${interval} s, not the increased ${increased} s)`,
  );
  skipIfExpiredOnTheWay(ctx, t, next);
  if (!gapAtMost(fast, next, increased)) {
    ctx.skip(
      `the round trip to the target is too slow: a poll meant to arrive ${interval + BETWEEN} s after the previous one may have arrived ${increased} s or more after it`,
    );
  }
  if (errorOf(next.res) !== "slow_down") {
    fail(
      INCREASE,
      `slow_down for a poll ${interval + BETWEEN} s after a slow_down answer: the interval is now ${interval} + ${SLOW_DOWN_STEP} = ${increased} s and must be enforced, not only announced`,
      answerOf(next.res),
      [fast.res, next.res],
    );
  }
  expectOAuthError(next.res, { status: 400, error: "slow_down" }, INCREASE);
}

/**
 * A poll at the increased interval must not be slow_down (the step is 5 s, not more).
 * With a short-lived code on a slow machine the poll may reach the server after the code
 * expired (`expired_token`, inconclusive): the track is tried once more with a new code.
 */
async function exactStep(
  ctx: CheckContext,
  first: TimedRegistration,
  interval: number,
): Promise<void> {
  const increased = interval + SLOW_DOWN_STEP;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const t = attempt === 1 ? first : await registerTimed(ctx, "register B again (exactly +5 s)");
    const { reg } = t;
    const fast = await firstThenFast(ctx, t, interval, attempt === 1 ? "B" : "B'");
    // The server registered the code before the answer arrived: dead by then + expires_in + 1 s.
    if (fast.recvAt + increased * 1000 + TIMER_MARGIN_MS > t.recvAt + (reg.expiresIn + 1) * 1000) {
      ctx.skip(
        `the device code (${reg.expiresIn} s) expires before a poll at the increased interval (${increased} s) fits: lengthen dtp_lifetimes.device_code`,
      );
    }
    const next = await pollAfter(
      ctx,
      t,
      fast,
      increased,
      `B poll (${increased} s later: respects the increased interval)`,
    );
    if (errorOf(next.res) === "expired_token" && mayHaveExpired(t, next)) {
      ctx.note(`attempt ${attempt}: the code may have expired before the poll (slow machine)`);
      continue;
    }
    if (errorOf(next.res) === "slow_down") {
      fail(
        INCREASE,
        `no slow_down for a poll ${increased} s (interval ${interval} + ${SLOW_DOWN_STEP}) after a slow_down answer: each slow_down adds exactly ${SLOW_DOWN_STEP} s`,
        `slow_down ${((next.sentAt - fast.recvAt) / 1000).toFixed(2)} s after the previous answer`,
        [fast.res, next.res],
      );
    }
    expectOAuthError(next.res, { status: 400, error: "authorization_pending" }, NO_SLOW_DOWN);
    return;
  }
  ctx.skip(
    `twice the device code (expires_in ${first.reg.expiresIn} s) may have expired before a poll ${increased} s after a slow_down reached the server (a slow machine): lengthen dtp_lifetimes.device_code`,
  );
}
