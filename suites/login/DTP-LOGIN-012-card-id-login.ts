/**
 * DTP-LOGIN-012 (MUST, SAFEQ Cloud "User and device tokens"):
 * "When `allow_unauthenticated_requests` is true, the server MUST log in the user holding
 * the given `card_id` without a password, and MUST answer 400 OAuth error `invalid_grant`
 * for an unknown `card_id`."
 *
 * Run against the policy the target declares in `dtp_policies`; when it declares `false`
 * (or nothing: the default), DTP-LOGIN-011 applies instead and this check SKIPs.
 * Through a trusted device with a valid device token:
 * - property: generated card ids that are not the configured one → 400 `invalid_grant`,
 *   no token (fewer than the declared `dtp_limits.failed_attempts.password.max`: wrong card
 *   ids through the device count against that limit, DTP-LOGIN-013, and the configured
 *   card id is tried through the same device last);
 * - the configured user's card id (`user.cardId` in the config) → 200 with a user token
 *   pair whose `sub` is the user's, the same as a password login gives (SKIP of this part
 *   when the config has no card id, after the unknown ids passed).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import {
  claimsOf,
  declaredFailureLimit,
  loginThrough,
  readStepTokens,
} from "../../src/client/index.ts";
import { approvedDevice, loggedInUser, policyInEffect } from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "login",
    title:
      "allow_unauthenticated_requests true: card_id logs its user in without a password; an unknown card_id → 400 invalid_grant",
    specRef: 'SAFEQ Cloud "User and device tokens"',
    requires: ["device_code", "admin", "login", "refresh_token"],
    property: true,
  },
  async run(ctx) {
    if (!policyInEffect(ctx, "allow_unauthenticated_requests")) {
      ctx.notClaimed(
        "the target declares dtp_policies.allow_unauthenticated_requests = false (or leaves it at its default): DTP-LOGIN-012 applies only when it is true (DTP-LOGIN-011 tests the declared behaviour)",
      );
    }
    const configured = ctx.target.config.user?.cardId;
    const device = await approvedDevice(ctx, { label: "cardid-on" });

    const norm = (s: string) => s.normalize("NFKC").trim().toLowerCase();
    const unknown = fc
      .oneof(
        fc.stringMatching(/^[A-Za-z0-9-]{1,32}$/),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 32 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{22,43}$/).map((s) => `unknown-${s}`),
      )
      .filter((s) => s.trim() !== "" && (configured === undefined || norm(s) !== norm(configured)));
    const limit = declaredFailureLimit(ctx.target, "password");
    const budget = limit ? limit.max - 1 : Number.POSITIVE_INFINITY;
    let tried = 0;
    await ctx.property(
      "unknown card ids",
      fc.asyncProperty(unknown, async (card_id) => {
        if (++tried > budget) {
          if (tried === budget + 1)
            ctx.note(`unknown card ids capped at ${budget} (below the declared password limit)`);
          return;
        }
        const res = await loginThrough(
          ctx,
          device.tokens,
          { card_id },
          "login with an unknown card_id",
        );
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
        expectNoToken(res, ID, "an unknown card_id");
      }),
    );

    if (configured === undefined) {
      return ctx.skip(
        'unknown card ids are refused as required, but the config gives no card id to log in with: add "cardId" to "user" in the target config',
      );
    }
    ctx.http.addSecret(configured, "card-id");
    const res = await loginThrough(
      ctx,
      device.tokens,
      { card_id: configured },
      "login with the user's card_id",
    );
    const tokens = readStepTokens(ctx, res, ID, "a card_id login");
    if (tokens.refreshToken === undefined) {
      fail(ID, "a user token pair (with a refresh_token)", "no refresh_token", res);
    }
    const claims = claimsOf(tokens.accessToken);
    if (claims === undefined || claims.dtp_kind !== "user") {
      fail(
        ID,
        'a user access token (dtp_kind "user")',
        `dtp_kind ${JSON.stringify(claims?.dtp_kind)}`,
        res,
      );
    }
    if (ctx.target.config.user?.password !== undefined) {
      const byPassword = await loggedInUser(ctx, { through: device });
      if (claims.sub !== byPassword.sub) {
        fail(
          ID,
          `the card holder's user token: sub ${JSON.stringify(byPassword.sub)} (as a password login gives)`,
          `sub ${JSON.stringify(claims.sub)}`,
          res,
        );
      }
    }
  },
};
