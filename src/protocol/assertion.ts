/**
 * RFC 7523 §2.2/§3 JWT client assertions (`private_key_jwt`) for service tokens, with the
 * RFC 8725 hardening DTP requires: ES256 only, `aud` exactly the issuer identifier.
 * `jti` single use is the caller's job (the verified `jti` and `exp` are returned).
 */
import { compactVerify } from "jose";
import {
  decodeJwsJson,
  encodeCompactJws,
  isCompactJws,
  type JwsSigner,
  keySigner,
  type PrivateKeyInput,
} from "./jws.ts";
import type { ParsedKey } from "./keys.ts";
import { randomToken } from "./random.ts";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface CreateClientAssertionOptions {
  readonly privateKey: PrivateKeyInput;
  readonly clientId: string;
  /** The authorization server's issuer identifier. */
  readonly audience: string | readonly string[];
  /** `exp - iat`, seconds (default 60). */
  readonly lifetime?: number;
  readonly jti?: string;
  /** Seconds; defaults to now. */
  readonly iat?: number;
  /** Header `alg` (default ES256). */
  readonly alg?: string;
  /** Merged over the header and claims last (`undefined` removes a member). */
  readonly overrides?: {
    readonly header?: Readonly<Record<string, unknown>>;
    readonly claims?: Readonly<Record<string, unknown>>;
  };
  /** Signs instead of `privateKey` (e.g. `noneSigner`, `hmacSigner(...)`). */
  readonly signer?: JwsSigner;
}

/**
 * Creates a client assertion JWT.
 *
 * @example
 * const client_assertion = createClientAssertion({ privateKey: service.privateKey,
 *   clientId: "svc-1", audience: metadata.issuer });
 */
export function createClientAssertion(options: CreateClientAssertionOptions): string {
  const alg = options.alg ?? options.signer?.alg ?? "ES256";
  const signer = options.signer ?? keySigner(options.privateKey, alg);
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const claims = {
    iss: options.clientId,
    sub: options.clientId,
    aud: options.audience,
    iat,
    exp: iat + (options.lifetime ?? 60),
    jti: options.jti ?? randomToken(16),
    ...options.overrides?.claims,
  };
  return encodeCompactJws({ alg, ...options.overrides?.header }, claims, signer);
}

export interface VerifyClientAssertionOptions {
  /** The registered key of the client (must be EC P-256). */
  readonly key: Pick<ParsedKey, "kind" | "keyObject">;
  readonly clientId: string;
  /** The issuer identifier: the only accepted audience. */
  readonly issuer: string;
  /** Current time, seconds. */
  readonly now: number;
  /** `assertion_max_lifetime` (default 300). */
  readonly maxLifetime?: number;
  /** `dtp_clock_skew`, seconds. */
  readonly skew: number;
}

export type VerifyClientAssertionResult =
  | { ok: true; jti: string; exp: number; iat: number }
  | { ok: false; reason: string };

/**
 * Verifies a client assertion: one compact JWS with header `alg` exactly `ES256` over an
 * EC P-256 key; signature; `iss` = `sub` = client id; `aud` is the issuer (a string, or an
 * array of exactly that one value); `exp > now - skew`; `iat ≤ now + skew`;
 * `0 ≤ exp - iat ≤ maxLifetime`; `nbf` (if any) ≤ now + skew; `jti` present.
 */
export async function verifyClientAssertion(
  jwt: string,
  options: VerifyClientAssertionOptions,
): Promise<VerifyClientAssertionResult> {
  const fail = (reason: string): VerifyClientAssertionResult => ({ ok: false, reason });
  if (!isCompactJws(jwt)) return fail("client_assertion is not a compact JWS");
  const [headerPart, payloadPart] = jwt.split(".") as [string, string, string];
  const header = decodeJwsJson(headerPart);
  if (header === undefined) return fail("client_assertion header is not a JSON object");
  if (header.alg !== "ES256")
    return fail(`client_assertion "alg" must be ES256 (got ${String(header.alg)})`);
  if (options.key.kind !== "ec-p256") return fail("the client's registered key is not EC P-256");
  try {
    await compactVerify(jwt, options.key.keyObject, { algorithms: ["ES256"] });
  } catch {
    return fail("client_assertion signature is invalid");
  }
  const claims = decodeJwsJson(payloadPart);
  if (claims === undefined) return fail("client_assertion payload is not a JSON object");
  const { iss, sub, aud, exp, iat, nbf, jti } = claims;
  if (iss !== options.clientId) return fail('"iss" must be the client_id');
  if (sub !== options.clientId) return fail('"sub" must be the client_id');
  const audOk =
    aud === options.issuer || (Array.isArray(aud) && aud.length === 1 && aud[0] === options.issuer);
  if (!audOk) return fail('"aud" must be the issuer identifier');
  if (typeof exp !== "number" || !Number.isFinite(exp)) return fail('"exp" is missing');
  if (typeof iat !== "number" || !Number.isFinite(iat)) return fail('"iat" is missing');
  const { now, skew } = options;
  if (exp <= now - skew) return fail("client_assertion has expired");
  if (iat > now + skew) return fail('"iat" is in the future');
  if (exp < iat) return fail('"exp" is before "iat"');
  const maxLifetime = options.maxLifetime ?? 300;
  if (exp - iat > maxLifetime)
    return fail(`client_assertion lifetime exceeds ${maxLifetime} seconds`);
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now + skew))
    return fail('"nbf" is in the future');
  if (typeof jti !== "string" || jti.length === 0) return fail('"jti" is missing');
  return { ok: true, jti, exp, iat };
}
