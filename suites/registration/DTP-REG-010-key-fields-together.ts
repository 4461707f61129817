/**
 * DTP-REG-010 (MUST, SAFEQ Cloud "Register device"):
 * "`public_key` and `key_type` MUST be sent both or neither: a request with only one of
 * them, or with a `key_type` other than `rsa`, `x509` or `ed25519`, MUST be rejected with
 * 400 OAuth error `invalid_request` whose `error_description` names the offending field."
 *
 * Property: a valid key (RSA SPKI, X.509 certificate, Ed25519 SPKI or raw) sent without
 * `key_type`, a valid `key_type` without `public_key` (the description must name
 * `public_key` or `key_type`: the pair is the offence), and a valid key with a `key_type`
 * outside the three (the description must name `key_type`) get `invalid_request`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { generateDeviceKey, KEY_TYPES, registrationKeyFields } from "../../src/protocol/index.ts";
import { sharedRsaKey } from "../../src/protocol/key-material.ts";
import { baseForm, expectRegistrationError } from "./_helpers.ts";

const ID = "DTP-REG-010";
const VALID = new Set<string>(KEY_TYPES);

const badKeyType = fc.oneof(
  fc.constantFrom(
    "RSA",
    "X509",
    "Ed25519",
    "ED25519",
    "ec",
    "ecdsa",
    "p256",
    "ed448",
    "jwk",
    "pem",
    "x.509",
    "rsa-pss",
    "none",
    "rsa x509",
  ),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((s) => !VALID.has(s) && s.trim() === s && s !== ""),
);

type Case =
  | { kind: "only-public-key"; key: number }
  | { kind: "only-key-type"; keyType: string }
  | { kind: "bad-key-type"; key: number; keyType: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "public_key without key_type, key_type without public_key, or an unknown key_type is invalid_request naming the field",
    specRef: 'SAFEQ Cloud "Register device"',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const ed = await generateDeviceKey("ed25519");
    const ec = await generateDeviceKey("ec-p256");
    const keys = [
      await registrationKeyFields(await sharedRsaKey(), "rsa"),
      await registrationKeyFields(ec, "x509"),
      await registrationKeyFields(ed, "ed25519"),
      await registrationKeyFields(ed, "ed25519", { rawEd25519: true }),
    ];
    const keyIndex = fc.nat({ max: keys.length - 1 });
    const caseArb: fc.Arbitrary<Case> = fc.oneof(
      keyIndex.map((key): Case => ({ kind: "only-public-key", key })),
      fc.constantFrom(...KEY_TYPES).map((keyType): Case => ({ kind: "only-key-type", keyType })),
      fc
        .record({ key: keyIndex, keyType: badKeyType })
        .map(({ key, keyType }): Case => ({ kind: "bad-key-type", key, keyType })),
    );
    await ctx.property(
      "public_key and key_type not both, or an unknown key_type",
      fc.asyncProperty(caseArb, async (c) => {
        const clientId = ctx.clientId("reg010");
        const form = baseForm(clientId);
        let fields: readonly string[];
        switch (c.kind) {
          case "only-public-key":
            form.public_key = keys[c.key]!.public_key;
            fields = ["key_type", "public_key"];
            break;
          case "only-key-type":
            form.key_type = c.keyType;
            fields = ["public_key", "key_type"];
            break;
          case "bad-key-type":
            form.public_key = keys[c.key]!.public_key;
            form.key_type = c.keyType;
            fields = ["key_type"];
            break;
        }
        const res = await sendRegistrationForm(ctx, form, { label: `register (${c.kind})` });
        expectRegistrationError(res, { error: "invalid_request", fields }, ID);
      }),
    );
  },
};
