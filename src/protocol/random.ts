/**
 * Random values and constant-time comparison: opaque tokens, RFC 8628 §6.1 user codes.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** The RFC 8628 §6.1 alphabet: consonants only, no vowels, no look-alikes. */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

/**
 * A random base64url string (no padding) of `bytes` bytes of entropy.
 *
 * @example
 * const deviceCode = randomToken(); // 32 bytes = 256 bits
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1)
    throw new RangeError("bytes must be a positive integer");
  return randomBytes(bytes).toString("base64url");
}

/**
 * A user code: 8 characters from {@link USER_CODE_ALPHABET}, shown as `XXXX-XXXX`
 * (20^8 ≈ 2^34.6 codes).
 *
 * @example
 * userCode(); // "BDWP-HQPK"
 */
export function userCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) {
    if (i === 4) code += "-";
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  }
  return code;
}

/**
 * Normalises what a person typed: uppercase, dashes and whitespace removed.
 * The result is compared with the stored code without its dash.
 *
 * @example
 * normalizeUserCode(" bdwp-hqpk ") === "BDWPHQPK";
 */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/[-\s]/g, "");
}

/** base64url(SHA-256(utf8(s))), e.g. for DPoP `ath` and for storing secrets hashed. */
export function sha256b64url(s: string | Uint8Array): string {
  return createHash("sha256").update(s).digest("base64url");
}

/**
 * Constant-time string comparison. Both sides are hashed first, so neither the content
 * nor the length of the secret leaks through timing.
 */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}
