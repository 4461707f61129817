/**
 * The users the server knows. Passwords are kept only as salted scrypt hashes (DTP-SEC-005),
 * computed off the event loop, and compared in constant time; an unknown user name costs
 * the same hash.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { timingSafeEqualStr } from "../src/protocol/random.ts";
import type { ServerUser } from "./options.ts";

export interface UserDirectory {
  /** The user id (name) when both name and password match. */
  byPassword(username: string, password: string): Promise<string | undefined>;
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
const COST: ScryptOptions = { N: 1 << 14, r: 8, p: 1 };

const hashPassword = (password: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, COST, (err, key) => (err ? reject(err) : resolve(key))),
  );

export async function createUserDirectory(users: readonly ServerUser[]): Promise<UserDirectory> {
  const entries: Entry[] = await Promise.all(
    users.map(async (u) => {
      const salt = randomBytes(16);
      return {
        username: u.username,
        salt,
        hash: await hashPassword(u.password, salt),
        cardId: u.cardId,
      };
    }),
  );
  const decoy = { salt: randomBytes(16), hash: Buffer.alloc(KEY_LENGTH) };
  return {
    async byPassword(username, password) {
      const entry = entries.find((e) => timingSafeEqualStr(e.username, username));
      const target = entry ?? decoy;
      const ok = timingSafeEqual(await hashPassword(password, target.salt), target.hash);
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
