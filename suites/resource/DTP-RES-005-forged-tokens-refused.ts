/**
 * DTP-RES-005 (MUST, RFC 6750 §3.1):
 * "A malformed, unknown, wrongly signed or revoked access token MUST be answered 401 with
 * `WWW-Authenticate` `error="invalid_token"`."
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
 */
import { createPublicKey, type JsonWebKey } from "node:crypto";
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import {
  endpoint,
  issuerOf,
  newDeviceKey,
  peekJwt,
  revoke,
} from "../../src/client/legacy/index.ts";
import {
  decodeJwsJson,
  encodeCompactJws,
  flipJwsBit,
  hmacSigner,
  keySigner,
  noneSigner,
} from "../../src/protocol/index.ts";
import {
  deviceWithRefresh,
  expectAccepted,
  expectRejected,
  refreshOk,
} from "../refresh/_helpers.ts";
import { expectChallengeProblem } from "./_helpers.ts";

const ID = "DTP-RES-005";

interface Forgery {
  requirement: string;
  what: string;
  token: string;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-006", "DTP-RES-007", "DTP-RES-010"],
    level: "MUST",
    area: "resource",
    title:
      "Malformed, unknown, forged (alg none, HS256 with the public key, other key, changed claims) and revoked tokens: 401 invalid_token",
    specRef: "RFC 6750 §3.1; RFC 8725 §2.1, §3.1; RFC 9068 §4",
    requires: ["resource", "revocation", "refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const dev = await deviceWithRefresh(ctx, ID, "forge");
    const genuine = dev.tokens.accessToken;
    const [h, p] = genuine.split(".");
    const decodedHeader = decodeJwsJson(h ?? "");
    const decodedClaims = peekJwt(genuine);
    if (!decodedHeader || !decodedClaims) {
      return ctx.skip(
        "the target's access tokens are not JWTs: the forgeries need a JWT to start from",
      );
    }
    const header = decodedHeader;
    const claims = decodedClaims;
    await expectAccepted(ctx, dev.tokens, ID, undefined, "GET /me with the genuine token");

    // A revoked access token (a second one of the family, so the genuine one stays usable).
    const second = await refreshOk(ctx, dev, dev.tokens.refreshToken, "DTP-REF-001");
    expectStatus(await revoke(ctx, dev, second.accessToken, "access_token"), 200, "DTP-REV-001");
    const revoked = await expectRejected(
      ctx,
      second,
      ID,
      undefined,
      "GET /me with a revoked token",
    );
    expectChallengeProblem(revoked);

    // The server's public signing keys, as HMAC secrets in every usual encoding.
    const jwksRes = await ctx.http.request({
      method: "GET",
      url: endpoint(ctx.target, "jwks_uri"),
      label: "GET jwks_uri",
    });
    const keys = (expectJson(jwksRes, ID).keys ?? []) as JsonWebKey[];
    const serverKey = keys.find((k) => k.kid === header.kid) ?? keys[0];
    const secrets: [string, Uint8Array | string][] = [];
    if (serverKey) {
      const pub = createPublicKey({ key: serverKey, format: "jwk" });
      secrets.push(
        ["PEM", pub.export({ type: "spki", format: "pem" }) as string],
        ["DER", pub.export({ type: "spki", format: "der" })],
        ["JWK JSON", JSON.stringify(serverKey)],
      );
      if (serverKey.x && serverKey.y) {
        const point = Buffer.concat([
          Buffer.from([4]),
          Buffer.from(serverKey.x, "base64url"),
          Buffer.from(serverKey.y, "base64url"),
        ]);
        secrets.push(["raw EC point", point]);
      }
    } else ctx.note("the JWKS has no key: the HS256-with-public-key forgeries were not sent");
    const attacker = await newDeviceKey("ec-p256");
    const issuer = issuerOf(ctx.target);

    const flip = (part: "header" | "payload" | "signature", bit: number): Forgery => ({
      requirement: ID,
      what: `one bit flipped in the ${part}`,
      token: flipJwsBit(genuine, part, bit),
    });
    const unsigned = ["none", "None", "NONE"].map(
      (alg): Forgery => ({
        requirement: "DTP-RES-006",
        what: `alg "${alg}" without a signature`,
        token: encodeCompactJws({ ...header, alg }, claims, noneSigner),
      }),
    );
    const hmac = secrets.map(
      ([name, secret]): Forgery => ({
        requirement: "DTP-RES-006",
        what: `HS256 keyed with the server's public key (${name})`,
        token: encodeCompactJws({ ...header, alg: "HS256" }, claims, hmacSigner(secret)),
      }),
    );
    const changedClaims = (
      [
        ["iss", { iss: `${issuer}/other` }],
        ["iss", { iss: "https://attacker.example" }],
        ["aud", { aud: "https://attacker.example" }],
        ["aud", { aud: [issuer, "https://attacker.example"] }],
        ["exp", { exp: Number(claims.exp) + 3600 }],
        ["sub", { sub: "someone-else" }],
        ["scope", { scope: "me login tokens service" }],
        ["dtp_kind", { dtp_kind: "service" }],
      ] as [string, Record<string, unknown>][]
    ).map(
      ([name, change]): Forgery => ({
        requirement: name === "iss" || name === "aud" ? "DTP-RES-007" : ID,
        what: `"${name}" changed, original signature kept`,
        token: `${h}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString("base64url")}.${genuine.split(".")[2]}`,
      }),
    );
    const changedTyp = ["JWT", "dpop+jwt", "jwt", undefined].map(
      (typ): Forgery => ({
        requirement: "DTP-RES-007",
        what: `header typ ${JSON.stringify(typ) ?? "absent"}, original signature kept`,
        token: `${Buffer.from(JSON.stringify({ ...header, typ })).toString("base64url")}.${p}.${genuine.split(".")[2]}`,
      }),
    );
    const otherKey = (
      [
        ["the server's kid", { kid: header.kid }],
        ["the attacker's key in a jwk header", { kid: undefined, jwk: attacker.jwk }],
        ["a jku header", { jku: "https://attacker.example/jwks" }],
      ] as [string, Record<string, unknown>][]
    ).map(
      ([name, extra]): Forgery => ({
        requirement: ID,
        what: `signed by another ES256 key (${name})`,
        token: encodeCompactJws(
          { ...header, alg: "ES256", ...extra },
          claims,
          keySigner(attacker.privateKey, "ES256"),
        ),
      }),
    );
    const forgery: fc.Arbitrary<Forgery> = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("header" as const, "payload" as const, "signature" as const),
          fc.nat(),
        )
        .map(([part, bit]) => flip(part, bit)),
      fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,120}=*$/).map((token) => ({
        requirement: ID,
        what: "an unknown b64token",
        token,
      })),
      fc.constantFrom(...unsigned),
      ...(hmac.length > 0 ? [fc.constantFrom(...hmac)] : []),
      fc.constantFrom(...changedClaims),
      fc.constantFrom(...changedTyp),
      fc.constantFrom(...otherKey),
    );
    // Every fixed forgery (and a bit flip per part) runs first, then the random ones: a rare
    // one (alg none in one case, HS256 with one encoding of the key) is never left to chance.
    const examples: [Forgery][] = [
      ...(["header", "payload", "signature"] as const).map((part) => flip(part, 13)),
      ...unsigned,
      ...hmac,
      ...changedClaims,
      ...changedTyp,
      ...otherKey,
    ].map((f): [Forgery] => [f]);
    await fc.assert(
      fc.asyncProperty(forgery, async (f) => {
        const res = await ctx.http.request({
          method: "GET",
          url: endpoint(ctx.target, "dtp_resource_endpoint"),
          headers: { authorization: `Bearer ${f.token}` },
          label: `GET /me with ${f.what}`,
        });
        if (res.status === 200) {
          fail(
            f.requirement,
            `401 invalid_token for a token with ${f.what}`,
            "200 (accepted)",
            res,
          );
        }
        expectWwwAuthenticate(res, { scheme: "Bearer", error: "invalid_token" }, f.requirement);
        expectChallengeProblem(res);
      }),
      { ...ctx.fc, numRuns: examples.length + ctx.fc.numRuns, examples },
    );
  },
};
