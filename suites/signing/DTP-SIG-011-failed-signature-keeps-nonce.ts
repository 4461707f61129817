/**
 * DTP-SIG-011 (MUST, DTP):
 * "A request whose signature fails verification MUST NOT consume its nonce: a later
 * correctly signed request with the same nonce MUST be accepted."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * Property: a signed re-registration that fails verification with a fresh nonce (a bit
 * flipped in the signature, signed by another key, the body changed after signing, a
 * signed digest of another body, a stale `created`) → 401; then a correctly signed
 * request with that same nonce → 200.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { declaredLifetime, declaredSkew, generateDeviceKey } from "../../src/client/index.ts";
import { nowSeconds } from "../../src/client/kit/index.ts";
import { contentDigest } from "../../src/protocol/content-digest.ts";
import { randomToken } from "../../src/protocol/random.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  send,
  sigDevice,
  signAs,
} from "./_sig.ts";

const ID = "DTP-SIG-011";

const FAILURES = {
  "flipped-bit": "DTP-SIG-005",
  "other-key": "DTP-SIG-005",
  "body-changed": "DTP-SIG-006",
  "digest-of-other-body": "DTP-SIG-006",
  "stale-created": "DTP-SIG-007",
} as const;
type Failure = keyof typeof FAILURES;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title: "A signature that fails verification does not consume its nonce",
    specRef: "DTP",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const maxAge = declaredLifetime(ctx.target, "signature_max_age", 300);
    const skew = declaredSkew(ctx.target);
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig011",
    });
    const other = await generateDeviceKey("ed25519");

    const run = async (failure: Failure, bit: number) => {
      const nonce = randomToken(16);
      const req = await reRegistration(device, { client_description: `sig011 ${failure}` });
      const otherReq = await reRegistration(device, { client_description: "sig011 other" });
      const now = nowSeconds(ctx);
      const bad = signAs(device, req, {
        nonce,
        ...(failure === "other-key" ? { key: other.privateKey } : {}),
        ...(failure === "digest-of-other-body"
          ? { contentDigest: contentDigest(otherReq.body) }
          : {}),
        ...(failure === "stale-created"
          ? { created: now - maxAge - skew - Math.max(3, skew), expires: now + 60 }
          : {}),
      });
      let headers = bad.headers;
      if (failure === "flipped-bit") {
        headers = {
          ...headers,
          signature: headers.signature!.replace(/=:([^:]*):/, (_m, b64: string) => {
            const b = Buffer.from(b64, "base64");
            b[(bit >> 3) % b.length]! ^= 1 << (bit & 7);
            return `=:${b.toString("base64")}:`;
          }),
        };
      }
      const rejected = await send(
        device,
        { body: failure === "body-changed" ? otherReq.body : req.body, headers },
        `failing signature (${failure}), nonce n`,
      );
      await expectSignatureRejected(ctx, rejected, device, FAILURES[failure]);
      const good = signAs(device, req, { nonce });
      const res = await send(device, good, "valid signature, the same nonce n");
      await expectSignatureAccepted(ctx, res, device, ID);
    };
    // Every failure kind once, then generated ones (each run replaces the device: a few).
    for (const f of Object.keys(FAILURES) as Failure[]) await ctx.case(f, () => run(f, 0));
    await ctx.property(
      "failing signatures, then the same nonce",
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(FAILURES) as Failure[])),
        fc.nat({ max: 511 }),
        run,
      ),
      { numRuns: Math.max(5, Math.ceil(ctx.fc.numRuns / 3)) },
    );
    await auditApproved(ctx, device);
  },
};
