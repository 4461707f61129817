/**
 * DTP-REF-011 (MUST, RFC 9700 §4.14.2):
 * "When the same refresh token is presented in several concurrent requests, exactly one
 * MUST succeed and every other MUST be answered 400 `invalid_grant`."
 *
 * Property: N (2–6) identical refresh requests sent at once, each run on a new device.
 *
 * Declared behaviour: a target that declares a reuse grace period
 * (`dtp_refresh_token_reuse_grace_period` > 0) MAY answer a rotated token presented again
 * within that window with a new pair (DTP-REF-005); concurrent requests are within it, so
 * for such a target the check requires at least one success and every other answer to be
 * a success or `invalid_grant` (and says so in a note).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import { expectInvalidGrant } from "../../src/check/expect-oauth.ts";
import { declaredGrace, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { requireRotationClaimed } from "./_helpers.ts";

const ID = "DTP-REF-011";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title:
      "N concurrent refreshes with the same token: exactly one succeeds, the others are invalid_grant",
    specRef: "RFC 9700 §4.14.2",
    requires: ["refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    await requireRotationClaimed(ctx);
    const grace = declaredGrace(ctx.target);
    if (grace > 0) {
      ctx.note(
        `the target declares a ${grace} s reuse grace period: concurrent duplicates may also succeed (DTP-REF-005)`,
      );
    }
    await ctx.property(
      "N refreshes with the same token at once",
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), async (n) => {
        const { device, tokens } = await approvedDevice(ctx, { label: "race" });
        const { refreshToken } = withRefreshToken(tokens.tokens);
        const answers = await Promise.all(
          Array.from({ length: n }, () => device.refresh(refreshToken)),
        );
        const wins = answers.filter((r) => r.status === 200);
        const losers = answers.filter((r) => r.status !== 200);
        if (grace === 0 ? wins.length !== 1 : wins.length < 1) {
          fail(
            ID,
            `${grace === 0 ? "exactly" : "at least"} one of ${n} concurrent refreshes to succeed`,
            `${wins.length} succeeded: ${answers.map((r) => r.status).join(", ")}`,
            answers,
          );
        }
        for (const r of losers) expectInvalidGrant(r, ID);
        const distinct = new Set(
          wins.map((r) => (r.body as { refresh_token?: unknown }).refresh_token),
        );
        if (grace === 0 && distinct.size !== wins.length) {
          fail(ID, "one new refresh token", describe(wins[0]!), wins);
        }
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );
  },
};
