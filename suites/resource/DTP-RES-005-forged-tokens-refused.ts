/**
 * DTP-RES-005 (MUST, RFC 6750 §3, §3.1):
 * "A protected resource MUST NOT serve a request with a malformed, unknown, wrongly signed
 * or revoked access token, and MUST answer it with a `WWW-Authenticate` challenge
 * (`Bearer`, or `DPoP` for a DPoP-bound token)."
 *
 * DTP-RES-006 (MUST, RFC 8725 §2.1, §3.1; RFC 9068 §4):
 * "An access token whose header `alg` is `none`, or that is signed with HMAC using the
 * server's public key as secret (`HS256`), MUST be refused as an invalid token
 * (DTP-RES-005)."
 *
 * DTP-RES-007 (MUST, RFC 9068 §4; RFC 8725 §3.8, §3.11):
 * "A JWT access token whose `iss` is not the issuer, or whose header `typ` is neither
 * `at+jwt` nor `application/at+jwt`, MUST be refused as an invalid token (DTP-RES-005) even
 * when its signature verifies."
 *
 * DTP-RES-010 (MUST, RFC 9457 §3; DTP):
 * "The body of every 401 and 403 answer of a protected resource that carries a Bearer or
 * DPoP challenge MUST be an `application/problem+json` document."
 *
 * DTP-RES-058 (MUST, DTP; RFC 6750 §3.1):
 * "A DTP protected resource MUST answer every request whose access token it refuses
 * (malformed, unknown, forged, expired, revoked, or presented with the wrong scheme) 401
 * with `error="invalid_token"` in its challenge, unless another requirement names another
 * error."
 *
 * DTP-RES-059 (MUST, DTP; RFC 9068 §4; RFC 8725 §3.9):
 * "A DTP protected resource MUST also refuse an access token whose `aud` is not the issuer
 * or whose header `typ` is not exactly `at+jwt`, even when its signature verifies."
 *
 * DTP-RES-057 (SHOULD, RFC 6750 §3, §3.1):
 * "The answer to a request whose access token failed authentication SHOULD be 401, and its
 * challenge SHOULD carry `error="invalid_token"`."
 *
 * With:
 * DTP-RES-006 (MUST, RFC 8725 §2.1, §3.1): "An access token whose header `alg` is `none`, or
 * that is signed with HMAC using the server's public key as secret (`HS256`), MUST be
 * answered 401 `invalid_token`."
 * DTP-RES-007 (MUST, RFC 9068 §4; RFC 8725 §3.8, §3.9, §3.11): "An access token whose `iss`
 * or `aud` is not the issuer, or whose header `typ` is not `at+jwt`, MUST be answered 401
 * `invalid_token` even when its signature verifies." — a black-box client cannot make the
 * server's signature verify over changed claims, so here the changed tokens carry the
 * original signature or one by another key: the check shows they are refused, not that
 * the claim checks exist behind a valid signature.
 * DTP-RES-010 (MUST): the 401 bodies are `application/problem+json`.
 *
 * Property: mutations of a genuine access token of a new device — one flipped bit in any
 * part, random b64token strings, alg `none` (any case), HS256 keyed with the server's
 * public key (PEM, DER, JWK JSON, raw point), changed claims or `typ` with the original
 * signature, an ES256 signature by another key (with the server's `kid`, or with the
 * attacker's key in a `jwk` / `jku` header); each fixed forgery is an explicit example, run
 * every time. Plus one revoked access token.
 *
 * What RFC 6750 requires of any resource is a refusal with a Bearer challenge (DTP-RES-005);
 * the 401 and `error="invalid_token"` are a SHOULD there (DTP-RES-057, a WARN, judged after
 * the MUSTs) and DTP's MUST (DTP-RES-058) at a DTP target, as is an `aud` other than the issuer (DTP-RES-059;
 * RFC 9068 §4 lets a resource accept its own audience).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { describe, expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  fetchJwks,
  generateDeviceKey,
  issuerOf,
  meOk,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { decodeJwsJson } from "../../src/protocol/jws.ts";
import { type Forgery, tokenForgeries } from "../../src/protocol/token-forgeries.ts";
import { expectChallengeProblem } from "./_helpers.ts";

const ID = "DTP-RES-005";
const INVALID_TOKEN = "DTP-RES-057";

/**
 * The requirement a forgery violates: alg none / HMAC (006), iss, typ (007), aud (DTP's 059
 * at a DTP target), else 005.
 */
function requirementOf(f: Forgery, dtp: boolean): string {
  if (f.kind === "alg-none" || f.kind === "hmac") return "DTP-RES-006";
  if (f.kind === "typ" || (f.kind === "claim" && f.claim === "iss")) return "DTP-RES-007";
  if (f.kind === "claim" && f.claim === "aud" && dtp) return "DTP-RES-059";
  return ID;
}

/**
 * Not served, with a Bearer challenge (DTP-RES-005 and `requirement`); at a DTP target
 * exactly 401 `invalid_token` (DTP-RES-058; RFC 6750 §3.1 says SHOULD, DTP-RES-057).
 */
function expectRefused(res: HttpResponse, requirement: string, what: string, dtp: boolean) {
  if (res.status >= 200 && res.status < 300) {
    fail(requirement, `a refusal with a challenge for ${what}`, describe(res), res);
  }
  expectWwwAuthenticate(res, { scheme: "Bearer", status: res.status }, requirement);
  if (dtp) expectWwwAuthenticate(res, { scheme: "Bearer", error: "invalid_token" }, "DTP-RES-058");
  else
    expectWwwAuthenticate(
      res,
      { scheme: "Bearer", error: "invalid_token", status: 401 },
      INVALID_TOKEN,
    );
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-RES-006",
      "DTP-RES-007",
      "DTP-RES-010",
      "DTP-RES-058",
      "DTP-RES-059",
      INVALID_TOKEN,
    ],
    level: "MUST",
    area: "resource",
    title:
      "Malformed, unknown, forged (alg none, HS256 with the public key, other key, changed claims) and revoked tokens: 401 invalid_token",
    specRef: "RFC 6750 §3.1; RFC 8725 §2.1, §3.1; RFC 9068 §4",
    requires: ["resource", "revocation", "refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    const { device, tokens } = await approvedDevice(ctx, { label: "forge" });
    const first = withRefreshToken(tokens.tokens);
    const genuine = first.accessToken;
    const header = decodeJwsJson(genuine.split(".")[0] ?? "");
    await meOk(ctx, first, { requirement: ID, label: "GET /me with the genuine token" });

    // The server's public signing key, as HMAC secrets in every usual encoding.
    const jwks = await fetchJwks(ctx);
    const keys = jwks.keys as import("node:crypto").JsonWebKey[];
    const serverKey = keys.find((k) => k.kid === header?.kid) ?? keys[0];
    if (!serverKey)
      ctx.note("the JWKS has no key: the HS256-with-public-key forgeries were not sent");
    const forgeries = tokenForgeries({
      genuine,
      serverKey,
      attacker: await generateDeviceKey("ec-p256"),
      issuer: issuerOf(ctx.target),
    });
    if (!forgeries) {
      return ctx.skip(
        "the target's access tokens are not JWTs: the forgeries need a JWT to start from",
      );
    }

    // A revoked access token (a second one of the family, so the genuine one stays usable).
    await ctx.case("a revoked access token", async () => {
      const second = withRefreshToken(await device.refreshed(first));
      expectStatus(await device.revoke(second.accessToken, "access_token"), 200, "DTP-REV-001");
      const revoked = await callResource(ctx, second, undefined, "GET /me with a revoked token");
      expectRefused(revoked, ID, "a revoked token", dtp);
      if (dtp) expectChallengeProblem(revoked);
    });
    const refused = async (f: Forgery) => {
      const res = await callResource(
        ctx,
        { accessToken: f.token, tokenType: "Bearer" },
        undefined,
        `GET /me with ${f.what}`,
      );
      expectRefused(res, requirementOf(f, dtp), `a token with ${f.what}`, dtp);
      if (dtp) expectChallengeProblem(res);
    };
    // Every fixed forgery (and a bit flip per part) is a case, run every time: a rare one
    // (alg none in one case, HS256 with one encoding of the key) is never left to chance.
    for (const f of forgeries.fixed) await ctx.case(f.what, () => refused(f));
    await ctx.property("forgeries and unknown tokens", fc.asyncProperty(forgeries.arb, refused));
  },
};
