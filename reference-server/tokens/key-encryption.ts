/**
 * The signing key at rest (DTP-SEC-009): the store keeps the private access-token signing
 * key only encrypted (a JWE, RFC 7516: `dir` + `A256GCM`, via jose) under a key-encryption
 * key (KEK) that never enters the store. A copy of the store alone holds no usable key.
 *
 * Where the KEK comes from, first match wins:
 * 1. `keyEncryptionKey` (`DTP_KEY_ENCRYPTION_KEY`): 32 bytes, base64url;
 * 2. `keyFile` (`--key-file`): a file holding that value; created (mode 0600) when missing;
 * 3. with the sqlite store, `<store file>.key` next to the store, created the same way, so
 *    that `dtp serve` works on a fresh machine (keep that file apart from copies of the
 *    store, or use 1 or 2 in production);
 * 4. with the memory store, a random KEK for the life of the process.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { CompactEncrypt, compactDecrypt, type JWK } from "jose";
import type { ServerOptions } from "../options.ts";

export interface KeyEncryptionKey {
  key: Uint8Array;
  /** Where it came from, for messages (never the key itself). */
  source: string;
}

const KEK_BYTES = 32;
const PURPOSE = "dtp-signing-key";

/** The KEK for these options (see the module comment for the order). */
export function loadKeyEncryptionKey(options: ServerOptions): KeyEncryptionKey {
  if (options.keyEncryptionKey !== undefined)
    return {
      key: decodeKek(options.keyEncryptionKey, "the key-encryption key"),
      source: "the key-encryption key option (DTP_KEY_ENCRYPTION_KEY)",
    };
  const file =
    options.keyFile ?? (options.store.kind === "sqlite" ? `${options.store.file}.key` : undefined);
  if (file === undefined) return { key: randomBytes(KEK_BYTES), source: "a random in-memory key" };
  if (!existsSync(file)) {
    // "wx": never overwrite a key file another process created meanwhile.
    try {
      writeFileSync(file, `${randomBytes(KEK_BYTES).toString("base64url")}\n`, {
        mode: 0o600,
        flag: "wx",
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0)
    console.warn(`dtp reference server: ${file} is readable by other users (chmod 600 it)`);
  return { key: decodeKek(readFileSync(file, "utf8").trim(), file), source: file };
}

function decodeKek(value: string, what: string): Uint8Array {
  const key = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, "base64url") : Buffer.alloc(0);
  if (key.length !== KEK_BYTES)
    throw new Error(
      `${what} must be ${KEK_BYTES} random bytes in base64url (43 characters), e.g. from: node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`,
    );
  return key;
}

/** Encrypts a private JWK for the store. */
export function sealSigningKey(jwk: JWK, kek: KeyEncryptionKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", cty: PURPOSE })
    .encrypt(kek.key);
}

/** Decrypts what {@link sealSigningKey} stored; a clear error when the KEK is not the one used. */
export async function openSigningKey(sealed: string, kek: KeyEncryptionKey): Promise<JWK> {
  try {
    const { plaintext } = await compactDecrypt(sealed, kek.key);
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch {
    throw new Error(
      `the signing key in the store cannot be decrypted with ${kek.source}: start the server with the key-encryption key the store was created with (--key-file or DTP_KEY_ENCRYPTION_KEY)`,
    );
  }
}

/** True for a key stored in plain text by an older version (a JSON object, not a JWE). */
export const isPlainJwk = (stored: string) => stored.trimStart().startsWith("{");
