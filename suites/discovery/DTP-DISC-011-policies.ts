/**
 * DTP-DISC-011 (MUST, SAFEQ Cloud "User and device tokens"):
 * "A DTP server's metadata MUST contain `dtp_policies`, an object with the boolean members
 * `allow_untrusted_endpoints` and `allow_unauthenticated_requests`, whose values MUST be
 * the policies in effect."
 *
 * "In effect" is probed at `/login` where the target allows it:
 * - `allow_untrusted_endpoints`: a login authenticated only with HTTP Basic (API key, no
 *   device token) is answered 401 when the policy is false (DTP-LOGIN-007), and is not
 *   refused as unauthenticated (401) when it is true (DTP-LOGIN-008); unknown user
 *   credentials are sent, so no token is ever issued.
 * - `allow_unauthenticated_requests`: a login through a fresh device with an unknown
 *   `card_id` is `invalid_request` when the policy is false (DTP-LOGIN-011) and
 *   `invalid_grant` when it is true (DTP-LOGIN-012).
 * Without the login endpoint, an API key or approval the check verifies what it can and
 * ends as SKIP saying what is missing; the login suite tests both policies in full.
 */
import { randomBytes } from "node:crypto";
import type { Check } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import { clientSecretBasic, loginThrough, sendLogin } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-011";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "dtp_policies states both policies as booleans, as they are in effect",
    specRef: 'SAFEQ Cloud "User and device tokens"',
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const policies = metadata.dtp_policies;
    const expected =
      '"dtp_policies": {"allow_untrusted_endpoints": <boolean>, "allow_unauthenticated_requests": <boolean>}';
    if (typeof policies !== "object" || policies === null || Array.isArray(policies)) {
      fail(ID, expected, `"dtp_policies": ${show(policies)}`, res);
    }
    const p = policies as Record<string, unknown>;
    const untrusted = p.allow_untrusted_endpoints;
    const unauthenticated = p.allow_unauthenticated_requests;
    if (typeof untrusted !== "boolean" || typeof unauthenticated !== "boolean") {
      fail(ID, expected, `"dtp_policies": ${show(policies)}`, res);
    }

    const f = ctx.target.features;
    if (!f.has("login") || !f.has("api_key")) {
      ctx.skip(
        "dtp_policies has the right shape; whether it is in effect needs /login (dtp_login_endpoint) and an API key in the config",
      );
    }
    const unknownUser = {
      username: `dtp-kit-nobody-${randomBytes(6).toString("hex")}`,
      password: randomBytes(12).toString("base64url"),
    };

    // allow_untrusted_endpoints: HTTP Basic (API key) only, no device token — the policy
    // names Basic (DTP-LOGIN-007/008).
    const clientId = ctx.clientId("policy");
    const headers: Record<string, string> = {};
    clientSecretBasic(clientId, ctx.target.config.apiKey).apply(
      { headers, form: {} },
      ctx.target,
      0,
    );
    const basicOnly = await sendLogin(
      ctx,
      headers,
      unknownUser,
      "login with Basic only (policy probe)",
    );
    if (!untrusted && basicOnly.status !== 401) {
      fail(
        ID,
        "allow_untrusted_endpoints is false: a /login with only HTTP Basic is refused with 401",
        describe(basicOnly),
        basicOnly,
      );
    }
    if (untrusted && basicOnly.status === 401) {
      fail(
        ID,
        "allow_untrusted_endpoints is true: /login accepts HTTP Basic client authentication (the unknown user then gets 400 invalid_grant)",
        describe(basicOnly),
        basicOnly,
      );
    }

    // allow_unauthenticated_requests: card_id through a trusted device.
    if (!f.has("device_code") || !f.has("admin")) {
      ctx.skip(
        "dtp_policies has the right shape and allow_untrusted_endpoints is in effect; allow_unauthenticated_requests needs a device token: configure approval",
      );
    }
    const { tokens } = await approvedDevice(ctx, { label: "policy-dev" });
    const card = await loginThrough(
      ctx,
      tokens,
      { card_id: `DTP-KIT-NO-CARD-${randomBytes(6).toString("hex")}` },
      "login with an unknown card_id (policy probe)",
    );
    const error = (card.body as { error?: unknown } | undefined)?.error;
    if (!unauthenticated && !(card.status === 400 && error === "invalid_request")) {
      fail(
        ID,
        "allow_unauthenticated_requests is false: a card_id login is refused with 400 invalid_request",
        describe(card),
        card,
      );
    }
    if (unauthenticated && !(card.status === 400 && error === "invalid_grant")) {
      fail(
        ID,
        "allow_unauthenticated_requests is true: an unknown card_id is looked up and refused with 400 invalid_grant",
        describe(card),
        card,
      );
    }
  },
};
