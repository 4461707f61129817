/**
 * DTP-REG-011 (MUST, SAFEQ Cloud "Register device"; RFC 5280 §4.1.2.7):
 * "With `key_type=rsa` the server MUST accept a base64 (standard alphabet, padding
 * optional) DER SubjectPublicKeyInfo of an RSA key of at least 2048 bits, and MUST reject
 * anything else (invalid base64, not an SPKI, not RSA, fewer than 2048 bits) with 400 OAuth
 * error `invalid_request` naming `public_key`."
 *
 * One case per fixed key, then a property over generated encodings, all `key_type=rsa` registrations. Accepted (cases): the SPKI of an RSA-2048 and of an
 * RSA-3072 key (whose base64 has padding), with and without the padding. Rejected with
 * `invalid_request` naming `public_key`: invalid base64 made from a valid SPKI (a foreign
 * character inserted, the URL-safe alphabet, `=` inside, a length of 1 mod 4), PEM, PKCS#1
 * RSAPublicKey, an X.509 certificate, the SPKI with a trailing byte or truncated, random
 * bytes, SPKIs of EC P-256 / P-384, Ed25519, Ed448 and X25519 keys, a raw Ed25519 key,
 * and RSA keys of 1024 and 2047 bits.
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

const ID = "DTP-REG-011";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "key_type=rsa: RSA ≥ 2048 SPKI accepted (padding optional); anything else invalid_request naming public_key",
    specRef: 'SAFEQ Cloud "Register device"; RFC 5280 §4.1.2.7; RFC 4648 §4',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const rsa2048 = await sharedRsaKey(2048);
    const rsa3072 = await sharedRsaKey(3072);
    const spki2048 = spkiDer(rsa2048.publicKey);
    const spki3072 = spkiDer(rsa3072.publicKey);
    const accepted: KeyMaterial[] = [
      { label: "RSA-2048 SPKI", value: b64(spki2048) },
      { label: "RSA-3072 SPKI", value: b64(spki3072) },
      { label: "RSA-3072 SPKI without padding", value: b64(spki3072, false) },
    ];
    const ec = await generateDeviceKey("ec-p256");
    const ed = await generateDeviceKey("ed25519");
    const rejected: KeyMaterial[] = [
      { label: "PEM SPKI", value: pem(spki2048, "PUBLIC KEY") },
      {
        label: "PKCS#1 RSAPublicKey (not an SPKI)",
        value: b64(rsa2048.publicKey.export({ format: "der", type: "pkcs1" })),
      },
      {
        label: "X.509 certificate of an RSA-2048 key",
        value: b64(await selfSignedCertificate(rsa2048)),
      },
      {
        label: "RSA-2048 SPKI with a trailing byte",
        value: b64(Buffer.concat([spki2048, Buffer.of(0)])),
      },
      { label: "EC P-256 SPKI", value: b64(spkiDer(ec.publicKey)) },
      { label: "EC P-384 SPKI", value: b64(spkiDer((await otherKeyPair("ec-p384")).publicKey)) },
      { label: "Ed25519 SPKI", value: b64(spkiDer(ed.publicKey)) },
      { label: "raw Ed25519 key", value: Buffer.from(ed.jwk.x!, "base64url").toString("base64") },
      { label: "Ed448 SPKI", value: b64(spkiDer((await otherKeyPair("ed448")).publicKey)) },
      { label: "X25519 SPKI", value: b64(spkiDer((await otherKeyPair("x25519")).publicKey)) },
      { label: "RSA-1024 SPKI", value: b64(spkiDer((await sharedRsaKey(1024)).publicKey)) },
      { label: "RSA-2047 SPKI", value: b64(spkiDer((await sharedRsaKey(2047)).publicKey)) },
    ];
    for (const key of accepted) {
      await ctx.case(`accepted: ${key.label}`, () => expectKeyCase(ctx, ID, "rsa", key, true));
    }
    for (const key of rejected) {
      await ctx.case(`refused: ${key.label}`, () => expectKeyCase(ctx, ID, "rsa", key, false));
    }
    const invalid: fc.Arbitrary<KeyMaterial> = fc.oneof(
      fc.constantFrom(...accepted).chain(invalidBase64Arb),
      truncatedArb("RSA-2048 SPKI", spki2048),
      randomBytesArb(1, 600),
    );
    await ctx.property(
      "refused: invalid encodings",
      fc.asyncProperty(invalid, (key) => expectKeyCase(ctx, ID, "rsa", key, false)),
    );
  },
};
