/**
 * DTP-EXP-005 (MUST, RFC 7523 §3 (item 4), §3.2):
 * "A client assertion whose `exp` has passed, beyond the server's allowance for clock skew,
 * MUST be rejected with OAuth error `invalid_client`."
 *
 * DTP-EXP-050 (MUST, DTP; RFC 7523 §3):
 * "A DTP server MUST reject a client assertion whose `exp` is more than `dtp_clock_skew`
 * seconds in the past with 401 `invalid_client`."
 *
 * An approved `server` device first gets a service token with a fresh assertion (control:
 * its assertions are otherwise accepted). Property: assertions otherwise valid (fresh
 * `jti`, `aud` the issuer, lifetime within `assertion_max_lifetime`) whose `exp` lies
 * `dtp_clock_skew` + 2 s to a day in the past are answered 401 `invalid_client`, and so is
 * one whose `exp` lies exactly `dtp_clock_skew` + 2 s in the past (a case of its own).
 * (The extra 2 s absorb a clock difference of a second between kit and server.)
 *
 * The RFC rule (DTP-EXP-005) leaves the skew allowance and the status to the server: it is
 * broken when an assertion expired by more than any reasonable allowance (RFC 7523 §3 item
 * 4: "typically no more than a few minutes"; here FAR_S) is not answered `invalid_client`.
 * Anything else wrong — an assertion expired by more than the declared `dtp_clock_skew` but
 * less than FAR_S accepted, or `invalid_client` with a status other than 401 — is DTP's
 * DTP-EXP-050.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { declaredLifetime, declaredSkew, OWNERS, readStepTokens } from "../../src/client/index.ts";
import { nowSeconds, serviceClient } from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-005";
const DECLARED_SKEW = "DTP-EXP-050";
/** Past this (seconds), no server's clock-skew allowance excuses an expired assertion. */
const FAR_S = 600;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, DECLARED_SKEW],
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

    /** Sends an assertion expired `skew + pastBy` s ago; judges the answer. */
    const expired = async (pastBy: number, lifetime: number) => {
      const exp = nowSeconds(ctx) - skew - pastBy;
      const res = await svc.send(svc.assertion({ iat: exp - lifetime, lifetime }), {
        label: `service token (assertion expired ${skew + pastBy} s ago)`,
      });
      const refused = (res.body as { error?: unknown } | undefined)?.error === "invalid_client";
      const owner = skew + pastBy > FAR_S && !refused ? ID : DECLARED_SKEW;
      expectOAuthError(res, { status: 401, error: "invalid_client" }, owner);
    };
    await ctx.case("an assertion expired dtp_clock_skew + 2 s ago", () =>
      expired(2, Math.min(60, Math.max(1, maxLifetime))),
    );
    await ctx.property(
      "assertions expired by more than the skew",
      fc.asyncProperty(
        fc.integer({ min: 2, max: 86_400 }),
        fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
        expired,
      ),
    );
  },
};
