import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AccessTokenClaims,
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  publicJwks,
  signAccessToken,
  verifyAccessToken,
} from "../../src/protocol/access-token.ts";
import {
  encodeCompactJws,
  flipJwsBit,
  hmacSigner,
  keySigner,
  noneSigner,
} from "../../src/protocol/jws.ts";

const NOW = 1_800_000_000;
const ISSUER = "https://dtp.example";
const key = createSigningKey();
const claims: AccessTokenClaims = {
  iss: ISSUER,
  sub: "printer-1",
  aud: ISSUER,
  client_id: "printer-1",
  iat: NOW,
  exp: NOW + 3600,
  jti: "t-1",
  scope: "me login",
  dtp_kind: "device",
  cnf: { jkt: "abc" },
};
const verify = (
  token: string,
  o: { now?: number; keys?: Parameters<typeof verifyAccessToken>[1]["keys"] } = {},
) => verifyAccessToken(token, { keys: o.keys ?? [key], issuer: ISSUER, now: o.now ?? NOW });

describe("access tokens (RFC 9068)", () => {
  it("round trip with keys, with a JWKS and after export/import", async () => {
    const token = signAccessToken(key, claims);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: key.kid });
    expect(await verify(token)).toEqual({ ok: true, claims });
    expect((await verify(token, { keys: publicJwks([createSigningKey(), key]) })).ok).toBe(true);
    expect((await verify(token, { keys: [importSigningKey(exportSigningKey(key))] })).ok).toBe(
      true,
    );
    expect(publicJwks([key]).keys[0]).not.toHaveProperty("d");
  });

  it("rejects expiry, wrong issuer/audience, other keys", async () => {
    const token = signAccessToken(key, claims);
    expect((await verify(token, { now: NOW + 3600 })).ok).toBe(false);
    expect((await verify(token, { keys: [createSigningKey()] })).ok).toBe(false);
    expect(
      (await verify(signAccessToken(key, { ...claims, iss: "https://evil.example" }))).ok,
    ).toBe(false);
    expect((await verify(signAccessToken(key, { ...claims, aud: "https://rs.example" }))).ok).toBe(
      false,
    );
    const { client_id: _c, ...noClient } = claims;
    expect((await verify(signAccessToken(key, noClient as AccessTokenClaims))).ok).toBe(false);
  });

  it("rejects another typ, alg none, HS256 and non-ES256 algs", async () => {
    const header = { typ: "at+jwt", kid: key.kid };
    const secret = JSON.stringify(key.publicJwk);
    for (const token of [
      encodeCompactJws({ ...header, typ: "JWT" }, claims, keySigner(key.privateKey, "ES256")),
      encodeCompactJws({ ...header, typ: undefined }, claims, keySigner(key.privateKey, "ES256")),
      encodeCompactJws({ ...header, typ: "dpop+jwt" }, claims, keySigner(key.privateKey, "ES256")),
      encodeCompactJws(header, claims, noneSigner),
      encodeCompactJws(header, claims, hmacSigner(secret)),
    ]) {
      expect((await verify(token)).ok, token).toBe(false);
    }
  });

  it("flipped bits are rejected (property)", async () => {
    const token = signAccessToken(key, claims);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("header", "payload", "signature") as fc.Arbitrary<
          "header" | "payload" | "signature"
        >,
        fc.nat(),
        async (part, bit) => {
          expect((await verify(flipJwsBit(token, part, bit))).ok).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});
