/**
 * The users the server knows. Passwords are kept only as salted scrypt hashes (DTP-SEC-005)
 * and compared in constant time; an unknown user name costs the same hash.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { timingSafeEqualStr } from "../src/protocol/random.ts";
import type { ServerUser } from "./options.ts";

export interface UserDirectory {
  /** The user with this name and password, if both match. */
  byPassword(username: string, password: string): string | undefined;
  /** The user holding this card id (a weak identifier). */
  byCardId(cardId: string): string | undefined;
}

interface Entry {
  username: string;
  salt: Buffer;
  hash: Buffer;
  cardId: string | undefined;
}

const KEY_LENGTH = 32;
const COST = { N: 1 << 14, r: 8, p: 1 };
const hashPassword = (password: string, salt: Buffer) =>
  scryptSync(password, salt, KEY_LENGTH, COST);

export function createUserDirectory(users: readonly ServerUser[]): UserDirectory {
  const entries: Entry[] = users.map((u) => {
    const salt = randomBytes(16);
    return { username: u.username, salt, hash: hashPassword(u.password, salt), cardId: u.cardId };
  });
  const decoy = { salt: randomBytes(16), hash: Buffer.alloc(KEY_LENGTH) };
  return {
    byPassword(username, password) {
      const entry = entries.find((e) => timingSafeEqualStr(e.username, username));
      const target = entry ?? decoy;
      const ok = timingSafeEqual(hashPassword(password, target.salt), target.hash);
      return ok && entry ? entry.username : undefined;
    },
    byCardId(cardId) {
      let found: string | undefined;
      for (const e of entries)
        if (e.cardId !== undefined && timingSafeEqualStr(e.cardId, cardId)) found ??= e.username;
      return found;
    },
  };
}
