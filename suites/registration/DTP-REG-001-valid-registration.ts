/**
 * DTP-REG-001 (MUST, RFC 8628 §3.1, §3.2; SAFEQ Cloud "Register device"):
 * "A valid device authorization request (`POST /register`) from a client that authenticates
 * as RFC 6749 §3.2.1 requires (a public client sends its `client_id`) MUST be answered 200
 * with an `application/json` object containing `device_code`, `user_code`,
 * `verification_uri` and `expires_in`."
 *
 * DTP-REG-008 (MUST, SAFEQ Cloud "Register device"):
 * "When the request carries `state`, the response MUST contain `state` with exactly the
 * same value; when it does not, the response MUST NOT contain `state`."
 *
 * DTP-REG-011 (MUST, SAFEQ Cloud "Register device"; RFC 5280 §4.1.2.7):
 * "With `key_type=rsa` the server MUST accept a base64 (standard alphabet, padding
 * optional) DER SubjectPublicKeyInfo of an RSA key of at least 2048 bits, and MUST reject
 * anything else (invalid base64, not an SPKI, not RSA, fewer than 2048 bits) with 400 OAuth
 * error `invalid_request` naming `public_key`."
 *
 * DTP-REG-012 (MUST, SAFEQ Cloud "Register device"; RFC 5280 §4.1):
 * "With `key_type=x509` the server MUST accept a base64 DER X.509 certificate whose
 * SubjectPublicKeyInfo holds an RSA key of at least 2048 bits, an EC P-256 key or an
 * Ed25519 key, and MUST reject anything else with 400 OAuth error `invalid_request` naming
 * `public_key`."
 *
 * DTP-REG-013 (MUST, SAFEQ Cloud "Register device"; RFC 8410 §4):
 * "With `key_type=ed25519` the server MUST accept either a base64 DER SubjectPublicKeyInfo
 * of an Ed25519 key or the base64 of the raw 32-byte key, and MUST reject anything else
 * (other lengths, other key types) with 400 OAuth error `invalid_request` naming
 * `public_key`."
 *
 * DTP-REG-015 (MUST, RFC 8628 §5.2; RFC 6749 §10.10):
 * "The `device_code` MUST be base64url and carry at least 128 bits of entropy (at least 22
 * characters), and MUST differ for every registration."
 *
 * DTP-REG-016 (MUST, RFC 8628 §6.1, §5.1):
 * "The `user_code` MUST consist of 8 characters from `BCDFGHJKLMNPQRSTVWXZ` shown as
 * `XXXX-XXXX` (matching `^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)."
 *
 * DTP-REG-018 (MUST, RFC 8628 §3.2, §3.3.1):
 * "`verification_uri` MUST be the absolute URL of `GET /device` under the issuer, and
 * `verification_uri_complete` MUST be `verification_uri` with the query
 * `?user_code=<user_code>` appended."
 *
 * DTP-REG-019 (MUST, RFC 8628 §3.2):
 * "`expires_in` MUST equal `dtp_lifetimes.device_code` and `interval` MUST equal
 * `dtp_lifetimes.interval` from the metadata."
 *
 * DTP-REG-020 (MUST, RFC 6749 §5.1):
 * "The 200 response of `POST /register` carries a secret (`device_code`) and MUST carry
 * `Cache-Control: no-store` and `Pragma: no-cache`."
 *
 * DTP-REG-051 (MUST, DTP; RFC 8628 §3.2):
 * "A DTP registration response MUST also contain `verification_uri_complete` and
 * `interval`."
 *
 * DTP-ERR-014 (MUST, RFC 6749 §3.1, §3.2):
 * "Unrecognized request parameters MUST be ignored."
 *
 * Property: generated valid registrations — every `client_type`, client_ids of every
 * allowed character up to 128 long, optional `client_description` (up to 256), `state` (up
 * to 512, any Unicode), `scope` (subsets of `me login`), unrecognised parameters, and every
 * key type with a real key (RSA-3072 SPKI with and without padding; X.509 certificates of EC
 * P-256, Ed25519 and RSA keys; Ed25519 as SPKI and as the raw 32 bytes) — are answered with
 * a device authorization response that also satisfies:
 * - DTP-REG-008: `state` echoed exactly when sent, absent otherwise;
 * - DTP-REG-011 / -012 / -013: the key is accepted;
 * - DTP-REG-015: `device_code` base64url, ≥ 22 characters, different every time;
 * - DTP-REG-016: `user_code` `XXXX-XXXX` from `BCDFGHJKLMNPQRSTVWXZ`;
 * - DTP-REG-018: `verification_uri` = issuer + `/device`, `verification_uri_complete` =
 *   that + `?user_code=<user_code>`;
 * - DTP-REG-019: `expires_in` / `interval` = `dtp_lifetimes.device_code` / `.interval`;
 * - DTP-REG-020: `Cache-Control: no-store` and `Pragma: no-cache`;
 * - DTP-ERR-014: unrecognised parameters are ignored.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  type KeyType,
  registrationKeyFields,
} from "../../src/protocol/index.ts";
import { b64, sharedRsaKey, spkiDer } from "../../src/protocol/key-material.ts";
import {
  CLIENT_ID_CHARS,
  CLIENT_TYPES,
  expectDeviceAuthorization,
  padClientId,
} from "./_helpers.ts";

const ID = "DTP-REG-001";

type KeyChoice =
  | { type: "none" }
  | { type: "rsa"; pad: boolean }
  | { type: "x509"; inner: "ec-p256" | "ed25519" | "rsa" }
  | { type: "ed25519"; raw: boolean };

const keyArb: fc.Arbitrary<KeyChoice> = fc.oneof(
  fc.constant<KeyChoice>({ type: "none" }),
  fc.boolean().map((pad): KeyChoice => ({ type: "rsa", pad })),
  fc
    .constantFrom("ec-p256" as const, "ed25519" as const, "rsa" as const)
    .map((inner): KeyChoice => ({ type: "x509", inner })),
  fc.boolean().map((raw): KeyChoice => ({ type: "ed25519", raw })),
);

const descriptionArb = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => s.length <= 256),
  fc.string({ unit: "grapheme-ascii", minLength: 256, maxLength: 256 }),
);

/**
 * One code point: Latin-1 (controls included) most of the time, else any scalar value
 * (fast-check's "binary" unit is much slower to generate).
 */
const anyCodePoint = fc.oneof(
  { arbitrary: fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }), weight: 3 },
  {
    arbitrary: fc
      .integer({ min: 0, max: 0x10ffff - 0x800 })
      .map((n) => String.fromCodePoint(n >= 0xd800 ? n + 0x800 : n)),
    weight: 1,
  },
);

/** Any Unicode (no lone surrogates), at most 512 UTF-16 code units; 512 exactly too. */
const stateArb = fc.oneof(
  fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 256 }),
  fc.string({ unit: "grapheme-ascii", minLength: 512, maxLength: 512 }),
);

const requestArb = fc.record({
  clientType: fc.constantFrom(...CLIENT_TYPES),
  idSuffix: fc.string({ unit: fc.constantFrom(...CLIENT_ID_CHARS), maxLength: 16 }),
  fullLengthId: fc.boolean(),
  description: fc.option(descriptionArb, { nil: undefined }),
  state: fc.option(stateArb, { nil: undefined }),
  scope: fc.option(fc.constantFrom("me", "login", "me login", "login me"), { nil: undefined }),
  key: keyArb,
  unknown: fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.string({ maxLength: 20 }), {
    maxKeys: 3,
  }),
});

/** The requirement a refused key violates. */
const KEY_REQUIREMENT: Record<KeyType, string> = {
  rsa: "DTP-REG-011",
  x509: "DTP-REG-012",
  ed25519: "DTP-REG-013",
};

async function keyFields(choice: KeyChoice): Promise<{ public_key: string; key_type: KeyType }> {
  switch (choice.type) {
    case "none":
      throw new Error("no key");
    case "rsa":
      // RSA-3072: its SPKI's base64 ends in "=", so leaving the padding out is a real variant.
      return {
        public_key: b64(spkiDer((await sharedRsaKey(3072)).publicKey), choice.pad),
        key_type: "rsa",
      };
    case "x509": {
      const key: DeviceKey =
        choice.inner === "rsa" ? await sharedRsaKey() : await generateDeviceKey(choice.inner);
      return registrationKeyFields(key, "x509");
    }
    case "ed25519":
      return registrationKeyFields(await generateDeviceKey("ed25519"), "ed25519", {
        rawEd25519: choice.raw,
      });
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-REG-008",
      "DTP-REG-011",
      "DTP-REG-012",
      "DTP-REG-013",
      "DTP-REG-015",
      "DTP-REG-016",
      "DTP-REG-018",
      "DTP-REG-019",
      "DTP-REG-020",
      "DTP-REG-051",
      "DTP-ERR-014",
    ],
    level: "MUST",
    area: "registration",
    title:
      "Generated valid registrations get a complete device authorization response (codes, URIs, lifetimes, state, no-store)",
    specRef: "RFC 8628 §3.1, §3.2, §5.2, §6.1; RFC 6749 §5.1",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const deviceCodes = new Set<string>();
    await ctx.property(
      "generated valid registrations",
      fc.asyncProperty(requestArb, async (r) => {
        const base = `${ctx.clientId("reg001")}${r.idSuffix}`.slice(0, 128);
        const clientId = r.fullLengthId ? padClientId(base, 128, "~") : base;
        const key = r.key.type === "none" ? undefined : await keyFields(r.key);
        const form: Record<string, string | undefined> = {
          ...r.unknown,
          client_id: clientId,
          client_type: r.clientType,
          response_type: "device_code",
          client_description: r.description,
          state: r.state,
          scope: r.scope,
          ...key,
        };
        const res = await sendRegistrationForm(ctx, form);
        const auth = expectDeviceAuthorization(
          ctx,
          res,
          { state: r.state },
          key ? KEY_REQUIREMENT[key.key_type] : ID,
        );
        if (deviceCodes.has(auth.deviceCode)) {
          fail(
            "DTP-REG-015",
            "a different device_code for every registration",
            "a device_code was issued twice",
            res,
          );
        }
        deviceCodes.add(auth.deviceCode);
      }),
    );
  },
};
