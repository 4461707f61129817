/**
 * The access-token signing key (ES256), loaded from the store or created and saved on
 * first start, so a restart keeps old tokens verifiable (RFC 9068 via src/protocol).
 */
import type { JSONWebKeySet, JWK } from "jose";
import {
  type AccessTokenClaims,
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  publicJwks,
  signAccessToken,
  type VerifyAccessTokenResult,
  verifyAccessToken,
} from "../../src/protocol/access-token.ts";
import type { Store } from "../store/types.ts";

export interface AccessTokenSigner {
  sign(claims: AccessTokenClaims): string;
  verify(token: string, now: number): Promise<VerifyAccessTokenResult>;
  jwks(): JSONWebKeySet;
}

export function loadSigner(store: Store, issuer: string): AccessTokenSigner {
  const saved = store.signingKey();
  let key = saved === undefined ? undefined : importSigningKey(JSON.parse(saved) as JWK);
  if (key === undefined) {
    key = createSigningKey();
    store.saveSigningKey(JSON.stringify(exportSigningKey(key)));
  }
  const keys = [key];
  return {
    sign: (claims) => signAccessToken(keys[0]!, claims),
    verify: (token, now) => verifyAccessToken(token, { keys, issuer, now }),
    jwks: () => publicJwks(keys),
  };
}
