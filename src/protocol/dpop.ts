/**
 * RFC 9449 DPoP proofs: create (kit, with knobs for deliberate mistakes) and verify
 * (server). Replay of `jti` is the caller's job (the verified `jti` is returned).
 */
import { compactVerify, EmbeddedJWK, type JWK } from "jose";
import {
  algsForKey,
  hasPrivateMembers,
  jwkThumbprint,
  kindOfJwk,
  publicJwk,
  rsaJwkModulusBits,
} from "./jwk.ts";
import {
  decodeJwsJson,
  encodeCompactJws,
  isCompactJws,
  type JwsSigner,
  keySigner,
  type PrivateKeyInput,
} from "./jws.ts";
import { MIN_RSA_BITS } from "./keys.ts";
import { randomToken, sha256b64url } from "./random.ts";

/** A key that signs DPoP proofs: the private key and its public JWK. */
export interface DpopKey {
  readonly privateKey: PrivateKeyInput;
  readonly jwk: JWK;
}

export interface CreateDpopProofOptions {
  readonly key: DpopKey;
  /** Defaults to the first algorithm for the key kind (ES256, RS256, EdDSA). */
  readonly alg?: string;
  readonly htm: string;
  /** The request URI; query and fragment are removed. */
  readonly htu: string;
  /** Adds `ath` = base64url(SHA-256(accessToken)). */
  readonly accessToken?: string;
  readonly nonce?: string;
  /** Seconds; defaults to now. */
  readonly iat?: number;
  /** Defaults to 128 random bits. */
  readonly jti?: string;
  /** Defaults to `dpop+jwt`. */
  readonly typ?: string;
  /** Merged over the header last (`jwk`, `alg`, ...; `undefined` removes a member). */
  readonly extraHeader?: Readonly<Record<string, unknown>>;
  /** Merged over the claims last (`undefined` removes a member). */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  /** Signs instead of the key (e.g. `noneSigner`, `hmacSigner(...)`). */
  readonly signer?: JwsSigner;
}

/**
 * Creates a DPoP proof (compact JWS).
 *
 * @example
 * const proof = createDpopProof({ key: device, htm: "POST", htu: `${issuer}/token` });
 */
export function createDpopProof(options: CreateDpopProofOptions): string {
  const { key } = options;
  const kind = kindOfJwk(key.jwk);
  const alg =
    options.alg ?? options.signer?.alg ?? (kind === undefined ? undefined : algsForKey(kind)[0]);
  if (alg === undefined) throw new TypeError("cannot choose a DPoP alg for this key");
  const signer = options.signer ?? keySigner(key.privateKey, alg);
  const header = {
    alg,
    typ: options.typ ?? "dpop+jwt",
    jwk: publicJwk(key.jwk),
    ...options.extraHeader,
  };
  const claims: Record<string, unknown> = {
    jti: options.jti ?? randomToken(16),
    htm: options.htm,
    htu: stripQueryAndFragment(options.htu),
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  };
  if (options.accessToken !== undefined) claims.ath = sha256b64url(options.accessToken);
  if (options.nonce !== undefined) claims.nonce = options.nonce;
  const payload = { ...claims, ...options.extraClaims };
  return encodeCompactJws(header, payload, signer);
}

function stripQueryAndFragment(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/**
 * Normalises an `htu` for comparison: scheme and host lowercased, default port removed,
 * query and fragment dropped (RFC 9449 §4.3 step 9, RFC 3986 §6.2.3). Throws `TypeError`
 * when the value is not an absolute URL.
 *
 * @example
 * normalizeHtu("HTTPS://Example.COM:443/token?x=1") === "https://example.com/token";
 */
export function normalizeHtu(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export interface VerifyDpopOptions {
  readonly htm: string;
  /** The URI the request was received at (query/fragment ignored). */
  readonly htu: string;
  /** The access token presented with the proof (at resources): `ath` is then required. */
  readonly accessToken?: string;
  /** `dpop_signing_alg_values_supported`; `none` and HS* are refused regardless. */
  readonly allowedAlgs: readonly string[];
  /** Current time, seconds. */
  readonly now: number;
  /** `dpop_proof_max_age`, seconds. */
  readonly maxAge: number;
  /** `dtp_clock_skew`, seconds. */
  readonly skew: number;
  /** The server nonce the proof must carry; absent or different → `use_dpop_nonce`. */
  readonly expectedNonce?: string;
  /** The device's registered `jkt`; the proof key must have this thumbprint. */
  readonly expectedJkt?: string;
}

export type DpopError = "invalid_dpop_proof" | "use_dpop_nonce";

export type VerifyDpopResult =
  | { ok: true; jkt: string; jti: string; iat: number; alg: string; jwk: JWK }
  | { ok: false; error: DpopError; reason: string };

const MAX_JTI_LENGTH = 256;

/**
 * Verifies a DPoP proof (RFC 9449 §4.3): one compact JWS; `typ` exactly `dpop+jwt`; an
 * allowed asymmetric `alg`; a public `jwk` (RSA ≥ 2048, P-256, Ed25519) that verifies the
 * signature; `jti`; `htm`; `htu`; `iat` within `[now - maxAge - skew, now + skew]`; `ath`
 * when an access token is given; `jkt`; and last the nonce. The nonce comes last so a
 * client only learns it needs a new nonce from an otherwise valid proof.
 */
export async function verifyDpopProof(
  proof: string,
  options: VerifyDpopOptions,
): Promise<VerifyDpopResult> {
  const invalid = (reason: string): VerifyDpopResult => ({
    ok: false,
    error: "invalid_dpop_proof",
    reason,
  });

  if (!isCompactJws(proof)) return invalid("DPoP proof is not a single compact JWS");
  const [headerPart, payloadPart] = proof.split(".") as [string, string, string];
  const header = decodeJwsJson(headerPart);
  if (header === undefined) return invalid("DPoP proof header is not a JSON object");

  if (header.typ !== "dpop+jwt") return invalid('"typ" must be "dpop+jwt"');
  const alg = header.alg;
  if (typeof alg !== "string") return invalid('"alg" is missing');
  if (alg === "none" || /^HS/i.test(alg))
    return invalid(`"alg" ${alg} is not an asymmetric algorithm`);
  if (!options.allowedAlgs.includes(alg)) return invalid(`"alg" ${alg} is not allowed`);

  const jwk = header.jwk;
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    return invalid('"jwk" header is missing');
  if (hasPrivateMembers(jwk)) return invalid('"jwk" contains private key members');
  const kind = kindOfJwk(jwk as JWK);
  if (kind === undefined) return invalid('"jwk" is not an RSA, EC P-256 or Ed25519 public key');
  if (!algsForKey(kind).includes(alg))
    return invalid(`"alg" ${alg} does not match the ${kind} "jwk"`);
  if (kind === "rsa" && rsaJwkModulusBits(jwk as JWK) < MIN_RSA_BITS)
    return invalid(`RSA keys must be at least ${MIN_RSA_BITS} bits`);

  try {
    await compactVerify(proof, EmbeddedJWK, { algorithms: [alg] });
  } catch {
    return invalid("DPoP proof signature is invalid");
  }

  const claims = decodeJwsJson(payloadPart);
  if (claims === undefined) return invalid("DPoP proof payload is not a JSON object");
  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (typeof jti !== "string" || jti.length === 0) return invalid('"jti" is missing');
  if (jti.length > MAX_JTI_LENGTH)
    return invalid(`"jti" is longer than ${MAX_JTI_LENGTH} characters`);
  if (typeof htm !== "string") return invalid('"htm" is missing');
  if (htm !== options.htm) return invalid('"htm" does not match the request method');
  if (typeof htu !== "string") return invalid('"htu" is missing');
  let htuOk: boolean;
  try {
    htuOk = normalizeHtu(htu) === normalizeHtu(options.htu);
  } catch {
    htuOk = false;
  }
  if (!htuOk) return invalid('"htu" does not match the request URI');
  if (typeof iat !== "number" || !Number.isFinite(iat)) return invalid('"iat" is missing');
  if (iat > options.now + options.skew) return invalid('"iat" is in the future');
  if (iat < options.now - options.maxAge - options.skew) return invalid('"iat" is too old');
  if (options.accessToken !== undefined) {
    if (typeof ath !== "string") return invalid('"ath" is missing');
    if (ath !== sha256b64url(options.accessToken))
      return invalid('"ath" does not match the access token');
  }

  const jkt = jwkThumbprint(jwk as JWK);
  if (options.expectedJkt !== undefined && jkt !== options.expectedJkt)
    return invalid("DPoP key is not the key bound to this client or token");

  if (options.expectedNonce !== undefined) {
    if (nonce === undefined)
      return { ok: false, error: "use_dpop_nonce", reason: "DPoP proof has no nonce" };
    if (nonce !== options.expectedNonce)
      return { ok: false, error: "use_dpop_nonce", reason: "DPoP nonce is stale or unknown" };
  }
  return { ok: true, jkt, jti, iat, alg, jwk: publicJwk(jwk as JWK) };
}
