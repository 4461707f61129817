/**
 * DTP-SIG-007 (MUST, RFC 9421 §3.2, §7.2.2):
 * "A signature whose `created` is more than `dtp_lifetimes.signature_max_age` plus skew
 * seconds in the past MUST be rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-008 (MUST, RFC 9421 §3.2):
 * "A signature whose `created` is more than skew seconds in the future MUST be rejected
 * with 401 `invalid_signature`."
 *
 * DTP-SIG-009 (MUST, RFC 9421 §2.3, §3.2; DTP):
 * "A signature whose `expires` is more than skew seconds in the past (`expires` not later
 * than the current time minus skew) MUST be rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * The window comes from the target's metadata (`dtp_lifetimes.signature_max_age`,
 * `dtp_clock_skew`). Property: an otherwise valid signature whose `created` is
 * `max_age + skew + k` seconds old, or `skew + k` seconds ahead, or whose `expires` is
 * `skew + k` seconds past (with a fresh `created`) → 401 `invalid_signature`, nothing
 * registered. `k` is at least max(3, skew) so that a correct server whose clock is off by
 * less than the skew it declares is never accused (the kit cannot tell the server's clock
 * from its own).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { declaredLifetime, declaredSkew, generateDeviceKey } from "../../src/client/index.ts";
import { nowSeconds } from "../../src/client/kit/index.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  send,
  sigDevice,
  signAs,
  signedReRegistration,
} from "./_sig.ts";

const ID = "DTP-SIG-007";
const REQ = { stale: "DTP-SIG-007", future: "DTP-SIG-008", expired: "DTP-SIG-009" } as const;

type Case =
  | { kind: "stale"; k: number }
  | { kind: "future"; k: number }
  | { kind: "expired"; k: number; d: number };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-008", "DTP-SIG-009", "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "Signature times: created too old or in the future, expires past → 401 invalid_signature, nothing registered",
    specRef: "RFC 9421 §2.3, §3.2, §7.2.2",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const maxAge = declaredLifetime(ctx.target, "signature_max_age", 300);
    const skew = declaredSkew(ctx.target);
    const margin = Math.max(3, skew);
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig007",
    });
    await expectSignatureAccepted(
      ctx,
      await send(device, await signedReRegistration(device), "control: valid signature"),
      device,
      "DTP-SIG-001",
    );

    // For "expired", created stays comfortably inside the window: skew + k + d ≤ maxAge - 3.
    const room = maxAge - 3 - skew;
    const cases: fc.Arbitrary<Case>[] = [
      fc.record({
        kind: fc.constant("stale" as const),
        k: fc.integer({ min: margin, max: 10 * 86400 }),
      }),
      fc.record({
        kind: fc.constant("future" as const),
        k: fc.integer({ min: margin, max: 10 * 86400 }),
      }),
    ];
    if (room >= margin) {
      cases.push(
        fc
          .record({
            kind: fc.constant("expired" as const),
            k: fc.integer({ min: margin, max: room }),
            d: fc.integer({ min: 0, max: room - margin }),
          })
          .filter((c) => c.k + c.d <= room),
      );
    } else {
      ctx.note(
        `DTP-SIG-009 not tested: signature_max_age ${maxAge} s leaves no room for a fresh created with an expires ${margin}+ s past`,
      );
    }

    const rejected = async (c: Case) => {
      const now = nowSeconds(ctx);
      let created: number;
      let expires: number;
      let what: string;
      if (c.kind === "stale") {
        created = now - maxAge - skew - c.k;
        expires = now + 60;
        what = `created ${maxAge + skew + c.k} s ago (max age ${maxAge} + skew ${skew})`;
      } else if (c.kind === "future") {
        created = now + skew + c.k;
        expires = created + 60;
        what = `created ${skew + c.k} s ahead (skew ${skew})`;
      } else {
        expires = now - skew - c.k;
        created = expires - c.d;
        what = `expires ${skew + c.k} s ago, created ${skew + c.k + c.d} s ago`;
      }
      const signed = signAs(
        device,
        await reRegistration(device, { client_description: `sig007 ${c.kind}` }),
        { created, expires },
      );
      const res = await send(device, signed, `signed re-registration: ${what}`);
      await expectSignatureRejected(ctx, res, device, REQ[c.kind]);
    };
    // The boundaries first: just beyond what the server must tolerate.
    const boundaries: Case[] = [
      { kind: "stale", k: margin },
      { kind: "future", k: margin },
      ...(room >= margin ? [{ kind: "expired" as const, k: margin, d: 0 }] : []),
    ];
    for (const c of boundaries) await ctx.case(`boundary: ${c.kind}`, () => rejected(c));
    await ctx.property("signature times", fc.asyncProperty(fc.oneof(...cases), rejected));
    await auditApproved(ctx, device);
  },
};
