/**
 * The access-token signing key (ES256), loaded from the store or created and saved on
 * first start, so a restart keeps old tokens verifiable (RFC 9068 via src/protocol). The
 * store holds it only encrypted under the key-encryption key (`key-encryption.ts`,
 * DTP-SEC-009); a key an older version stored in plain text is encrypted on start.
 *
 * The signer and the verifier are built once per key set: the header encoded and the
 * public key imported once, ES256 verified synchronously with node:crypto, and verified
 * tokens cached (`verified-tokens.ts`: signature and parsing skipped, claims re-checked,
 * revocation always asked of the store by the caller).
 */
import type { JSONWebKeySet, JWK } from "jose";
import {
  type AccessTokenClaims,
  accessTokenSigner,
  accessTokenVerifier,
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  publicJwks,
  type SigningKey,
  type VerifyAccessTokenResult,
} from "../../src/protocol/access-token.ts";
import type { Store } from "../store/types.ts";
import {
  isPlainJwk,
  type KeyEncryptionKey,
  openSigningKey,
  sealSigningKey,
} from "./key-encryption.ts";
import { cachingVerifier } from "./verified-tokens.ts";

export interface AccessTokenSigner {
  sign(claims: AccessTokenClaims): string;
  /** Signature and claims at `now` (seconds); revocation is the caller's (the store). */
  verify(token: string, now: number): VerifyAccessTokenResult;
  jwks(): JSONWebKeySet;
}

/** The signing key from the store (decrypted), or a new one saved there (encrypted). */
export async function loadSigningKey(store: Store, kek: KeyEncryptionKey): Promise<SigningKey> {
  for (;;) {
    const stored = await store.signingKey();
    if (stored !== undefined && !isPlainJwk(stored))
      return importSigningKey(await openSigningKey(stored, kek));
    const key =
      stored === undefined ? createSigningKey() : importSigningKey(JSON.parse(stored) as JWK);
    // Saved only if nobody saved one meanwhile (another instance starting on the same
    // store): otherwise read again and use that one, so all instances sign with one key.
    if (await store.saveSigningKey(await sealSigningKey(exportSigningKey(key), kek), stored))
      return key;
  }
}

export function createSigner(key: SigningKey, issuer: string): AccessTokenSigner {
  const keys = [key];
  return {
    sign: accessTokenSigner(key),
    verify: cachingVerifier(accessTokenVerifier(keys, { issuer }), { issuer, audience: issuer }),
    jwks: () => publicJwks(keys),
  };
}
