/**
 * DTP-EXP-005 (MUST, RFC 7523 §3 item 4):
 * "A client assertion whose `exp` is more than skew seconds in the past MUST be rejected
 * with 401 OAuth error `invalid_client`."
 *
 * An approved `server` device first gets a service token with a fresh assertion (control:
 * its assertions are otherwise accepted). Property: assertions otherwise valid (fresh
 * `jti`, `aud` the issuer, lifetime within `assertion_max_lifetime`) whose `exp` lies
 * `dtp_clock_skew` + 2 s to a day in the past are answered 401 `invalid_client`.
 * (The extra 2 s absorb a clock difference of a second between kit and server.)
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { declaredLifetime, declaredSkew } from "../../src/client/legacy/endpoints.ts";
import { readTokens } from "../../src/client/legacy/tokens.ts";
import { requestServiceToken, serviceClient } from "../tokens/_helpers.ts";
import { nowSeconds } from "./_helpers.ts";

const ID = "DTP-EXP-005";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title: "A client assertion whose exp is more than the skew in the past is invalid_client",
    specRef: "RFC 7523 §3 (item 4)",
    requires: ["dtp", "admin", "client_credentials"],
    property: true,
  },
  async run(ctx) {
    const skew = declaredSkew(ctx.target);
    const maxLifetime = declaredLifetime(ctx.target, "assertion_max_lifetime", 300);
    const svc = await serviceClient(ctx, ID);
    const control = await requestServiceToken(ctx, svc, {
      label: "service token (fresh assertion)",
    });
    readTokens(ctx, control, "DTP-SVC-001");

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 86_400 }),
        fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
        async (pastBy, lifetime) => {
          const exp = nowSeconds(ctx) - skew - pastBy;
          const res = await requestServiceToken(ctx, svc, {
            iat: exp - lifetime,
            lifetime,
            label: `service token (assertion expired ${skew + pastBy} s ago)`,
          });
          expectOAuthError(res, { status: 401, error: "invalid_client" }, ID);
        },
      ),
      ctx.fc,
    );
  },
};
