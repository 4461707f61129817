/**
 * DTP-SIG-001 (MUST, SAFEQ Cloud "Register device"; RFC 9421 §3.2):
 * "A `POST /register` for the `client_id` of an approved device with a registered key,
 * carrying a valid HTTP Message Signature as defined in DTP-SIG-002 to DTP-SIG-010, MUST be
 * approved at once without an administrator: it MUST be answered 200 with the normal device
 * authorization response, and the first poll of its `device_code` MUST return tokens."
 *
 * For every key type and signature algorithm the target declares (Ed25519 as DER SPKI and
 * as the raw 32 bytes, RSA SPKI with rsa-pss-sha512 and rsa-v1_5-sha256, x509 certificates
 * holding an EC P-256, RSA or Ed25519 key): register the device with its key, get it
 * approved, then re-register with a valid signature and poll once — no approval in between.
 */

import type { Check } from "../../src/check/check.ts";
import {
  type DeviceKey,
  declaredKeyTypes,
  declaredList,
  generateDeviceKey,
  type HttpSignatureAlg,
  type KeyType,
  readTokens,
} from "../../src/client/index.ts";
import { expectSignatureAccepted, send, sigDevice, signedReRegistration } from "./_sig.ts";

const ID = "DTP-SIG-001";

interface Variant {
  name: string;
  kind: "ed25519" | "rsa" | "ec-p256";
  keyType: KeyType;
  alg: HttpSignatureAlg;
  rawEd25519?: boolean;
}

const VARIANTS: Variant[] = [
  { name: "ed25519 SPKI", kind: "ed25519", keyType: "ed25519", alg: "ed25519" },
  { name: "ed25519 raw", kind: "ed25519", keyType: "ed25519", alg: "ed25519", rawEd25519: true },
  { name: "rsa SPKI, rsa-pss-sha512", kind: "rsa", keyType: "rsa", alg: "rsa-pss-sha512" },
  { name: "rsa SPKI, rsa-v1_5-sha256", kind: "rsa", keyType: "rsa", alg: "rsa-v1_5-sha256" },
  { name: "x509 EC P-256", kind: "ec-p256", keyType: "x509", alg: "ecdsa-p256-sha256" },
  { name: "x509 RSA", kind: "rsa", keyType: "x509", alg: "rsa-pss-sha512" },
  { name: "x509 Ed25519", kind: "ed25519", keyType: "x509", alg: "ed25519" },
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title: "A validly signed re-registration is approved at once: 200, first poll returns tokens",
    specRef: 'SAFEQ Cloud "Register device"; RFC 9421 §3.2',
    requires: ["dtp", "device_code", "http_signatures", "dpop", "admin"],
  },
  async run(ctx) {
    const algs = declaredList(ctx.target, "dtp_http_signature_algs_supported");
    const keyTypes = declaredKeyTypes(ctx.target);
    const variants = VARIANTS.filter((v) => algs.includes(v.alg) && keyTypes.includes(v.keyType));
    const left = VARIANTS.filter((v) => !variants.includes(v)).map((v) => v.name);
    if (left.length > 0) ctx.note(`not declared by the target, not tested: ${left.join("; ")}`);
    if (variants.length === 0) {
      ctx.notClaimed("the target declares no key type / signature algorithm pair of DTP");
    }
    // One key per kind (RSA generation is slow); each variant is its own device.
    const keys = new Map<string, DeviceKey>();
    for (const v of variants) {
      if (!keys.has(v.kind)) keys.set(v.kind, await generateDeviceKey(v.kind));
    }
    for (const v of variants) {
      await ctx.case(v.name, async () => {
        const sd = await sigDevice(ctx, keys.get(v.kind)!, v.keyType, {
          label: "sig001",
          alg: v.alg,
          ...(v.rawEd25519 ? { rawEd25519: true } : {}),
        });
        const signed = await signedReRegistration(sd, {
          client_description: `re-registered (${v.name})`,
        });
        const res = await send(sd, signed, `signed re-registration (${v.name})`);
        const reg = await expectSignatureAccepted(ctx, res, sd, ID);
        const first = await sd.device.poll(reg, { label: `first poll (${v.name})` });
        readTokens(ctx, first, ID);
      });
    }
  },
};
