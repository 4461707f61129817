import fc from "fast-check";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CreateClientAssertionOptions,
  createClientAssertion,
  type VerifyClientAssertionOptions,
  verifyClientAssertion,
} from "../../src/protocol/assertion.ts";
import type { KeyKind } from "../../src/protocol/jwk.ts";
import { flipJwsBit, hmacSigner, keySigner, noneSigner } from "../../src/protocol/jws.ts";
import { type KeyFixture, keyFixtures } from "./fixtures.ts";

let keys: Record<KeyKind, KeyFixture>;
let other: Record<KeyKind, KeyFixture>;
beforeAll(async () => {
  [keys, other] = await Promise.all([keyFixtures(), keyFixtures()]);
});

const NOW = 1_800_000_000;
const ISSUER = "https://dtp.example";
const CLIENT = "svc-1";

const create = (o: Partial<CreateClientAssertionOptions> = {}) =>
  createClientAssertion({
    privateKey: keys["ec-p256"].device.privateKey,
    clientId: CLIENT,
    audience: ISSUER,
    iat: NOW,
    ...o,
  });
const verify = (jwt: string, o: Partial<VerifyClientAssertionOptions> = {}) =>
  verifyClientAssertion(jwt, {
    key: keys["ec-p256"].parsed,
    clientId: CLIENT,
    issuer: ISSUER,
    now: NOW,
    skew: 5,
    ...o,
  });

describe("client assertions", () => {
  it("round trip", async () => {
    expect(await verify(create({ jti: "a-1", lifetime: 300 }))).toEqual({
      ok: true,
      jti: "a-1",
      exp: NOW + 300,
      iat: NOW,
    });
    expect((await verify(create({ audience: [ISSUER] }))).ok).toBe(true);
  });

  it("accepts an assertion made by jose (interop)", async () => {
    const jwt = await new SignJWT({ jti: "x" })
      .setProtectedHeader({ alg: "ES256" })
      .setIssuer(CLIENT)
      .setSubject(CLIENT)
      .setAudience(ISSUER)
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .sign(keys["ec-p256"].device.privateKey);
    expect((await verify(jwt)).ok).toBe(true);
  });

  it("rejects alg none, HS256 with the public key, RS256/EdDSA, other keys", async () => {
    const pub = keys["ec-p256"].device.publicKey;
    const cases = [
      create({ signer: noneSigner }),
      create({ signer: hmacSigner(pub.export({ format: "der", type: "spki" })) }),
      create({ signer: hmacSigner(pub.export({ format: "pem", type: "spki" }) as string) }),
      create({ signer: hmacSigner(JSON.stringify(keys["ec-p256"].device.jwk)) }),
      create({ signer: keySigner(other["ec-p256"].device.privateKey, "ES256") }),
      create({ privateKey: keys.rsa.device.privateKey, alg: "RS256" }),
      create({ privateKey: keys.ed25519.device.privateKey, alg: "EdDSA" }),
      create({ alg: "ES384", signer: keySigner(keys["ec-p256"].device.privateKey, "ES256") }),
      create({ overrides: { header: { alg: "es256" } } }),
    ];
    for (const jwt of cases) expect((await verify(jwt)).ok, jwt).toBe(false);
    // The client's key is RSA: even a valid RS256 assertion is refused.
    expect(
      await verify(create({ privateKey: keys.rsa.device.privateKey, alg: "RS256" }), {
        key: keys.rsa.parsed,
      }),
    ).toMatchObject({ ok: false });
  });

  it("rejects aud = token endpoint, other audiences, and wrong iss/sub", async () => {
    const cases: Partial<CreateClientAssertionOptions>[] = [
      { audience: `${ISSUER}/token` },
      { audience: [ISSUER, `${ISSUER}/token`] },
      { audience: `${ISSUER}/` },
      { audience: [] },
      { overrides: { claims: { aud: undefined } } },
      { overrides: { claims: { iss: "other" } } },
      { overrides: { claims: { sub: "other" } } },
      { overrides: { claims: { jti: undefined } } },
      { overrides: { claims: { jti: "" } } },
      { overrides: { claims: { exp: undefined } } },
      { overrides: { claims: { iat: undefined } } },
      { overrides: { claims: { nbf: NOW + 60 } } },
      { clientId: "other" },
    ];
    for (const o of cases) expect((await verify(create(o))).ok, JSON.stringify(o)).toBe(false);
  });

  it("time checks (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: -10, max: 1000 }),
        async (iatOffset, lifetime) => {
          const iat = NOW + iatOffset;
          const exp = iat + lifetime;
          const r = await verify(create({ iat, lifetime }));
          const expected = exp > NOW - 5 && iat <= NOW + 5 && lifetime >= 0 && lifetime <= 300;
          expect(r.ok).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("flipped bits anywhere are rejected (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("header", "payload", "signature") as fc.Arbitrary<
          "header" | "payload" | "signature"
        >,
        fc.nat(),
        async (part, bit) => {
          expect((await verify(flipJwsBit(create(), part, bit))).ok).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});
