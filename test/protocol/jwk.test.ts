import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { calculateJwkThumbprint, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import {
  algsForKey,
  hasPrivateMembers,
  jwkThumbprint,
  kindOfJwk,
  publicJwk,
  rsaJwkModulusBits,
} from "../../src/protocol/jwk.ts";

describe("jwkThumbprint (RFC 7638)", () => {
  it("matches the RFC 7638 §3.1 example", () => {
    const jwk: JWK = {
      kty: "RSA",
      n:
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs" +
        "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5h" +
        "ajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      e: "AQAB",
      alg: "RS256",
      kid: "2011-04-29",
    };
    expect(jwkThumbprint(jwk)).toBe("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    expect(rsaJwkModulusBits(jwk)).toBe(2048);
  });

  it("matches the RFC 8037 §A.3 Ed25519 example", () => {
    const jwk: JWK = {
      kty: "OKP",
      crv: "Ed25519",
      x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    };
    expect(jwkThumbprint(jwk)).toBe("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  });

  it("agrees with jose for generated EC and Ed25519 keys, private or public (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("ec", "ed25519") as fc.Arbitrary<"ec" | "ed25519">,
        async (type) => {
          const { privateKey } =
            type === "ec"
              ? generateKeyPairSync("ec", { namedCurve: "P-256" })
              : generateKeyPairSync("ed25519");
          const jwk = privateKey.export({ format: "jwk" }) as JWK;
          expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, "sha256"));
          expect(jwkThumbprint(publicJwk(jwk))).toBe(jwkThumbprint(jwk));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("throws on incomplete or unsupported JWKs", () => {
    expect(() => jwkThumbprint({ kty: "EC", crv: "P-256", x: "AA" })).toThrow(/"y"/);
    expect(() => jwkThumbprint({ kty: "oct", k: "AA" })).toThrow(TypeError);
  });
});

describe("key kinds and algorithms", () => {
  it("algsForKey", () => {
    expect(algsForKey("rsa")).toEqual(["RS256", "PS256"]);
    expect(algsForKey("ec-p256")).toEqual(["ES256"]);
    expect(algsForKey("ed25519")).toEqual(["EdDSA", "Ed25519"]);
  });

  it("kindOfJwk and private members", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({
      format: "jwk",
    }) as JWK;
    expect(kindOfJwk(ec)).toBeUndefined();
    expect(hasPrivateMembers(ec)).toBe(true);
    expect(hasPrivateMembers(publicJwk(ec))).toBe(false);
    expect(hasPrivateMembers({ kty: "oct", k: "c2VjcmV0" })).toBe(true);
    expect(kindOfJwk({ kty: "OKP", crv: "X25519", x: "AA" })).toBeUndefined();
  });
});
