/**
 * RFC 9068 JWT access tokens: the server's ES256 signing keys, the `/jwks` document,
 * signing and verifying (`typ: at+jwt`). `verifyAccessToken` checks a token against keys or
 * a JWKS with jose; `accessTokenVerifier` is the server's hot path: the same checks, bound
 * to one key set imported once, verified synchronously with node:crypto.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, jwtVerify } from "jose";
import { signEs256, verifyEs256 } from "./ecdsa.ts";
import { jwkThumbprint, publicJwk } from "./jwk.ts";

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
  return accessTokenSigner(key)(claims);
}

/**
 * A signer bound to one key: the header is encoded and the node:crypto signer built once,
 * so each call only encodes the claims and signs (the server signs every token this way).
 *
 * @example
 * const sign = accessTokenSigner(key);
 * const token = sign({ iss, sub, aud: iss, client_id, iat, exp, jti, scope, dtp_kind: "device" });
 */
export function accessTokenSigner(key: SigningKey): (claims: AccessTokenClaims) => string {
  const privateKey = key.privateKey;
  if (
    privateKey.asymmetricKeyType !== "ec" ||
    privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1"
  )
    throw new TypeError("an access-token signing key is a P-256 private key");
  const header = Buffer.from(
    JSON.stringify({ alg: "ES256", typ: ACCESS_TOKEN_TYP, kid: key.kid }),
  ).toString("base64url");
  return (claims) => {
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    return `${input}.${signEs256(privateKey, Buffer.from(input, "latin1")).toString("base64url")}`;
  };
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

/** A synchronous verifier of access tokens for one key set (see {@link accessTokenVerifier}). */
export type AccessTokenVerifier = (
  token: string,
  now: number,
  skew?: number,
) => VerifyAccessTokenResult;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Builds a verifier for tokens signed by one of `keys`, with exactly the checks of
 * {@link verifyAccessToken} (a test holds the two to the same verdicts): `typ` `at+jwt`,
 * `alg` ES256 only, no `crit`, `kid` (when present) naming one of the keys, the ES256
 * signature (node:crypto, synchronous, on public keys imported once), `iss`, `aud`, `exp`,
 * `nbf`, numeric `iat`, the RFC 9068 required claims, string `client_id` and `scope`.
 * Stricter in one way: each part must be canonical base64url (no padding, no stray bits),
 * so one token has one spelling.
 *
 * @example
 * const verify = accessTokenVerifier([key], { issuer });
 * const result = verify(token, Math.floor(Date.now() / 1000));
 */
export function accessTokenVerifier(
  keys: readonly SigningKey[],
  options: { issuer: string; audience?: string },
): AccessTokenVerifier {
  const publicKeys = new Map(keys.map((k) => [k.kid, createPublicKey(k.privateKey)]));
  const only = keys.length === 1 ? publicKeys.get(keys[0]!.kid) : undefined;
  const audience = options.audience ?? options.issuer;
  const fail = (reason: string): VerifyAccessTokenResult => ({ ok: false, reason });
  return (token, now, skew = 0) => {
    const parts = token.split(".");
    if (parts.length !== 3) return fail("ERR_JWS_INVALID: Invalid Compact JWS");
    const [h, p, s] = parts as [string, string, string];
    const header = decodeObject(h);
    if (header === undefined) return fail("ERR_JWS_INVALID: JWS Protected Header is invalid");
    if (header.alg !== "ES256")
      return fail('ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed');
    if (header.crit !== undefined) return fail('ERR_JOSE_NOT_SUPPORTED: "crit" is not supported');
    const kid = header.kid;
    const key =
      kid === undefined ? only : typeof kid === "string" ? publicKeys.get(kid) : undefined;
    if (key === undefined) return fail("ERR_JWKS_NO_MATCHING_KEY: no applicable key found");
    const signature = canonical(s);
    if (signature === undefined || signature.length !== 64 || !BASE64URL.test(p))
      return fail("ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed");
    const input = Buffer.from(`${h}.${p}`, "latin1");
    if (!verifyEs256(key, input, signature))
      return fail("ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed");
    const claims = decodeObject(p);
    if (claims === undefined)
      return fail("ERR_JWT_INVALID: JWT Claims Set must be a top-level JSON object");
    if (typeof header.typ !== "string" || normalizeTyp(header.typ) !== AT_JWT_MEDIA_TYPE)
      return fail('ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "typ" JWT header value');
    return checkAccessTokenClaims(claims, { issuer: options.issuer, audience, now, skew });
  };
}

const AT_JWT_MEDIA_TYPE = "application/at+jwt";
/** jose's `typ` comparison: case-insensitive, `application/` implied. */
const normalizeTyp = (typ: string) =>
  typ.includes("/") ? typ.toLowerCase() : `application/${typ.toLowerCase()}`;

/**
 * The claim checks of an access token whose signature was verified, at time `now`: what
 * a cache of verified tokens re-runs on every use (the time-dependent checks included).
 */
export function checkAccessTokenClaims(
  claims: Record<string, unknown>,
  o: { issuer: string; audience: string; now: number; skew: number },
): VerifyAccessTokenResult {
  const invalid = (reason: string) => ({
    ok: false as const,
    reason: `ERR_JWT_CLAIM_VALIDATION_FAILED: ${reason}`,
  });
  for (const claim of REQUIRED_CLAIMS)
    if (!Object.hasOwn(claims, claim)) return invalid(`missing required "${claim}" claim`);
  if (claims.iss !== o.issuer) return invalid('unexpected "iss" claim value');
  const aud = claims.aud;
  if (!(aud === o.audience || (Array.isArray(aud) && aud.includes(o.audience))))
    return invalid('unexpected "aud" claim value');
  for (const claim of ["iat", "nbf", "exp"] as const)
    if (claims[claim] !== undefined && typeof claims[claim] !== "number")
      return invalid(`"${claim}" claim must be a number`);
  if (typeof claims.nbf === "number" && claims.nbf > o.now + o.skew)
    return invalid('"nbf" claim timestamp check failed');
  if ((claims.exp as number) <= o.now - o.skew)
    return { ok: false, reason: 'ERR_JWT_EXPIRED: "exp" claim timestamp check failed' };
  if (typeof claims.client_id !== "string")
    return { ok: false, reason: '"client_id" is not a string' };
  if (typeof claims.scope !== "string") return { ok: false, reason: '"scope" is missing' };
  return { ok: true, claims: claims as AccessTokenClaims };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes of a canonical base64url string (the only spelling of them), else undefined. */
function canonical(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

/** The JSON object a canonical base64url part encodes, else undefined. */
function decodeObject(part: string): Record<string, unknown> | undefined {
  const bytes = canonical(part);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
