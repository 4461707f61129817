/**
 * node:sqlite store: one file, WAL journal, schema created on open. node:sqlite is
 * synchronous, so each conditional UPDATE/INSERT below is one atomic decision; the
 * single-use operations check `changes === 1`.
 *
 * The file is created with mode 0600 (an existing one is narrowed to it), and SQLite gives
 * its `-wal` and `-shm` files the mode of the database file (DTP-SEC-010).
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { INDEXES, MIGRATIONS, SCHEMA } from "./sqlite-schema.ts";
import type { FailureCount, RegistrationRecord, Store } from "./types.ts";

export function createSqliteStore(file: string): Store {
  ownerOnly(file);
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  db.exec(SCHEMA);
  for (const [table, column, definition] of MIGRATIONS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  db.exec(INDEXES);

  const cache = new Map<string, StatementSync>();
  const stmt = (sql: string): StatementSync => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const run = (sql: string, ...params: SQLInputValue[]) => Number(stmt(sql).run(...params).changes);
  const one = <T>(sql: string, ...params: SQLInputValue[]): T | undefined => {
    const row = stmt(sql).get(...params);
    return row ? ({ ...row } as T) : undefined;
  };
  const all = <T>(sql: string, ...params: SQLInputValue[]): T[] =>
    stmt(sql)
      .all(...params)
      .map((row) => ({ ...row }) as T);
  /** INSERT of a record whose fields are the table's columns. */
  const insert = (table: string, record: object, verb = "INSERT"): number => {
    const cols = Object.keys(record);
    const sql = `${verb} INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((c) => `:${c}`).join(", ")})`;
    return Number(stmt(sql).run(record as Record<string, SQLInputValue>).changes);
  };

  return {
    addSecretHash: (kind, hash) =>
      void run("INSERT OR IGNORE INTO secrets (kind, hash) VALUES (?, ?)", kind, hash),
    secretHashes: (kind) =>
      all<{ hash: string }>("SELECT hash FROM secrets WHERE kind = ?", kind).map((r) => r.hash),
    signingKey: () =>
      one<{ value: string }>("SELECT value FROM settings WHERE name = 'signing_key'")?.value,
    saveSigningKey(sealed) {
      run("INSERT OR REPLACE INTO settings (name, value) VALUES ('signing_key', ?)", sealed);
      // Rare (first start, or encrypting a key an older version kept in plain text): rewrite
      // the file so no page of the journal or the database still holds the old value.
      db.exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
    },

    insertRegistration(r, maxPending) {
      const cols = Object.keys(r);
      const values = cols.map((c) => `:${c}`).join(", ");
      // The cap and the insertion are one statement: parallel registrations cannot overshoot.
      const inserted = Number(
        stmt(
          `INSERT OR IGNORE INTO registrations (${cols.join(", ")}) SELECT ${values}
           WHERE :maxPending IS NULL OR :status <> 'pending' OR (SELECT COUNT(*) FROM registrations
             WHERE apiKeyHash = :apiKeyHash AND status = 'pending' AND expiresAt > :createdAt) < :maxPending`,
        ).run({
          ...(r as unknown as Record<string, SQLInputValue>),
          maxPending: maxPending ?? null,
        }).changes,
      );
      if (inserted === 1) return { inserted: true };
      const taken = one(
        "SELECT 1 AS x FROM registrations WHERE userCode = ? OR deviceCodeHash = ?",
        r.userCode,
        r.deviceCodeHash,
      );
      if (taken || maxPending === undefined || r.status !== "pending")
        return { inserted: false, reason: "taken" };
      const oldest = one<{ t: number | null }>(
        "SELECT MIN(expiresAt) AS t FROM registrations WHERE apiKeyHash = ? AND status = 'pending' AND expiresAt > ?",
        r.apiKeyHash,
        r.createdAt,
      );
      return { inserted: false, reason: "too_many_pending", retryAt: oldest?.t ?? r.createdAt };
    },
    registrationByDeviceCodeHash: (hash) =>
      one<RegistrationRecord>("SELECT * FROM registrations WHERE deviceCodeHash = ?", hash),
    registrationByUserCode: (code) =>
      one<RegistrationRecord>("SELECT * FROM registrations WHERE userCode = ?", code),
    listRegistrations: ({ status, now, after, limit }) =>
      all(
        `SELECT * FROM registrations WHERE status = ?1 AND (?1 <> 'pending' OR expiresAt > ?2)
         AND (createdAt > ?3 OR (createdAt = ?3 AND id > ?4)) ORDER BY createdAt, id LIMIT ?5`,
        status,
        now,
        after?.createdAt ?? -1,
        after?.id ?? "",
        limit,
      ),
    decideRegistration: (id, status, now) =>
      run(
        "UPDATE registrations SET status = ?, decidedAt = ? WHERE id = ? AND status = 'pending' AND expiresAt > ?",
        status,
        now,
        id,
        now,
      ) === 1,
    recordPoll(id, nowMs) {
      const slow = run(
        `UPDATE registrations SET interval = interval + 5, lastPollAtMs = ?1
         WHERE id = ?2 AND lastPollAtMs IS NOT NULL AND ?1 - lastPollAtMs < interval * 1000`,
        nowMs,
        id,
      );
      if (slow === 1) return "slow_down";
      run("UPDATE registrations SET lastPollAtMs = ? WHERE id = ?", nowMs, id);
      return "ok";
    },
    redeemRegistration: (id, now) =>
      run(
        "UPDATE registrations SET redeemedAt = ? WHERE id = ? AND status = 'approved' AND redeemedAt IS NULL",
        now,
        id,
      ) === 1,

    putDevice: (d) => void insert("devices", d, "INSERT OR REPLACE"),
    device: (clientId) => one("SELECT * FROM devices WHERE clientId = ?", clientId),
    deleteDevice: (clientId) => run("DELETE FROM devices WHERE clientId = ?", clientId) === 1,

    insertFamily: (f) => void insert("families", f),
    family: (id) => one("SELECT * FROM families WHERE id = ?", id),
    revokeFamily: (id, now) =>
      void run("UPDATE families SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", now, id),
    revokeDeviceTokens(deviceUid, now) {
      run(
        "UPDATE families SET revokedAt = ? WHERE deviceUid = ? AND revokedAt IS NULL",
        now,
        deviceUid,
      );
      run(
        "UPDATE access_tokens SET revokedAt = ? WHERE deviceUid = ? AND revokedAt IS NULL",
        now,
        deviceUid,
      );
    },

    insertAccessToken: (t) => void insert("access_tokens", t),
    accessToken: (jti) => one("SELECT * FROM access_tokens WHERE jti = ?", jti),
    revokeAccessToken: (jti, now) =>
      void run(
        "UPDATE access_tokens SET revokedAt = ? WHERE jti = ? AND revokedAt IS NULL",
        now,
        jti,
      ),

    insertRefreshToken: (t) => void insert("refresh_tokens", t),
    refreshToken: (hash) => one("SELECT * FROM refresh_tokens WHERE hash = ?", hash),
    rotateRefreshToken: (hash, nowMs) =>
      run(
        `UPDATE refresh_tokens SET rotatedAtMs = ? WHERE hash = ? AND rotatedAtMs IS NULL
         AND EXISTS (SELECT 1 FROM families f WHERE f.id = familyId AND f.revokedAt IS NULL)`,
        nowMs,
        hash,
      ) === 1,

    insertPersonalToken: (t) => void insert("personal_tokens", t),
    personalTokenByHash: (hash) => one("SELECT * FROM personal_tokens WHERE hash = ?", hash),
    listPersonalTokens: (sub) =>
      all("SELECT * FROM personal_tokens WHERE sub = ? ORDER BY createdAt, id", sub),
    revokePersonalToken: (id, sub, now) =>
      run(
        "UPDATE personal_tokens SET revokedAt = ? WHERE id = ? AND sub = ? AND revokedAt IS NULL",
        now,
        id,
        sub,
      ) === 1,

    consumeOnce: (kind, value, expiresAt) =>
      run(
        "INSERT OR IGNORE INTO used_once (kind, value, expiresAt) VALUES (?, ?, ?)",
        kind,
        value,
        expiresAt,
      ) === 1,

    addDpopNonce: (value, expiresAt) =>
      void run(
        "INSERT OR REPLACE INTO dpop_nonces (value, expiresAt) VALUES (?, ?)",
        value,
        expiresAt,
      ),
    dpopNonceValid: (value, now) =>
      one("SELECT 1 AS ok FROM dpop_nonces WHERE value = ? AND expiresAt > ?", value, now) !==
      undefined,
    latestDpopNonce: (now) =>
      one(
        "SELECT value, expiresAt FROM dpop_nonces WHERE expiresAt > ? ORDER BY expiresAt DESC LIMIT 1",
        now,
      ),

    countFailure: (key, now, window) =>
      one<FailureCount>(
        `INSERT INTO failures (key, count, resetAt) VALUES (?1, 1, ?2 + ?3)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN resetAt <= ?2 THEN 1 ELSE count + 1 END,
           resetAt = CASE WHEN resetAt <= ?2 THEN ?2 + ?3 ELSE resetAt END
         RETURNING count, resetAt`,
        key,
        now,
        window,
      )!,
    failures: (key, now) =>
      one<FailureCount>(
        "SELECT count, resetAt FROM failures WHERE key = ? AND resetAt > ?",
        key,
        now,
      ) ?? { count: 0, resetAt: now },

    purge(now, registrationRetention) {
      run("DELETE FROM used_once WHERE expiresAt <= ?", now);
      run("DELETE FROM dpop_nonces WHERE expiresAt <= ?", now);
      run("DELETE FROM failures WHERE resetAt <= ?", now);
      run("DELETE FROM registrations WHERE expiresAt <= ?", now - registrationRetention);
    },
    close: () => db.close(),
  };
}

/** Creates the database file with mode 0600, or narrows an existing one (and its journal). */
function ownerOnly(file: string): void {
  try {
    closeSync(openSync(file, "wx", 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}
