/**
 * Compact JWS creation with full control over header, payload and signer, so the kit can
 * create valid tokens and deliberately broken ones (alg `none`, HS256 with the public key
 * as secret, a signature by another key, flipped bits). Verification uses jose.
 */
import { constants, createHmac, KeyObject, sign, type webcrypto } from "node:crypto";

export type PrivateKeyInput = KeyObject | webcrypto.CryptoKey;

/** Something that signs a JWS signing input. */
export interface JwsSigner {
  /** The `alg` header value written by default. */
  readonly alg: string;
  sign(signingInput: Buffer): Buffer;
}

/** The asymmetric JWS algorithms DTP creates: ES256, RS256, PS256, EdDSA, Ed25519. */
export const ASYMMETRIC_JWS_ALGS = ["ES256", "RS256", "PS256", "EdDSA", "Ed25519"] as const;

function toKeyObject(key: PrivateKeyInput): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

/**
 * A signer for a private key and one of {@link ASYMMETRIC_JWS_ALGS}. ES256 signatures are
 * raw r||s (RFC 7518 §3.4). Throws `TypeError` for other algorithms.
 */
export function keySigner(privateKey: PrivateKeyInput, alg: string): JwsSigner {
  const key = toKeyObject(privateKey);
  switch (alg) {
    case "ES256":
      return { alg, sign: (input) => sign("sha256", input, { key, dsaEncoding: "ieee-p1363" }) };
    case "RS256":
      return {
        alg,
        sign: (input) => sign("sha256", input, { key, padding: constants.RSA_PKCS1_PADDING }),
      };
    case "PS256":
      return {
        alg,
        sign: (input) =>
          sign("sha256", input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      };
    case "EdDSA":
    case "Ed25519":
      return { alg, sign: (input) => sign(null, input, key) };
    default:
      throw new TypeError(`cannot sign with alg ${alg}`);
  }
}

/**
 * A signer for any RSA, EC or EdDSA JWS algorithm (RS/PS 256–512, ES256/384/512, EdDSA),
 * also those DTP does not allow: for negative tests (a proof or assertion signed with an
 * algorithm the server must refuse). The key must fit the algorithm.
 */
export function anySigner(privateKey: PrivateKeyInput, alg: string): JwsSigner {
  const key = toKeyObject(privateKey);
  const bits = alg.slice(2);
  const hash = `sha${bits}`;
  if (/^RS(256|384|512)$/.test(alg)) {
    return { alg, sign: (i) => sign(hash, i, { key, padding: constants.RSA_PKCS1_PADDING }) };
  }
  if (/^PS(256|384|512)$/.test(alg)) {
    return {
      alg,
      sign: (i) =>
        sign(hash, i, {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: Number(bits) / 8,
        }),
    };
  }
  if (/^ES(256|384|512)$/.test(alg)) {
    return { alg, sign: (i) => sign(hash, i, { key, dsaEncoding: "ieee-p1363" }) };
  }
  return keySigner(key, alg);
}

/** An HMAC signer (for attacks: HS256 keyed with public key bytes). */
export function hmacSigner(
  secret: Uint8Array | string,
  alg: "HS256" | "HS384" | "HS512" = "HS256",
): JwsSigner {
  const hash = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[alg];
  return { alg, sign: (input) => createHmac(hash, secret).update(input).digest() };
}

/** The unsecured JWS "signer" (`alg: none`, empty signature). */
export const noneSigner: JwsSigner = { alg: "none", sign: () => Buffer.alloc(0) };

const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");

/**
 * Encodes a compact JWS. The header gets `alg` from the signer unless it sets one itself;
 * members whose value is `undefined` are dropped (a way to omit defaults).
 *
 * @example
 * encodeCompactJws({ typ: "dpop+jwt", jwk }, claims, keySigner(privateKey, "ES256"));
 */
export function encodeCompactJws(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>> | string | Uint8Array,
  signer: JwsSigner,
): string {
  const h = b64url(JSON.stringify({ alg: signer.alg, ...header }));
  const p = b64url(
    typeof payload === "string" || payload instanceof Uint8Array
      ? payload
      : JSON.stringify(payload),
  );
  const signingInput = `${h}.${p}`;
  return `${signingInput}.${b64url(signer.sign(Buffer.from(signingInput, "ascii")))}`;
}

export type JwsPart = "header" | "payload" | "signature";

/**
 * Flips one bit of one part of a compact JWS (decoded, then re-encoded). `bit` is taken
 * modulo the part's length in bits; an empty part gets one zero byte with that bit set.
 */
export function flipJwsBit(jws: string, part: JwsPart, bit: number): string {
  const parts = jws.split(".");
  const index = { header: 0, payload: 1, signature: 2 }[part];
  let bytes = Buffer.from(parts[index] ?? "", "base64url");
  if (bytes.length === 0) bytes = Buffer.alloc(1);
  const at = ((bit % (bytes.length * 8)) + bytes.length * 8) % (bytes.length * 8);
  bytes[at >> 3]! ^= 1 << (at & 7);
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** True for exactly one compact JWS (three base64url parts, nothing else). */
export function isCompactJws(value: unknown): value is string {
  return typeof value === "string" && COMPACT_JWS.test(value);
}

/** Decodes the JSON object of one part, or `undefined` when it is not a JSON object. */
export function decodeJwsJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
