/**
 * DTP-REG-012 (MUST, SAFEQ Cloud "Register device"; RFC 5280 §4.1):
 * "With `key_type=x509` the server MUST accept a base64 DER X.509 certificate whose
 * SubjectPublicKeyInfo holds an RSA key of at least 2048 bits, an EC P-256 key or an
 * Ed25519 key, and MUST reject anything else with 400 OAuth error `invalid_request` naming
 * `public_key`."
 *
 * One case per fixed key, then a property over generated encodings, all `key_type=x509` registrations. Accepted (cases): self-signed certificates of an
 * RSA-2048, a fresh EC P-256 and a fresh Ed25519 key. Rejected with `invalid_request`
 * naming `public_key`: certificates of RSA-1024, RSA-2047 and EC P-384 keys, bare SPKIs
 * (EC P-256, RSA), a raw Ed25519 key, PEM, a certificate with a trailing byte or truncated,
 * random bytes, and invalid base64 made from a valid certificate.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { generateDeviceKey, selfSignedCertificate } from "../../src/protocol/index.ts";
import {
  b64,
  certificateFor,
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

const ID = "DTP-REG-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "key_type=x509: certificates of RSA ≥ 2048, EC P-256, Ed25519 accepted; anything else invalid_request naming public_key",
    specRef: 'SAFEQ Cloud "Register device"; RFC 5280 §4.1',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const rsa = await sharedRsaKey(2048);
    const ec = await generateDeviceKey("ec-p256");
    const ed = await generateDeviceKey("ed25519");
    const ecCert = await selfSignedCertificate(ec);
    const accepted: KeyMaterial[] = [
      { label: "certificate of an RSA-2048 key", value: b64(await selfSignedCertificate(rsa)) },
      { label: "certificate of an EC P-256 key", value: b64(ecCert) },
      { label: "certificate of an Ed25519 key", value: b64(await selfSignedCertificate(ed)) },
    ];
    const pkcs1 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
    const rejected: KeyMaterial[] = [
      {
        label: "certificate of an RSA-1024 key",
        value: b64(await certificateFor(await sharedRsaKey(1024), pkcs1)),
      },
      {
        label: "certificate of an RSA-2047 key",
        value: b64(await certificateFor(await sharedRsaKey(2047), pkcs1)),
      },
      {
        label: "certificate of an EC P-384 key",
        value: b64(
          await certificateFor(await otherKeyPair("ec-p384"), {
            name: "ECDSA",
            namedCurve: "P-384",
            hash: "SHA-384",
          }),
        ),
      },
      { label: "EC P-256 SPKI (not a certificate)", value: b64(spkiDer(ec.publicKey)) },
      { label: "RSA-2048 SPKI (not a certificate)", value: b64(spkiDer(rsa.publicKey)) },
      { label: "raw Ed25519 key", value: Buffer.from(ed.jwk.x!, "base64url").toString("base64") },
      { label: "PEM certificate", value: pem(ecCert, "CERTIFICATE") },
      {
        label: "EC P-256 certificate with a trailing byte",
        value: b64(Buffer.concat([ecCert, Buffer.of(0)])),
      },
    ];
    for (const key of accepted) {
      await ctx.case(`accepted: ${key.label}`, () => expectKeyCase(ctx, ID, "x509", key, true));
    }
    for (const key of rejected) {
      await ctx.case(`refused: ${key.label}`, () => expectKeyCase(ctx, ID, "x509", key, false));
    }
    const invalid: fc.Arbitrary<KeyMaterial> = fc.oneof(
      fc.constantFrom(...accepted).chain(invalidBase64Arb),
      truncatedArb("EC P-256 certificate", ecCert),
      randomBytesArb(1, 600),
    );
    await ctx.property(
      "refused: invalid encodings",
      fc.asyncProperty(invalid, (key) => expectKeyCase(ctx, ID, "x509", key, false)),
    );
  },
};
