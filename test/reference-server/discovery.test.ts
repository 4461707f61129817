import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { type Res, send, start } from "./helpers.ts";

let s: RunningServer;
let meta: Res;
beforeAll(async () => {
  s = await start({ refreshReuseGrace: 2, policies: { allowUnauthenticatedRequests: true } });
  meta = await send(`${s.url}/.well-known/oauth-authorization-server`);
});
afterAll(() => s.close());

describe("getMetadata", () => {
  it("answers RFC 8414 metadata with every DTP extension", () => {
    expect(meta.status).toBe(200);
    expect(meta.headers.get("content-type")).toMatch(/^application\/json/);
    const m = meta.body;
    expect(m.issuer).toBe(s.url);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const [field, path] of Object.entries({
      token_endpoint: "/token",
      device_authorization_endpoint: "/register",
      revocation_endpoint: "/revoke",
      introspection_endpoint: "/introspect",
      jwks_uri: "/jwks",
      dtp_login_endpoint: "/login",
      dtp_personal_tokens_endpoint: "/personal-tokens",
      dtp_resource_endpoint: "/me",
      dtp_admin_endpoint: "/admin",
    }))
      expect(m[field]).toBe(s.url + path);
    expect(m.grant_types_supported).toEqual(
      expect.arrayContaining([
        "urn:ietf:params:oauth:grant-type:device_code",
        "refresh_token",
        "client_credentials",
      ]),
    );
    expect(m.response_types_supported).toEqual(["device_code"]);
    expect(m.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post", "private_key_jwt"]),
    );
    expect(m.token_endpoint_auth_signing_alg_values_supported).toEqual(["ES256"]);
    expect(m.revocation_endpoint_auth_methods_supported).toContain("client_secret_basic");
    expect(m.introspection_endpoint_auth_methods_supported).toContain("client_secret_basic");
    expect(m.dpop_signing_alg_values_supported).toEqual(["ES256", "EdDSA", "RS256", "PS256"]);
    expect(m.scopes_supported).toEqual(
      expect.arrayContaining(["me", "login", "tokens", "service"]),
    );
    expect(m.dtp_version).toBe("2.0");
    expect(m.dtp_client_types_supported).toHaveLength(5);
    expect(m.dtp_key_types_supported).toEqual(["rsa", "x509", "ed25519"]);
    expect(m.dtp_http_signature_algs_supported).toEqual(
      expect.arrayContaining(["ed25519", "rsa-pss-sha512", "rsa-v1_5-sha256", "ecdsa-p256-sha256"]),
    );
  });

  it("advertises the lifetimes and policies in effect", () => {
    const m = meta.body;
    expect(m.dtp_policies).toEqual({
      allow_untrusted_endpoints: false,
      allow_unauthenticated_requests: true,
    });
    expect(m.dtp_lifetimes).toEqual({
      access_token: 4,
      refresh_token: 30,
      device_code: 15,
      interval: 1,
      personal_token_max: 3600,
      dpop_proof_max_age: 300,
      assertion_max_lifetime: 300,
      signature_max_age: 300,
    });
    expect(m.dtp_refresh_token_reuse_grace_period).toBe(2);
    expect(m.dtp_clock_skew).toBe(5);
    expect(m.dtp_dpop_nonce_required).toBe(true);
  });
});

describe("getJwks", () => {
  it("publishes the public ES256 signing key only", async () => {
    const r = await send(`${s.url}/jwks`);
    expect(r.status).toBe(200);
    expect(r.body.keys).toHaveLength(1);
    const [k] = r.body.keys;
    expect(k).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(typeof k.kid).toBe("string");
    for (const secret of ["d", "p", "q", "dp", "dq", "qi", "k"])
      expect(k).not.toHaveProperty(secret);
  });
});

describe("getVerificationPage", () => {
  it("serves an HTML page, with or without a (escaped) user code", async () => {
    const plain = await send(`${s.url}/device`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/^text\/html/);
    const withCode = await send(`${s.url}/device?user_code=BCDF-GHJK`);
    expect(withCode.text).toContain("BCDF-GHJK");
    const hostile = await send(`${s.url}/device?user_code=${encodeURIComponent("<b>x")}`);
    expect(hostile.status).toBe(200);
    expect(hostile.text).not.toContain("<b>x");
  });

  it("rejects an over-long user_code with a problem", async () => {
    const r = await send(`${s.url}/device?user_code=${"B".repeat(40)}`);
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("routing", () => {
  it("answers 404 and 405 problems", async () => {
    const nf = await send(`${s.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.body.type).toBe("https://dtp.dev/problems/not-found");
    const na = await send(`${s.url}/token`);
    expect(na.status).toBe(405);
    expect(na.headers.get("allow")).toBe("POST");
  });
});
