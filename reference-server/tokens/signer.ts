/**
 * The access-token signing key (ES256), loaded from the store or created and saved on
 * first start, so a restart keeps old tokens verifiable (RFC 9068 via src/protocol). The
 * store holds it only encrypted under the key-encryption key (`key-encryption.ts`,
 * DTP-SEC-009); a key an older version stored in plain text is encrypted on start.
 */
import type { JSONWebKeySet, JWK } from "jose";
import {
  type AccessTokenClaims,
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  publicJwks,
  type SigningKey,
  signAccessToken,
  type VerifyAccessTokenResult,
  verifyAccessToken,
} from "../../src/protocol/access-token.ts";
import type { Store } from "../store/types.ts";
import {
  isPlainJwk,
  type KeyEncryptionKey,
  openSigningKey,
  sealSigningKey,
} from "./key-encryption.ts";

export interface AccessTokenSigner {
  sign(claims: AccessTokenClaims): string;
  verify(token: string, now: number): Promise<VerifyAccessTokenResult>;
  jwks(): JSONWebKeySet;
}

/** The signing key from the store (decrypted), or a new one saved there (encrypted). */
export async function loadSigningKey(store: Store, kek: KeyEncryptionKey): Promise<SigningKey> {
  const stored = store.signingKey();
  if (stored !== undefined && !isPlainJwk(stored))
    return importSigningKey(await openSigningKey(stored, kek));
  const key =
    stored === undefined ? createSigningKey() : importSigningKey(JSON.parse(stored) as JWK);
  store.saveSigningKey(await sealSigningKey(exportSigningKey(key), kek));
  return key;
}

export function createSigner(key: SigningKey, issuer: string): AccessTokenSigner {
  const keys = [key];
  return {
    sign: (claims) => signAccessToken(keys[0]!, claims),
    verify: (token, now) => verifyAccessToken(token, { keys, issuer, now }),
    jwks: () => publicJwks(keys),
  };
}
