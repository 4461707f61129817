import fc from "fast-check";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CreateDpopProofOptions,
  createDpopProof,
  normalizeHtu,
  type VerifyDpopOptions,
  verifyDpopProof,
} from "../../src/protocol/dpop.ts";
import { algsForKey, type KeyKind } from "../../src/protocol/jwk.ts";
import { flipJwsBit, hmacSigner, keySigner, noneSigner } from "../../src/protocol/jws.ts";
import { type KeyFixture, KINDS, keyFixtures } from "./fixtures.ts";

let keys: Record<KeyKind, KeyFixture>;
let other: Record<KeyKind, KeyFixture>;
beforeAll(async () => {
  [keys, other] = await Promise.all([keyFixtures(), keyFixtures()]);
});

const NOW = 1_800_000_000;
const HTU = "https://dtp.example/token";
const ALL_ALGS = ["ES256", "EdDSA", "Ed25519", "RS256", "PS256"];

function proof(kind: KeyKind, overrides: Partial<CreateDpopProofOptions> = {}): string {
  return createDpopProof({ key: keys[kind].device, htm: "POST", htu: HTU, iat: NOW, ...overrides });
}

function verify(p: string, overrides: Partial<VerifyDpopOptions> = {}) {
  return verifyDpopProof(p, {
    htm: "POST",
    htu: HTU,
    allowedAlgs: ALL_ALGS,
    now: NOW,
    maxAge: 300,
    skew: 5,
    ...overrides,
  });
}

const kindAndAlg = fc.constantFrom(
  ...KINDS.flatMap((kind) => algsForKey(kind).map((alg) => ({ kind, alg }))),
);

describe("normalizeHtu", () => {
  it("lowercases scheme and host, drops default port, query and fragment", () => {
    expect(normalizeHtu("HTTPS://DTP.Example:443/Token?a=1#f")).toBe("https://dtp.example/Token");
    expect(normalizeHtu("http://dtp.example:80/x")).toBe("http://dtp.example/x");
    expect(normalizeHtu("https://dtp.example:8443/x")).toBe("https://dtp.example:8443/x");
    expect(() => normalizeHtu("/token")).toThrow(TypeError);
  });
});

describe("DPoP round trip", () => {
  it.each(KINDS.flatMap((kind) => algsForKey(kind).map((alg) => [kind, alg] as const)))(
    "%s with %s",
    async (kind, alg) => {
      const accessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
      const p = proof(kind, {
        alg,
        accessToken,
        nonce: "srv-nonce",
        jti: "j-1",
        htu: "HTTPS://DTP.example:443/token?q",
      });
      const r = await verify(p, {
        accessToken,
        expectedNonce: "srv-nonce",
        expectedJkt: keys[kind].device.jkt,
      });
      expect(r).toMatchObject({ ok: true, jkt: keys[kind].device.jkt, jti: "j-1", iat: NOW, alg });
    },
  );

  it("accepts a proof made by jose's SignJWT (interop)", async () => {
    const { device } = keys["ec-p256"];
    const p = await new SignJWT({ htm: "POST", htu: HTU, iat: NOW, jti: "x" })
      .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: device.jwk })
      .sign(device.privateKey);
    expect((await verify(p)).ok).toBe(true);
  });
});

describe("DPoP mutations are rejected (properties)", () => {
  const invalid = (r: Awaited<ReturnType<typeof verify>>) =>
    !r.ok && r.error === "invalid_dpop_proof";

  it("flipped bits in header, payload or signature", async () => {
    await fc.assert(
      fc.asyncProperty(
        kindAndAlg,
        fc.constantFrom("header", "payload", "signature") as fc.Arbitrary<
          "header" | "payload" | "signature"
        >,
        fc.nat(),
        async ({ kind, alg }, part, bit) => {
          expect(invalid(await verify(flipJwsBit(proof(kind, { alg }), part, bit)))).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("alg none, HS256 keyed with the public key, wrong key, alg not allowed", async () => {
    await fc.assert(
      fc.asyncProperty(kindAndAlg, async ({ kind, alg }) => {
        const { device } = keys[kind];
        expect(invalid(await verify(proof(kind, { signer: noneSigner })))).toBe(true);
        for (const secret of [
          JSON.stringify(device.jwk),
          device.publicKey.export({ format: "der", type: "spki" }),
        ]) {
          const hs = proof(kind, { signer: hmacSigner(secret) });
          expect(invalid(await verify(hs, { allowedAlgs: [...ALL_ALGS, "HS256"] }))).toBe(true);
        }
        // Signed by another key of the same kind, embedding this key's jwk.
        expect(
          invalid(
            await verify(
              proof(kind, { alg, signer: keySigner(other[kind].device.privateKey, alg) }),
            ),
          ),
        ).toBe(true);
        // Honest proof by another key, but the device's jkt is expected.
        const foreign = createDpopProof({
          key: other[kind].device,
          alg,
          htm: "POST",
          htu: HTU,
          iat: NOW,
        });
        expect(await verify(foreign, { expectedJkt: device.jkt })).toMatchObject({
          ok: false,
          error: "invalid_dpop_proof",
        });
        expect(
          invalid(
            await verify(proof(kind, { alg }), { allowedAlgs: ALL_ALGS.filter((a) => a !== alg) }),
          ),
        ).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it("header mistakes: typ, missing or private jwk, alg/jwk mismatch", async () => {
    const { device } = keys["ec-p256"];
    const privateJwk = device.privateKey.export({ format: "jwk" });
    for (const o of [
      { typ: "jwt" },
      { typ: "DPoP+jwt" },
      { extraHeader: { typ: undefined } },
      { extraHeader: { jwk: undefined } },
      { extraHeader: { jwk: privateJwk } },
      { extraHeader: { jwk: keys.ed25519.device.jwk } },
      { extraHeader: { jwk: "x" } },
    ] satisfies Partial<CreateDpopProofOptions>[]) {
      expect(invalid(await verify(proof("ec-p256", o))), JSON.stringify(o)).toBe(true);
    }
  });

  it("claims: wrong htm/htu, missing or long jti, iat out of window", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...KINDS),
        fc.oneof(
          fc.record({ htm: fc.constantFrom("GET", "post", "PUT") }),
          fc.record({
            htu: fc.constantFrom(
              "https://dtp.example/register",
              "https://evil.example/token",
              "http://dtp.example/token",
              "https://dtp.example:8443/token",
              "https://dtp.example/token/",
            ),
          }),
          fc.record({ iat: fc.integer({ min: 6, max: 1e6 }).map((d) => NOW + d) }),
          fc.record({ iat: fc.integer({ min: 306, max: 1e6 }).map((d) => NOW - d) }),
          fc.record({ jti: fc.constantFrom("", "x".repeat(257)) }),
          fc.record({
            extraClaims: fc.constantFrom(
              { jti: undefined },
              { iat: "1800000000" },
              { htm: undefined },
              { htu: undefined },
              { htu: 7 },
            ),
          }),
        ),
        async (kind, o) => {
          expect(invalid(await verify(proof(kind, o as Partial<CreateDpopProofOptions>)))).toBe(
            true,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("iat inside the window is accepted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -305, max: 5 }), async (d) => {
        expect((await verify(proof("ed25519", { iat: NOW + d }))).ok).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("ath: missing or for another token", async () => {
    const token = "access-token-1";
    expect(await verify(proof("ec-p256"), { accessToken: token })).toEqual({
      ok: false,
      error: "invalid_dpop_proof",
      reason: '"ath" is missing',
    });
    expect(
      invalid(await verify(proof("ec-p256", { accessToken: "other" }), { accessToken: token })),
    ).toBe(true);
  });

  it("nonce: missing or stale → use_dpop_nonce, only for otherwise valid proofs", async () => {
    expect(await verify(proof("ed25519"), { expectedNonce: "n2" })).toMatchObject({
      ok: false,
      error: "use_dpop_nonce",
    });
    expect(await verify(proof("ed25519", { nonce: "n1" }), { expectedNonce: "n2" })).toMatchObject({
      ok: false,
      error: "use_dpop_nonce",
    });
    expect(
      await verify(proof("ed25519", { nonce: "n1", htm: "GET" }), { expectedNonce: "n2" }),
    ).toMatchObject({ ok: false, error: "invalid_dpop_proof" });
  });

  it("not a single compact JWS", async () => {
    const p = proof("ed25519");
    for (const bad of [`${p}, ${p}`, `${p}.x`, "", "a.b", ` ${p}`, `${p}\n`]) {
      expect(invalid(await verify(bad))).toBe(true);
    }
  });
});
