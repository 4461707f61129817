/**
 * DTP-SVC-004 (MUST, RFC 8725 §2.1, §3.1; LoginID "API Service Tokens"):
 * "A client assertion whose header `alg` is `none`, that is signed with HMAC using the
 * client's public key as secret (`HS256`), or whose `alg` is not one of
 * `token_endpoint_auth_signing_alg_values_supported` MUST be rejected with OAuth error
 * `invalid_client`."
 *
 * DTP-SVC-050 (MUST, DTP; LoginID "API Service Tokens"):
 * "A DTP server MUST accept only `ES256` client assertions: an assertion with any other
 * `alg` (`RS256` included) MUST be rejected with 401 `invalid_client`."
 *
 * One approved `server` device (EC P-256, x509). Property: an otherwise valid assertion
 * (fresh `jti`, right claims) that is unsigned (`none` in any case), HMAC-signed with the
 * device's public key material as the secret (SPKI DER, PEM, the registered certificate,
 * its base64, the JWK), signed with RS256 / PS256 (an RSA key), ES384 (a P-384 key) or
 * EdDSA, or correctly ES256-signed by the device key but declaring another `alg` (or none
 * at all) → 401 `invalid_client`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendAssertion } from "../../src/client/index.ts";
import { serviceClient } from "../../src/client/kit/index.ts";
import {
  generateDeviceKey,
  hmacSigner,
  type JwsSigner,
  keySigner,
  noneSigner,
} from "../../src/protocol/index.ts";
import { ecSigner, expectInvalidClient, p384Key, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-004";
/** DTP accepts ES256 only: an assertion signed by another key type is refused by DTP-SVC-050. */
const ES256_ONLY = "DTP-SVC-050";
const OTHER_KEY_ALGS = new Set(["RS256", "PS256", "ES384", "EdDSA"]);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ES256_ONLY],
    level: "MUST",
    area: "signing",
    title:
      "A client assertion not signed ES256 (none, HS256 with the public key, RS256, ES384, EdDSA, alg lies) → 401 invalid_client",
    specRef: 'RFC 8725 §2.1, §3.1; LoginID "API Service Tokens"',
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const client = await serviceClient(ctx, { label: "svc004" });
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, client.assertion(), {
        label: "control: valid assertion",
      }),
    );
    const rsa = await generateDeviceKey("rsa");
    const ed = await generateDeviceKey("ed25519");
    const p384 = p384Key();
    const pub = client.key.publicKey;
    const registered =
      client.publicKey ?? pub.export({ format: "der", type: "spki" }).toString("base64");
    const secrets: Record<string, Uint8Array | string> = {
      "SPKI DER": pub.export({ format: "der", type: "spki" }),
      PEM: pub.export({ format: "pem", type: "spki" }).toString(),
      "certificate DER": Buffer.from(registered, "base64"),
      "public_key (base64)": registered,
      "JWK JSON": JSON.stringify(client.key.jwk),
    };
    const signers: Record<string, JwsSigner> = {
      none: noneSigner,
      RS256: keySigner(rsa.privateKey, "RS256"),
      PS256: keySigner(rsa.privateKey, "PS256"),
      ES384: ecSigner("ES384", p384),
      EdDSA: keySigner(ed.privateKey, "EdDSA"),
    };

    type Attack =
      | { kind: "signer"; name: string; alg: string }
      | { kind: "hmac"; alg: "HS256" | "HS384" | "HS512"; secret: string }
      | { kind: "alg-lie"; alg: string | null };
    const signed: Attack[] = [
      { kind: "signer", name: "none", alg: "none" },
      { kind: "signer", name: "none", alg: "None" },
      { kind: "signer", name: "none", alg: "NONE" },
      { kind: "signer", name: "RS256", alg: "RS256" },
      { kind: "signer", name: "PS256", alg: "PS256" },
      { kind: "signer", name: "ES384", alg: "ES384" },
      { kind: "signer", name: "EdDSA", alg: "EdDSA" },
    ];
    const lies = [
      "ES384",
      "ES512",
      "RS256",
      "PS256",
      "EdDSA",
      "HS256",
      "es256",
      "ES256K",
      "ES256 ",
      "",
      null,
    ];
    // Every unsigned / other-key attack, HS256 with each secret, and every alg lie first.
    const examples: [Attack, boolean][] = [
      ...signed,
      ...Object.keys(secrets).map((secret): Attack => ({ kind: "hmac", alg: "HS256", secret })),
      ...lies.map((alg): Attack => ({ kind: "alg-lie", alg })),
    ].map((a) => [a, false]);
    const attack: fc.Arbitrary<Attack> = fc.oneof(
      fc.constantFrom(...signed),
      fc.record({
        kind: fc.constant("hmac" as const),
        alg: fc.constantFrom("HS256" as const, "HS384" as const, "HS512" as const),
        secret: fc.constantFrom(...Object.keys(secrets)),
      }),
      fc.record({
        kind: fc.constant("alg-lie" as const),
        alg: fc.constantFrom(...lies),
      }),
    );

    await fc.assert(
      fc.asyncProperty(attack, fc.boolean(), async (a, withClientId) => {
        let assertion: string;
        let what: string;
        if (a.kind === "signer") {
          assertion = client.assertion({
            signer: signers[a.name]!,
            alg: a.alg,
          });
          what = `alg ${a.alg}`;
        } else if (a.kind === "hmac") {
          assertion = client.assertion({
            signer: hmacSigner(secrets[a.secret]!, a.alg),
            alg: a.alg,
          });
          what = `${a.alg} keyed with the device's ${a.secret}`;
        } else {
          // ES256 signature by the right key, another alg declared (null: no alg member).
          assertion = client.assertion({
            overrides: { header: { alg: a.alg === null ? undefined : a.alg } },
          });
          what =
            a.alg === null
              ? "ES256-signed, no alg header"
              : `ES256-signed, alg ${JSON.stringify(a.alg)}`;
        }
        const res = await sendAssertion(ctx, assertion, {
          ...(withClientId ? { clientId: client.clientId } : {}),
          label: `service token: ${what}`,
        });
        // Signed by another key type: on a DTP target the ES256-only rule (DTP-SVC-050) names
        // it; on any other server the key is not the client's, so the RFC rule does.
        const other =
          ctx.target.features.has("dtp") && a.kind === "signer" && OTHER_KEY_ALGS.has(a.alg);
        expectInvalidClient(res, other ? ES256_ONLY : ID);
      }),
      { ...ctx.fc, examples },
    );
  },
};
