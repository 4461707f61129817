/**
 * DTP-POLL-010 (MUST, RFC 8628 §3.5; RFC 6749 §10.5):
 * "A `device_code` MUST be redeemed at most once, atomically: when several polls for the
 * same approved code arrive concurrently, exactly one MUST receive tokens and every other
 * MUST be answered 400 with an OAuth error (`invalid_grant` or `slow_down`)."
 *
 * Property (race): for N in 2..10, a freshly approved code (never polled before) is polled
 * N times at once with identical requests: exactly one 200 with a token response, N−1
 * answers 400 `invalid_grant` or `slow_down`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import { readTokens } from "../../src/client/index.ts";
import { answerOf, errorOf, mayHaveExpired, registerTimed } from "./_helpers.ts";

const ID = "DTP-POLL-010";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "polling",
    title: "N identical polls of an approved code racing: exactly one gets tokens",
    specRef: "RFC 8628 §3.5; RFC 6749 §10.5",
    requires: ["device_code", "admin"],
    property: true,
  },
  async run(ctx) {
    await ctx.property(
      "N polls of an approved code at once",
      fc.asyncProperty(fc.integer({ min: 2, max: 10 }), async (n) => {
        const timed = await registerTimed(ctx, `register (race of ${n})`);
        const { reg } = timed;
        await ctx.approval.approve(reg.userCode);
        const answers = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            timed.device.poll(reg, { label: `racing poll ${i + 1}/${n}` }),
          ),
        );
        if (
          answers.some((res) => errorOf(res) === "expired_token") &&
          mayHaveExpired(timed, { recvAt: ctx.clock.now() })
        ) {
          ctx.skip(
            `the device code (expires_in ${reg.expiresIn} s) may have expired before the racing polls reached the server (a slow machine): lengthen dtp_lifetimes.device_code`,
          );
        }
        const winners = answers.filter((res) => res.status === 200);
        if (winners.length !== 1) {
          fail(
            ID,
            `exactly one of ${n} concurrent polls of an approved code to receive tokens`,
            `${winners.length} received tokens (answers: ${answers.map(answerOf).join(", ")})`,
            answers,
          );
        }
        readTokens(ctx, winners[0]!);
        for (const res of answers) {
          if (res !== winners[0]) {
            expectOAuthError(res, { status: 400, error: ["invalid_grant", "slow_down"] }, ID);
          }
        }
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );
  },
};
