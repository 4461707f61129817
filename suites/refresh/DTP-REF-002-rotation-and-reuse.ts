/**
 * DTP-REF-002 (MUST, RFC 9700 §4.14.2):
 * "Every successful refresh MUST rotate the refresh token: the returned `refresh_token`
 * MUST differ from the presented one."
 *
 * DTP-REF-003 (MUST, RFC 9700 §4.14.2):
 * "After a successful refresh, the presented refresh token MUST be dead: presenting it
 * again after the grace period MUST be answered 400 OAuth error `invalid_grant`."
 *
 * DTP-REF-004 (MUST, RFC 9700 §4.14.2):
 * "On a refresh request presenting a refresh token that was already rotated (after
 * `dtp_refresh_token_reuse_grace_period` seconds), the server MUST answer 400
 * `invalid_grant` and MUST revoke every access and refresh token of the same family: the
 * latest refresh token MUST then be answered 400 `invalid_grant` and the family's access
 * tokens 401 `invalid_token` at protected resources."
 *
 * DTP-REF-001 (MUST, RFC 6749 §6):
 * "A `/token` request with `grant_type=refresh_token`, a valid `refresh_token` and the
 * authentication of the client it was issued to MUST be answered 200 with a token response
 * containing a new access token."
 *
 * Property: a chain of n rotations (1–3), then one of the rotated tokens (any of them) is
 * presented again after the declared grace period. Each run uses a new device.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { expectInactive, expectInvalidGrant } from "../../src/check/expect-oauth.ts";
import { declaredGrace, meOk, meRefused, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice, waitPast } from "../../src/client/kit/index.ts";
import { expectRefreshed, type Pair, requireRotationClaimed } from "./_helpers.ts";

const ID = "DTP-REF-002";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REF-003", "DTP-REF-004", "DTP-REF-001"],
    level: "MUST",
    area: "refresh",
    title:
      "Every refresh rotates; a rotated token presented again is invalid_grant and revokes its whole family",
    specRef: "RFC 9700 §4.14.2; RFC 6749 §6",
    requires: ["refresh_token", "resource", "introspection", "admin"],
    property: true,
    waits: true,
  },
  async run(ctx) {
    await requireRotationClaimed(ctx);
    const grace = declaredGrace(ctx.target);
    if (grace > 0) ctx.note(`declared reuse grace period: ${grace} s (waited past it)`);
    const numRuns = grace > 0 ? 1 : Math.max(3, Math.ceil(ctx.fc.numRuns / 5));
    await ctx.property(
      "rotation chains, then one rotated token again",
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.nat({ max: 2 }),
        async (rotations, pick) => {
          const reused = pick % rotations; // index of the rotated token presented again
          const { device, tokens } = await approvedDevice(ctx, { label: "rot" });
          const chain: Pair[] = [withRefreshToken(tokens.tokens)];
          const rotatedAt: number[] = [];
          for (let i = 1; i <= rotations; i++) {
            const prev = chain[i - 1]!;
            const next = expectRefreshed(
              ctx,
              await device.refresh(prev.refreshToken),
              "DTP-REF-001",
            );
            rotatedAt.push(next.receivedAt);
            if (chain.some((p) => p.refreshToken === next.refreshToken)) {
              fail(
                ID,
                "a refresh_token different from every one issued before in the family",
                `refresh #${i} returned a refresh_token already issued`,
                next.res,
              );
            }
            if (next.accessToken === prev.accessToken) {
              fail(
                "DTP-REF-001",
                "a new access token",
                `refresh #${i} returned the presented access token again`,
                next.res,
              );
            }
            chain.push(next);
          }
          const latest = chain[rotations]!;
          // The latest access token works (so that a later 401 means revocation).
          await meOk(ctx, latest, {
            dpop: device.dpop,
            requirement: "DTP-REF-001",
            label: "GET /me (latest token)",
          });

          if (grace > 0) {
            await waitPast(
              ctx,
              rotatedAt[reused]! + grace * 1000,
              "dtp_refresh_token_reuse_grace_period",
            );
          }
          const reuse = await device.refresh(chain[reused]!.refreshToken);
          expectInvalidGrant(reuse, "DTP-REF-003");

          // The family is revoked: the latest refresh token and every access token.
          const latestRes = await device.refresh(latest.refreshToken);
          expectInvalidGrant(latestRes, "DTP-REF-004");
          for (const [i, pair] of chain.entries()) {
            await meRefused(ctx, pair, "DTP-REF-004", {
              dpop: device.dpop,
              label: `GET /me (access #${i})`,
            });
          }
          expectInactive(
            await device.introspect(latest.accessToken, { label: "introspect latest access" }),
            "DTP-REF-004",
            ctx.target.features.has("dtp"),
          );
          expectInactive(
            await device.introspect(latest.refreshToken, { label: "introspect latest refresh" }),
            "DTP-REF-004",
            ctx.target.features.has("dtp"),
          );
        },
      ),
      { numRuns },
    );
  },
};
