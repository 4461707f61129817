/**
 * DTP-EXP-005 (MUST, RFC 7523 §3 (item 4), §3.2):
 * "A client assertion whose `exp` has passed, beyond the server's allowance for clock skew,
 * MUST be rejected with OAuth error `invalid_client`."
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
import { declaredLifetime, declaredSkew, OWNERS, readStepTokens } from "../../src/client/index.ts";
import { nowSeconds, serviceClient } from "../../src/client/kit/index.ts";

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
    const svc = await serviceClient(ctx);
    const control = await svc.send(svc.assertion(), { label: "service token (fresh assertion)" });
    readStepTokens(ctx, control, OWNERS.serviceToken, "a service token for a fresh assertion");

    await ctx.property(
      "assertions expired by more than the skew",
      fc.asyncProperty(
        fc.integer({ min: 2, max: 86_400 }),
        fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
        async (pastBy, lifetime) => {
          const exp = nowSeconds(ctx) - skew - pastBy;
          const res = await svc.send(svc.assertion({ iat: exp - lifetime, lifetime }), {
            label: `service token (assertion expired ${skew + pastBy} s ago)`,
          });
          expectOAuthError(res, { status: 401, error: "invalid_client" }, ID);
        },
      ),
    );
  },
};
