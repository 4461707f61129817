/**
 * RFC 9068 JWT access tokens: the server's ES256 signing keys, the `/jwks` document,
 * signing and verifying (`typ: at+jwt`).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, jwtVerify } from "jose";
import { jwkThumbprint, publicJwk } from "./jwk.ts";
import { encodeCompactJws, keySigner } from "./jws.ts";

export const ACCESS_TOKEN_TYP = "at+jwt";

/** A server signing key. `kid` is the key's RFC 7638 thumbprint. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Public JWK with `kid`, `alg: ES256`, `use: sig`. */
  readonly publicJwk: JWK;
}

export type TokenKind = "device" | "user" | "service";

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  exp: number;
  iat: number;
  jti: string;
  scope: string;
  dtp_kind: TokenKind;
  cnf?: { jkt: string };
  [claim: string]: unknown;
}

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  const jwk = publicJwk(createPublicKey(privateKey).export({ format: "jwk" }) as JWK);
  const kid = jwkThumbprint(jwk);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: "ES256", use: "sig" } };
}

/** A new ES256 (P-256) signing key. */
export function createSigningKey(): SigningKey {
  return fromPrivateKey(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
}

/** The private JWK of a signing key, for storing it. */
export function exportSigningKey(key: SigningKey): JWK {
  return { ...(key.privateKey.export({ format: "jwk" }) as JWK), kid: key.kid, alg: "ES256" };
}

/** Restores a signing key from {@link exportSigningKey}. Throws on anything but a P-256 private JWK. */
export function importSigningKey(jwk: JWK): SigningKey {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string")
    throw new TypeError("not a P-256 private JWK");
  return fromPrivateKey(createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" }));
}

/** The `/jwks` document for these keys. */
export function publicJwks(keys: readonly SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((k) => k.publicJwk) };
}

/**
 * Signs an access token: header `{ alg: ES256, typ: at+jwt, kid }`.
 *
 * @example
 * const token = signAccessToken(key, { iss, sub, aud: iss, client_id, iat, exp, jti, scope, dtp_kind: "device" });
 */
export function signAccessToken(key: SigningKey, claims: AccessTokenClaims): string {
  return encodeCompactJws(
    { alg: "ES256", typ: ACCESS_TOKEN_TYP, kid: key.kid },
    claims,
    keySigner(key.privateKey, "ES256"),
  );
}

export interface VerifyAccessTokenOptions {
  /** The server's signing keys, or a JWKS (e.g. fetched from `/jwks` by the kit). */
  readonly keys: readonly SigningKey[] | JSONWebKeySet;
  readonly issuer: string;
  /** Defaults to the issuer (DTP sets `aud` = issuer). */
  readonly audience?: string;
  /** Current time, seconds. */
  readonly now: number;
  /** Allowed clock difference, seconds (default 0: the server checks its own tokens). */
  readonly skew?: number;
}

export type VerifyAccessTokenResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: string };

const REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti", "client_id"] as const;

/**
 * Verifies an access token: `typ` `at+jwt` (RFC 9068 §4 allows `application/at+jwt` as
 * the same media type), `alg` ES256 only, signature by one of the keys, `iss`, `aud`,
 * `exp`, and the RFC 9068 required claims. Revocation is the caller's job.
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifyAccessTokenResult> {
  const jwks = Array.isArray(options.keys)
    ? publicJwks(options.keys as readonly SigningKey[])
    : (options.keys as JSONWebKeySet);
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ["ES256"],
      typ: ACCESS_TOKEN_TYP,
      issuer: options.issuer,
      audience: options.audience ?? options.issuer,
      currentDate: new Date(options.now * 1000),
      clockTolerance: options.skew ?? 0,
      requiredClaims: [...REQUIRED_CLAIMS],
    });
    if (typeof payload.client_id !== "string")
      return { ok: false, reason: '"client_id" is not a string' };
    if (typeof payload.scope !== "string") return { ok: false, reason: '"scope" is missing' };
    return { ok: true, claims: payload as AccessTokenClaims };
  } catch (e) {
    if (e instanceof errors.JOSEError) return { ok: false, reason: `${e.code}: ${e.message}` };
    return { ok: false, reason: "access token is malformed" };
  }
}
