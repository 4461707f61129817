/**
 * A bounded cache of access tokens whose signature has been verified, so that a token used
 * again is not verified (ES256) and parsed again: the dominant cost of `GET /me`.
 *
 * What it may skip and what it may not:
 * - it skips only the signature verification and the decoding of a token this verifier
 *   already verified (the key is the whole token string, so any other spelling or bit is
 *   verified afresh);
 * - the claim checks, the time-dependent ones included (`exp`, `nbf`), run again on every
 *   use, with the time of that use;
 * - revocation is not the verifier's business: the caller asks the store on every request
 *   (`tokens/active.ts`), so a token revoked by this or by another instance sharing the
 *   store is refused at once, cached or not.
 *
 * Only verified tokens are inserted. At `max` entries the oldest entry makes room (Map
 * iteration order); a token that fails its claim checks (expired) is dropped. The cache
 * belongs to one key set: a verifier for another key set starts with an empty one.
 */
import {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  checkAccessTokenClaims,
  type VerifyAccessTokenResult,
} from "../../src/protocol/access-token.ts";

/** ~1 KiB per entry (token and claims): at most ~10 MiB. */
export const VERIFIED_TOKENS_MAX = 10_000;

export function cachingVerifier(
  verify: AccessTokenVerifier,
  claims: { issuer: string; audience: string },
  max = VERIFIED_TOKENS_MAX,
): (token: string, now: number) => VerifyAccessTokenResult {
  const verified = new Map<string, AccessTokenClaims>();
  return (token, now) => {
    const known = verified.get(token);
    if (known !== undefined) {
      const result = checkAccessTokenClaims(known, { ...claims, now, skew: 0 });
      if (!result.ok) verified.delete(token);
      return result;
    }
    const result = verify(token, now);
    if (result.ok) {
      if (verified.size >= max) verified.delete(verified.keys().next().value as string);
      verified.set(token, deepFreeze(result.claims));
    }
    return result;
  };
}

/** Cached claims are shared by every request that presents the token: nobody may change them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
