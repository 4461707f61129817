/**
 * DTP-SVC-008 (MUST, RFC 7523 §3 (items 4, 6, 7); LoginID "API Service Tokens"):
 * "A client assertion without `exp` MUST be rejected with OAuth error `invalid_client`."
 *
 * DTP-SVC-053 (MUST, DTP; LoginID "API Service Tokens"; RFC 7523 §3):
 * "A DTP client assertion without `iat` or `jti`, with an `iat` more than skew seconds in
 * the future, or with `exp − iat` greater than `dtp_lifetimes.assertion_max_lifetime` MUST
 * be rejected with 401 `invalid_client`."
 *
 * DTP-EXP-005 (MUST, RFC 7523 §3 (item 4), §3.2):
 * "A client assertion whose `exp` has passed, beyond the server's allowance for clock skew,
 * MUST be rejected with OAuth error `invalid_client`."
 *
 * DTP-EXP-005 (MUST, RFC 7523 §3 item 4): "A client assertion whose `exp` is more than
 * skew seconds in the past MUST be rejected with 401 OAuth error `invalid_client`."
 *
 * One approved `server` device; the limits come from metadata (`dtp_clock_skew`,
 * `dtp_lifetimes.assertion_max_lifetime`). Property: an otherwise valid assertion without
 * `exp`, `iat` or `jti`; with `iat` `skew + k` seconds ahead; with `exp − iat` =
 * `max + k`; or with `exp` `skew + k` seconds past → 401 `invalid_client`. `k` is at
 * least max(3, skew) for the times, so that a correct server whose clock is off by less
 * than its declared skew is never accused.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { declaredLifetime, declaredSkew, sendAssertion } from "../../src/client/index.ts";
import { nowSeconds, serviceClient } from "../../src/client/kit/index.ts";
import { expectInvalidClient, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-008";
const EXP_005 = "DTP-EXP-005";
/** DTP: iat and jti required, iat not ahead, exp − iat within assertion_max_lifetime. */
const CLAIMS = "DTP-SVC-053";

type Case =
  | { kind: "missing"; claim: "exp" | "iat" | "jti" }
  | { kind: "iat-future"; k: number }
  | { kind: "too-long"; k: number; back: number }
  | { kind: "expired"; k: number; life: number };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, CLAIMS, EXP_005],
    level: "MUST",
    area: "signing",
    title:
      "Assertion exp, iat and jti present, iat not in the future, exp − iat ≤ max lifetime, not expired → else 401 invalid_client",
    specRef: 'RFC 7523 §3 (items 4, 6, 7); LoginID "API Service Tokens"',
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const skew = declaredSkew(ctx.target);
    const max = declaredLifetime(ctx.target, "assertion_max_lifetime", 300);
    const margin = Math.max(3, skew);
    const client = await serviceClient(ctx, { label: "svc008" });
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, client.assertion(), {
        label: "control: valid assertion",
      }),
    );
    const arb: fc.Arbitrary<Case> = fc.oneof(
      fc.record({
        kind: fc.constant("missing" as const),
        claim: fc.constantFrom("exp" as const, "iat" as const, "jti" as const),
      }),
      fc.record({
        kind: fc.constant("iat-future" as const),
        k: fc.integer({ min: margin, max: 10 * 86400 }),
      }),
      fc.record({
        kind: fc.constant("too-long" as const),
        k: fc.integer({ min: 1, max: 10 * 86400 }),
        back: fc.integer({ min: 0, max: Math.min(30, Math.max(0, max - margin)) }),
      }),
      fc.record({
        kind: fc.constant("expired" as const),
        k: fc.integer({ min: margin, max: 10 * 86400 }),
        life: fc.integer({ min: 1, max: max }),
      }),
    );

    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const now = nowSeconds(ctx);
        let claims: Record<string, unknown>;
        let what: string;
        let requirement = CLAIMS;
        switch (c.kind) {
          case "missing":
            claims = { [c.claim]: undefined };
            what = `no ${c.claim}`;
            if (c.claim === "exp") requirement = ID;
            break;
          case "iat-future":
            claims = { iat: now + skew + c.k, exp: now + skew + c.k + 60 };
            what = `iat ${skew + c.k} s ahead (skew ${skew})`;
            break;
          case "too-long":
            claims = { iat: now - c.back, exp: now - c.back + max + c.k };
            what = `exp − iat = ${max + c.k} s (max ${max})`;
            break;
          case "expired":
            claims = { exp: now - skew - c.k, iat: now - skew - c.k - c.life };
            what = `exp ${skew + c.k} s ago (skew ${skew})`;
            requirement = EXP_005;
            break;
        }
        const res = await sendAssertion(ctx, client.assertion({ overrides: { claims } }), {
          label: `service token: ${what}`,
        });
        expectInvalidClient(res, requirement);
      }),
      {
        ...ctx.fc,
        // Each missing claim, and each time just beyond what the server must tolerate.
        examples: (
          [
            { kind: "missing", claim: "exp" },
            { kind: "missing", claim: "iat" },
            { kind: "missing", claim: "jti" },
            { kind: "iat-future", k: margin },
            { kind: "too-long", k: 1, back: 0 },
            { kind: "expired", k: margin, life: 60 },
          ] as Case[]
        ).map((c): [Case] => [c]),
      },
    );
  },
};
