/**
 * DTP-REG-013 (MUST, SAFEQ Cloud "Register device"; RFC 8410 §4):
 * "With `key_type=ed25519` the server MUST accept either a base64 DER SubjectPublicKeyInfo
 * of an Ed25519 key or the base64 of the raw 32-byte key, and MUST reject anything else
 * (other lengths, other key types) with 400 OAuth error `invalid_request` naming
 * `public_key`."
 *
 * One case per fixed key, then a property over generated encodings, all `key_type=ed25519` registrations. Accepted (cases): a fresh Ed25519 key as SPKI
 * and as the raw 32 bytes. Rejected with `invalid_request` naming `public_key`: random
 * bytes of any length but 32, the raw key with a byte more or less, the SPKI with a
 * trailing byte or truncated, SPKIs of EC P-256, RSA, X25519 and Ed448 keys, a certificate
 * of an Ed25519 key, PEM, and invalid base64 made from a valid encoding.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { generateDeviceKey, selfSignedCertificate } from "../../src/protocol/index.ts";
import {
  b64,
  invalidBase64Arb,
  type KeyMaterial,
  otherKeyPair,
  pem,
  randomBytesArb,
  sharedRsaKey,
  spkiDer,
  truncatedArb,
} from "../../src/protocol/key-material.ts";
import { expectKeyCase } from "./_helpers.ts";

const ID = "DTP-REG-013";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "key_type=ed25519: SPKI or raw 32 bytes accepted; anything else invalid_request naming public_key",
    specRef: 'SAFEQ Cloud "Register device"; RFC 8410 §4',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const ed = await generateDeviceKey("ed25519");
    const spki = spkiDer(ed.publicKey);
    const raw = Buffer.from(ed.jwk.x!, "base64url");
    const valid: KeyMaterial[] = [
      { label: "Ed25519 SPKI", value: b64(spki) },
      { label: "raw Ed25519 key", value: b64(raw) },
    ];
    const rejected: KeyMaterial[] = [
      { label: "raw Ed25519 key + 1 byte", value: b64(Buffer.concat([raw, Buffer.of(0)])) },
      { label: "raw Ed25519 key - 1 byte", value: b64(raw.subarray(0, 31)) },
      {
        label: "Ed25519 SPKI with a trailing byte",
        value: b64(Buffer.concat([spki, Buffer.of(0)])),
      },
      {
        label: "EC P-256 SPKI",
        value: b64(spkiDer((await generateDeviceKey("ec-p256")).publicKey)),
      },
      { label: "RSA-2048 SPKI", value: b64(spkiDer((await sharedRsaKey(2048)).publicKey)) },
      { label: "X25519 SPKI", value: b64(spkiDer((await otherKeyPair("x25519")).publicKey)) },
      { label: "Ed448 SPKI", value: b64(spkiDer((await otherKeyPair("ed448")).publicKey)) },
      { label: "certificate of an Ed25519 key", value: b64(await selfSignedCertificate(ed)) },
      { label: "PEM SPKI", value: pem(spki, "PUBLIC KEY") },
    ];
    for (const raw of [false, true]) {
      await ctx.case(`accepted: ${raw ? "raw Ed25519 key" : "Ed25519 SPKI"}`, async () => {
        const key = await generateDeviceKey("ed25519");
        const material: KeyMaterial = raw
          ? { label: "raw Ed25519 key", value: b64(Buffer.from(key.jwk.x!, "base64url")) }
          : { label: "Ed25519 SPKI", value: b64(spkiDer(key.publicKey)) };
        await expectKeyCase(ctx, ID, "ed25519", material, true);
      });
    }
    for (const key of rejected) {
      await ctx.case(`refused: ${key.label}`, () => expectKeyCase(ctx, ID, "ed25519", key, false));
    }
    const invalid: fc.Arbitrary<KeyMaterial> = fc.oneof(
      fc.constantFrom(...valid).chain(invalidBase64Arb),
      truncatedArb("Ed25519 SPKI", spki, 32),
      randomBytesArb(1, 100, 32),
    );
    await ctx.property(
      "refused: invalid encodings",
      fc.asyncProperty(invalid, (key) => expectKeyCase(ctx, ID, "ed25519", key, false)),
    );
  },
};
