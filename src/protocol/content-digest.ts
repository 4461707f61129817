/**
 * RFC 9530 `Content-Digest`: create (`sha-256`) and verify (`sha-256`, `sha-512`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  isByteSequence,
  isInnerList,
  parseDictionary,
  StructuredFieldError,
} from "./structured-fields.ts";

/** Digest algorithms verified (RFC 9530 §5 "Active"); others are ignored. */
export const DIGEST_ALGORITHMS = { "sha-256": "sha256", "sha-512": "sha512" } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

export type ContentDigestResult =
  | { readonly ok: true; readonly algorithms: DigestAlgorithm[] }
  | { readonly ok: false; readonly reason: string };

function digest(algorithm: DigestAlgorithm, body: Uint8Array | string): Buffer {
  return createHash(DIGEST_ALGORITHMS[algorithm]).update(body).digest();
}

/**
 * The `Content-Digest` value for a body: `sha-256=:<base64>:`. Strings are UTF-8.
 *
 * @example
 * contentDigest("{}"); // "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:"
 */
export function contentDigest(
  body: Uint8Array | string,
  algorithm: DigestAlgorithm = "sha-256",
): string {
  return `${algorithm}=:${digest(algorithm, body).toString("base64")}:`;
}

/**
 * Verifies a `Content-Digest` field value against the received body. The value is parsed
 * as an RFC 8941 dictionary; every `sha-256` / `sha-512` member must match, at least one
 * must be present, unknown algorithms are ignored.
 */
export function verifyContentDigest(
  header: string | undefined,
  body: Uint8Array | string,
): ContentDigestResult {
  if (header === undefined || header.trim() === "")
    return { ok: false, reason: "Content-Digest is missing" };
  let dict: ReturnType<typeof parseDictionary>;
  try {
    dict = parseDictionary(header);
  } catch (e) {
    const detail = e instanceof StructuredFieldError ? `: ${e.message}` : "";
    return { ok: false, reason: `Content-Digest is not a structured dictionary${detail}` };
  }
  const checked: DigestAlgorithm[] = [];
  for (const [key, member] of dict) {
    if (!Object.hasOwn(DIGEST_ALGORITHMS, key)) continue;
    const algorithm = key as DigestAlgorithm;
    if (isInnerList(member) || !isByteSequence(member.value))
      return { ok: false, reason: `Content-Digest ${algorithm} is not a byte sequence` };
    const expected = digest(algorithm, body);
    const got = Buffer.from(member.value);
    if (got.length !== expected.length || !timingSafeEqual(got, expected))
      return { ok: false, reason: `Content-Digest ${algorithm} does not match the body` };
    checked.push(algorithm);
  }
  if (checked.length === 0)
    return { ok: false, reason: "Content-Digest has no supported algorithm (sha-256, sha-512)" };
  return { ok: true, algorithms: checked };
}
