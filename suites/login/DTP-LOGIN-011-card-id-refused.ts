/**
 * DTP-LOGIN-011 (MUST, SAFEQ Cloud "User and device tokens"):
 * "When `allow_unauthenticated_requests` is false, a `/login` request with `card_id` MUST
 * be answered 400 OAuth error `invalid_request` and MUST NOT issue a token."
 *
 * Run against the policy the target declares in `dtp_policies` (absent = false, the
 * default); when it declares `true`, DTP-LOGIN-012 applies instead and this check SKIPs.
 * Property, through a trusted device with a valid device token: `card_id` alone — the
 * configured user's card id (when the config has one) or a generated one — is answered 400
 * `invalid_request`, with no token.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { loginThrough } from "../../src/client/index.ts";
import { approvedDevice, policyInEffect } from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-011";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "login",
    title:
      "allow_unauthenticated_requests false: login with card_id → 400 invalid_request, no token",
    specRef: 'SAFEQ Cloud "User and device tokens"',
    requires: ["device_code", "admin", "login", "refresh_token"],
    property: true,
  },
  async run(ctx) {
    if (policyInEffect(ctx, "allow_unauthenticated_requests")) {
      ctx.notClaimed(
        "the target declares dtp_policies.allow_unauthenticated_requests = true: DTP-LOGIN-011 applies only when it is false (DTP-LOGIN-012 tests the declared behaviour)",
      );
    }
    const configured = ctx.target.config.user?.cardId;
    if (configured === undefined) {
      ctx.note("the config gives no user card id: only generated card ids are tried");
    }
    const { tokens } = await approvedDevice(ctx, { label: "cardid-off" });
    const cardIds = fc.oneof(
      ...(configured !== undefined ? [fc.constant(configured)] : []),
      fc.stringMatching(/^[A-Za-z0-9-]{1,32}$/),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 32 }).filter((s) => s.trim() !== ""),
    );
    await ctx.property(
      "card_id logins",
      fc.asyncProperty(cardIds, async (card_id) => {
        const res = await loginThrough(ctx, tokens, { card_id }, "login with card_id");
        expectOAuthError(res, { status: 400, error: "invalid_request" }, ID);
        expectNoToken(res, ID, "a card_id login while allow_unauthenticated_requests is false");
      }),
    );
  },
};
