/**
 * DTP-DISC-014 (MUST, RFC 8414 §2; RFC 7517 §5):
 * "When the metadata has a `jwks_uri`, `GET` on it MUST answer a JWK Set (a JSON object
 * whose `keys` member is an array of JWKs) holding the keys that verify the server's
 * signatures; when the set holds both signing and encryption keys, every key MUST carry
 * `use`."
 *
 * DTP-DISC-055 (MUST, DTP; RFC 9068 §4):
 * "A DTP server's JWK Set MUST be answered 200 with `Content-Type: application/json` and
 * MUST contain every key that signs current access tokens, each an EC P-256 key with a
 * unique `kid`, `alg` `ES256` and `use` `sig`."
 *
 * "Every key that signs current access tokens": when approval is configured, a fresh device
 * token is obtained and its signature must verify with the JWK Set's key of its `kid`.
 */
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { endpointOf, getJwks } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { show } from "./metadata.ts";

const ID = "DTP-DISC-014";
/** DTP: application/json, EC P-256 keys with unique kid, ES256, sig, the token key inside. */
const DTP_JWKS = "DTP-DISC-055";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, DTP_JWKS],
    level: "MUST",
    area: "discovery",
    title: "The JWK Set holds the access-token signing keys: EC P-256, unique kid, ES256, sig",
    specRef: "RFC 7517 §5; RFC 8414 §2; RFC 9068 §4",
    requires: ["dtp"],
  },
  async run(ctx) {
    if (endpointOf(ctx.target, "jwks_uri") === undefined) {
      ctx.notClaimed("the target metadata has no jwks_uri");
    }
    const res = await getJwks(ctx);
    expectStatus(res, 200, ID);
    const body = expectJson(res, ID);
    expectJson(res, DTP_JWKS, "application/json");
    if (!Array.isArray(body.keys) || body.keys.length === 0) {
      fail(
        ID,
        'a JWK Set {"keys": [...]} with at least one key',
        `"keys": ${show(body.keys)}`,
        res,
      );
    }
    const keys = body.keys as unknown[];
    const kids = new Set<string>();
    keys.forEach((k, i) => {
      const want = `keys[${i}]: {"kty": "EC", "crv": "P-256", "x", "y", "kid" (unique), "alg": "ES256", "use": "sig"}`;
      if (typeof k !== "object" || k === null || Array.isArray(k))
        fail(ID, "a JWK object", show(k), res);
      const jwk = k as Record<string, unknown>;
      const ok =
        jwk.kty === "EC" &&
        jwk.crv === "P-256" &&
        typeof jwk.x === "string" &&
        typeof jwk.y === "string" &&
        typeof jwk.kid === "string" &&
        jwk.kid !== "" &&
        jwk.alg === "ES256" &&
        jwk.use === "sig";
      if (!ok) fail(DTP_JWKS, want, show(publicView(jwk)), res);
      if (kids.has(jwk.kid as string)) {
        fail(DTP_JWKS, "a unique kid for every key", `kid ${show(jwk.kid)} appears twice`, res);
      }
      kids.add(jwk.kid as string);
    });

    const f = ctx.target.features;
    if (!f.has("device_code") || !f.has("admin") || !f.has("api_key")) {
      ctx.skip(
        "the JWK Set is well-formed; checking that it holds the key of a current access token needs a device token: configure approval",
      );
    }
    const { tokens } = await approvedDevice(ctx, { label: "jwks" });
    const token = tokens.accessToken;
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      fail(
        ID,
        "an access token that is a JWS (RFC 9068)",
        "the access token is not a JWS",
        tokens.tokens.res,
      );
    }
    const candidates = (keys as JWK[]).filter((k) => kid === undefined || k.kid === kid);
    if (candidates.length === 0) {
      fail(
        ID,
        "the JWK Set to contain the key that signed a current access token",
        `the access token's kid ${show(kid)} is not in the JWK Set`,
        [tokens.tokens.res, res],
      );
    }
    for (const jwk of candidates) {
      try {
        await compactVerify(token, await importJWK(jwk, "ES256"), { algorithms: ["ES256"] });
        return;
      } catch {
        // try the next candidate
      }
    }
    fail(
      ID,
      "the JWK Set to contain the key that signed a current access token",
      `the access token (kid ${show(kid)}) does not verify with ${kid === undefined ? "any key" : "the key of that kid"} in the JWK Set`,
      [tokens.tokens.res, res],
    );
  },
};

/** The key without private members (they are reported by DTP-DISC-015, not echoed here). */
function publicView(jwk: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(jwk)) {
    out[k] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"].includes(k) ? "…" : v;
  }
  return out;
}
