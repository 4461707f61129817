import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalizeUserCode,
  randomToken,
  sha256b64url,
  timingSafeEqualStr,
  USER_CODE_ALPHABET,
  userCode,
} from "../../src/protocol/random.ts";

describe("random", () => {
  it("randomToken is base64url of the requested entropy", () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomToken(16), "base64url")).toHaveLength(16);
    expect(randomToken()).not.toBe(randomToken());
    expect(() => randomToken(0)).toThrow(RangeError);
  });

  it("userCode is XXXX-XXXX over the RFC 8628 alphabet, and normalises back", () => {
    const re = new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`);
    for (let i = 0; i < 200; i++) {
      const code = userCode();
      expect(code).toMatch(re);
      expect(normalizeUserCode(` ${code.toLowerCase().replace("-", " - ")} `)).toBe(
        code.replace("-", ""),
      );
    }
  });

  it("sha256b64url", () => {
    // RFC 9449 §7.1 example access token and its ath.
    expect(sha256b64url("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU")).toBe(
      "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo",
    );
  });

  it("timingSafeEqualStr equals === (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqualStr(a, b)).toBe(a === b);
        expect(timingSafeEqualStr(a, a)).toBe(true);
      }),
    );
  });
});
