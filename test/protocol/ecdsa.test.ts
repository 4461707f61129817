/**
 * signEs256 / verifyEs256 (bare KeyObject, DER ⇄ r‖s converted in JS) are held to node's
 * own JWS encoding (`dsaEncoding: "ieee-p1363"`) on random inputs and on arbitrary 64-byte
 * signatures, short integers and high bits included.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derToRs, rsToDer, signEs256, verifyEs256 } from "../../src/protocol/ecdsa.ts";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const publicKey = createPublicKey(privateKey);
const p1363 = { dsaEncoding: "ieee-p1363" } as const;

describe("ES256 with DER ⇄ r‖s in JS", () => {
  it("signs what node verifies as a JWS signature, and verifies what node signs (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        const ours = signEs256(privateKey, input);
        expect(ours.length).toBe(64);
        expect(verify("sha256", input, { key: publicKey, ...p1363 }, ours)).toBe(true);
        const theirs = sign("sha256", input, { key: privateKey, ...p1363 });
        expect(verifyEs256(publicKey, input, theirs)).toBe(true);
        expect(verifyEs256(publicKey, Buffer.concat([input, Buffer.of(1)]), theirs)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with node on arbitrary 64-byte signatures and on flipped bits (property)", () => {
    const input = Buffer.from("header.payload");
    const good = sign("sha256", input, { key: privateKey, ...p1363 });
    const zeros = fc.integer({ min: 0, max: 33 });
    const signature = fc.oneof(
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      // Leading zero bytes in r or s (short DER integers), or all zero.
      fc.tuple(zeros, zeros).map(([a, b]) => {
        const s = Buffer.from(good);
        s.fill(0, 0, Math.min(a, 32));
        s.fill(0, 32, 32 + Math.min(b, 32));
        return new Uint8Array(s);
      }),
      fc.nat({ max: 511 }).map((bit) => {
        const s = Buffer.from(good);
        s[bit >> 3]! ^= 1 << (bit & 7);
        return new Uint8Array(s);
      }),
    );
    fc.assert(
      fc.property(signature, (s) => {
        let expected: boolean;
        try {
          expected = verify("sha256", input, { key: publicKey, ...p1363 }, s);
        } catch {
          expected = false;
        }
        expect(verifyEs256(publicKey, input, s)).toBe(expected);
      }),
      { numRuns: 500 },
    );
    expect(verifyEs256(publicKey, input, good.subarray(0, 63))).toBe(false);
    expect(verifyEs256(publicKey, input, Buffer.concat([good, Buffer.of(0)]))).toBe(false);
  });

  it("converts DER and r‖s both ways, minimal integers", () => {
    const rs = Buffer.alloc(64);
    rs[31] = 1;
    rs[32] = 0x80;
    const der = rsToDer(rs);
    // r = 1 (one byte); s has its high bit set (a zero byte prefixed), 33 bytes.
    expect(der.subarray(0, 5)).toEqual(Buffer.of(0x30, 3 + 35, 0x02, 1, 1));
    expect(der.subarray(5, 8)).toEqual(Buffer.of(0x02, 33, 0));
    expect(derToRs(der)).toEqual(rs);
    expect(() => derToRs(Buffer.of(0x30, 0))).toThrow(TypeError);
    expect(() => derToRs(Buffer.of(0x31, 3, 2, 1, 1))).toThrow(TypeError);
  });
});
