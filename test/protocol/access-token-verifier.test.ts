/**
 * The server's synchronous verifier (`accessTokenVerifier`, node:crypto) and its cache of
 * verified tokens are held to the verdicts of `verifyAccessToken` (jose) on tokens signed
 * with the real key and arbitrary headers and claims, and on mutated ones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cachingVerifier } from "../../reference-server/tokens/verified-tokens.ts";
import {
  type AccessTokenClaims,
  accessTokenVerifier,
  createSigningKey,
  signAccessToken,
  verifyAccessToken,
} from "../../src/protocol/access-token.ts";
import { decodeJwsJson, encodeCompactJws, flipJwsBit, keySigner } from "../../src/protocol/jws.ts";

const NOW = 1_800_000_000;
const ISSUER = "https://dtp.example";
const key = createSigningKey();
const other = createSigningKey();
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
};
const fast = accessTokenVerifier([key], { issuer: ISSUER });
const reference = (token: string, now: number) =>
  verifyAccessToken(token, { keys: [key], issuer: ISSUER, now });

/**
 * Same verdict, and the same claims when both accept; except that the fast verifier refuses
 * every `crit` header (jose accepts `crit: ["b64"]` with `b64: true`; DTP issues no `crit`).
 */
async function agree(token: string, now = NOW): Promise<void> {
  const a = fast(token, now);
  const b = await reference(token, now);
  const expected = b.ok && decodeJwsJson(token.split(".")[0]!)?.crit === undefined;
  expect(a.ok, `${token}\nfast: ${JSON.stringify(a)}\njose: ${JSON.stringify(b)}`).toBe(expected);
  if (a.ok && b.ok) expect(a.claims).toEqual(b.claims);
}

const value = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.constant(ISSUER),
  fc.constant([ISSUER, "x"]),
  fc.constant(NOW - 10),
  fc.constant(NOW + 10),
);
const claimName = fc.constantFrom(
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "client_id",
  "scope",
  "extra",
);
const headerName = fc.constantFrom("alg", "typ", "kid", "crit", "b64", "jwk", "x");
const headerValue = fc.oneof(
  value,
  fc.constantFrom("ES256", "at+jwt", "AT+JWT", "application/at+jwt", "JWT", key.kid, other.kid),
  fc.constant(["b64"]),
);

describe("accessTokenVerifier (node:crypto) gives jose's verdicts", () => {
  it("on the server's own tokens, their expiry and other keys' tokens", async () => {
    const token = signAccessToken(key, claims);
    expect(fast(token, NOW)).toEqual({ ok: true, claims });
    await agree(token);
    await agree(token, NOW + 3599);
    await agree(token, NOW + 3600);
    expect(fast(token, NOW + 3600)).toMatchObject({ ok: false, reason: /exp/ });
    await agree(signAccessToken(other, claims));
    await agree(encodeCompactJws({ typ: "at+jwt" }, claims, keySigner(key.privateKey, "ES256")));
  });

  it("on signed tokens with arbitrary headers and claims (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
        fc.dictionary(claimName, value, { maxKeys: 4 }),
        fc.array(claimName, { maxLength: 2 }),
        fc.integer({ min: -20, max: 20 }),
        async (header, changes, dropped, dt) => {
          const payload: Record<string, unknown> = { ...claims, ...changes };
          for (const d of dropped) delete payload[d];
          const h = { typ: "at+jwt", kid: key.kid, ...header };
          // alg from the signer unless the header sets one.
          await agree(encodeCompactJws(h, payload, keySigner(key.privateKey, "ES256")), NOW + dt);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on flipped bits and cut tokens (property)", async () => {
    const token = signAccessToken(key, claims);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("header", "payload", "signature") as fc.Arbitrary<
          "header" | "payload" | "signature"
        >,
        fc.nat(),
        async (part, bit) => {
          const mutated = flipJwsBit(token, part, bit);
          expect(fast(mutated, NOW).ok).toBe(false);
          await agree(mutated);
        },
      ),
      { numRuns: 100 },
    );
    for (const cut of [token.slice(0, -1), `${token}.x`, token.split(".").slice(0, 2).join(".")])
      expect(fast(cut, NOW).ok).toBe(false);
  });

  it("is stricter in two ways: canonical base64url parts, no crit", async () => {
    const crit = encodeCompactJws(
      { typ: "at+jwt", kid: key.kid, crit: ["b64"], b64: true },
      claims,
      keySigner(key.privateKey, "ES256"),
    );
    expect((await reference(crit, NOW)).ok).toBe(true);
    expect(fast(crit, NOW).ok).toBe(false);
    const token = signAccessToken(key, claims);
    const [h, p, s] = token.split(".") as [string, string, string];
    // The last character of a 64-byte signature carries 4 unused bits.
    const last = s.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(`${s.slice(0, -1)}${sibling}`, "base64url")).toEqual(
      Buffer.from(s, "base64url"),
    );
    expect(fast(`${h}.${p}.${s.slice(0, -1)}${sibling}`, NOW).ok).toBe(false);
    expect(fast(`${h}.${p}.${s}=`, NOW).ok).toBe(false);
  });
});

describe("the cache of verified tokens", () => {
  it("skips the signature for a known token but re-checks its claims at every use", () => {
    let verifications = 0;
    const verify = cachingVerifier(
      (t, now) => {
        verifications++;
        return fast(t, now);
      },
      { issuer: ISSUER, audience: ISSUER },
      2,
    );
    const a = signAccessToken(key, claims);
    expect(verify(a, NOW).ok).toBe(true);
    expect(verify(a, NOW + 1).ok).toBe(true);
    expect(verifications).toBe(1);
    // Expired on a later use, although cached.
    expect(verify(a, NOW + 3600)).toMatchObject({ ok: false, reason: /exp/ });
    // Failures are never cached: a bad token is verified every time.
    const bad = flipJwsBit(a, "signature", 7);
    expect(verify(bad, NOW).ok).toBe(false);
    expect(verify(bad, NOW).ok).toBe(false);
    expect(verifications).toBe(3);
    // Bounded: the oldest entry makes room.
    const tokens = [1, 2, 3].map((i) => signAccessToken(key, { ...claims, jti: `t-${i}` }));
    for (const t of tokens) verify(t, NOW);
    const before = verifications;
    verify(tokens[2]!, NOW);
    verify(tokens[1]!, NOW);
    expect(verifications).toBe(before);
    verify(tokens[0]!, NOW);
    expect(verifications).toBe(before + 1);
  });

  it("hands out claims nobody can change", () => {
    const verify = cachingVerifier(fast, { issuer: ISSUER, audience: ISSUER });
    const token = signAccessToken(key, { ...claims, cnf: { jkt: "abc" } });
    const first = verify(token, NOW);
    if (!first.ok) throw new Error(first.reason);
    expect(() => {
      (first.claims as { sub: string }).sub = "mallory";
    }).toThrow();
    expect(() => {
      (first.claims.cnf as { jkt: string }).jkt = "x";
    }).toThrow();
  });
});
