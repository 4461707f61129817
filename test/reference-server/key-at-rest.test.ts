/**
 * Issue 16, point 1: a copy of the store file must not mint tokens (DTP-SEC-009), and the
 * store's files are created readable by their owner only (DTP-SEC-010).
 *
 * The copy is the `.sqlite` file with its `-wal` and `-shm` files, taken while the server
 * runs. Everything in it that could be a private key — every text value of every table, as
 * a JWK or inside any JSON — is tried: signed into an access token with the claims of a real
 * `access_tokens` row, which `/me` must refuse.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { JWK } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { createSqliteStore } from "../../reference-server/store/sqlite.ts";
import {
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  signAccessToken,
} from "../../src/protocol/access-token.ts";
import { deviceWithTokens, me, send, sleep, start } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-key-at-rest-"));
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every string a JWK with a private part could hide in: the value itself, or nested JSON. */
function privateJwks(value: unknown): JWK[] {
  if (typeof value === "string") {
    try {
      return privateJwks(JSON.parse(value));
    } catch {
      return [];
    }
  }
  if (value === null || typeof value !== "object") return [];
  const found: JWK[] = [];
  const o = value as Record<string, unknown>;
  if (typeof o.d === "string" && typeof o.kty === "string") found.push(o as JWK);
  for (const v of Object.values(o)) found.push(...privateJwks(v));
  return found;
}

describe("the store at rest", () => {
  it("a copy of the store files holds nothing that signs a token /me accepts", async () => {
    const file = join(dir, "copy-me.sqlite");
    const s = await start({ store: { kind: "sqlite", file } });
    servers.push(s);
    const d = await deviceWithTokens(s);
    expect((await me(s, d.tokens.body.access_token)).status).toBe(200);

    // The attacker's copy, taken while the server runs.
    const copy = join(dir, "stolen.sqlite");
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
    const db = new DatabaseSync(copy);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    const keys: JWK[] = [];
    for (const table of tables)
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all())
        for (const value of Object.values(row)) keys.push(...privateJwks(value));
    const row = db.prepare("SELECT * FROM access_tokens LIMIT 1").get() as Record<string, string>;
    db.close();
    expect(row).toBeDefined();

    let tried = 0;
    for (const jwk of keys) {
      let key: ReturnType<typeof importSigningKey>;
      try {
        key = importSigningKey(jwk);
      } catch {
        continue;
      }
      tried++;
      const now = Math.floor(Date.now() / 1000);
      const forged = signAccessToken(key, {
        iss: s.url,
        sub: row.sub!,
        aud: s.url,
        client_id: row.clientId!,
        exp: now + 3600,
        iat: now,
        jti: row.jti!,
        scope: "me login tokens",
        dtp_kind: "device",
      });
      const res = await me(s, forged);
      expect(res.status, `a token signed with a key found in the store copy: ${res.text}`).toBe(
        401,
      );
    }
    expect(tried, "private keys usable from the store copy").toBe(0);
  });

  it("creates the store files and the key file readable and writable by their owner only", async () => {
    const file = join(dir, "modes.sqlite");
    const s = await start({ store: { kind: "sqlite", file } });
    servers.push(s);
    await deviceWithTokens(s);
    const files = ["", "-wal", "-shm"].map((x) => file + x).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect((statSync(f).mode & 0o777).toString(8), f).toBe("600");
    const keyFile = `${file}.key`;
    expect(existsSync(keyFile), keyFile).toBe(true);
    expect((statSync(keyFile).mode & 0o777).toString(8), keyFile).toBe("600");
  });

  it("encrypts a key an older version stored in plain text, keeping it (old tokens verify)", async () => {
    const file = join(dir, "legacy.sqlite");
    const legacy = exportSigningKey(createSigningKey());
    const old = createSqliteStore(file);
    // What the previous version wrote: the private JWK as JSON (no VACUUM then).
    old.saveSigningKey(JSON.stringify(legacy));
    old.close();
    const s = await start({ store: { kind: "sqlite", file } });
    servers.push(s);
    const jwks = (await send(`${s.url}/jwks`)).body;
    expect(jwks.keys.map((k: JWK) => k.kid)).toEqual([legacy.kid]);
    for (const suffix of ["", "-wal"]) {
      if (!existsSync(file + suffix)) continue;
      expect(
        readFileSync(file + suffix).includes(legacy.d!),
        `the private part in ${suffix || "the database"}`,
      ).toBe(false);
    }
  });

  it("refuses to start with another key-encryption key than the store's, naming where it came from", async () => {
    const file = join(dir, "other-kek.sqlite");
    const s = await start({ store: { kind: "sqlite", file } });
    await s.close();
    await expect(
      start({ store: { kind: "sqlite", file }, keyFile: join(dir, "another.key") }),
    ).rejects.toThrow(/cannot be decrypted with .*another\.key/);
    await expect(
      start({ store: { kind: "sqlite", file }, keyEncryptionKey: "too-short" }),
    ).rejects.toThrow(/32 random bytes in base64url/);
  });

  it("takes the key-encryption key from the option (DTP_KEY_ENCRYPTION_KEY) and then writes no key file", async () => {
    const file = join(dir, "env-kek.sqlite");
    const kek = randomBytes(32).toString("base64url");
    const s1 = await start({ store: { kind: "sqlite", file }, keyEncryptionKey: kek });
    const d = await deviceWithTokens(s1);
    await s1.close();
    await sleep(50); // let pooled keep-alive sockets see the old server's FIN
    expect(existsSync(`${file}.key`)).toBe(false);
    // Same port: the issuer (and so the tokens' `iss`) stays the same.
    const port = Number(new URL(s1.url).port);
    const s2 = await start({ store: { kind: "sqlite", file }, keyEncryptionKey: kek, port });
    servers.push(s2);
    expect((await me(s2, d.tokens.body.access_token)).status).toBe(200);
  });
});
