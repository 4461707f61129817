/**
 * PostgreSQL store (`postgres` driver, a pool of connections): what lets several instances
 * of the server share one database (issue 18). Every single-use decision is one conditional
 * statement, decided by PostgreSQL under its default isolation (read committed): an UPDATE
 * re-checks its WHERE on the newest version of the row it waited for, an
 * `INSERT … ON CONFLICT DO NOTHING` inserts for exactly one caller, and RETURNING says which
 * caller won. A transaction runs on one pooled connection (`sql.begin`), its `tx` bound to it.
 *
 * Where one statement cannot see another's concurrent write (a snapshot taken before it
 * committed), a row or advisory lock makes the second wait and re-read:
 * - `rotateRefreshToken` locks its family's row (FOR SHARE) in the same statement, so a
 *   concurrent revocation of the family and the rotation cannot both win;
 * - `insertRegistration` with a cap takes a transaction-scoped advisory lock per API key
 *   before counting, so parallel registrations cannot overshoot the cap;
 * - `recordPoll` is one UPDATE whose new interval and poll time are computed from the row
 *   it locked.
 * Migrations are versioned (`postgres-schema.ts`, table `dtp_migrations`), applied at open
 * under an advisory lock, so instances starting together apply each one once.
 */
import postgres from "postgres";
import { MIGRATIONS } from "./postgres-schema.ts";
import type { FailureCount, RegistrationRecord, Store } from "./types.ts";

/** Advisory lock key of the migrations ("dtpm"). */
const MIGRATION_LOCK = 0x6474_706d;

function connect(url: string) {
  return postgres(url, {
    transform: postgres.camel,
    // BIGINT columns hold seconds and milliseconds: well within Number's exact range.
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (n: number) => String(n),
        parse: (s: string) => Number(s),
      },
    },
    onnotice: () => {},
    max: Number(process.env.DTP_PG_POOL ?? 10),
  });
}
type Sql = ReturnType<typeof connect>;
/** The pool, or one transaction's connection. */
type Db = Sql | postgres.TransactionSql<Sql extends postgres.Sql<infer T> ? T : never>;

/** Opens the store at `url` (`postgres://user:password@host:port/database`), migrating it. */
export async function createPostgresStore(url: string): Promise<Store> {
  const sql = connect(url);
  try {
    await migrate(sql);
  } catch (e) {
    await sql.end({ timeout: 1 });
    throw e;
  }
  return bind(sql, sql, false);
}

async function migrate(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS dtp_migrations (
      version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
    const done = new Set(
      (await tx<{ version: number }[]>`SELECT version FROM dtp_migrations`).map((r) => r.version),
    );
    for (const [i, migration] of MIGRATIONS.entries()) {
      if (done.has(i + 1)) continue;
      await tx.unsafe(migration);
      await tx`INSERT INTO dtp_migrations (version) VALUES (${i + 1})`;
    }
  });
}

/** The store over `db` (the pool, or a transaction's connection when `inTx`). */
function bind(pool: Sql, db: Db, inTx: boolean): Store {
  const q = db;
  /** Several statements as one (inside a caller's transaction: part of it). */
  const together = <T>(fn: (d: Db) => Promise<T>): Promise<T> =>
    inTx ? fn(db) : (pool.begin((tx) => fn(tx)) as Promise<T>);
  const one = async <T>(rows: Promise<readonly unknown[]>): Promise<T | undefined> =>
    ((await rows)[0] as T | undefined) ?? undefined;
  const won = async (rows: Promise<readonly unknown[]>) => (await rows).length === 1;

  return {
    transaction: <T>(fn: (tx: Store) => Promise<T>): Promise<T> =>
      inTx
        ? Promise.reject(new Error("store transactions do not nest"))
        : (pool.begin((tx) => fn(bind(pool, tx, true))) as Promise<T>),

    addSecretHash: async (kind, hash) =>
      void (await q`INSERT INTO secrets (kind, hash) VALUES (${kind}, ${hash}) ON CONFLICT DO NOTHING`),
    secretHashes: async (kind) =>
      (await q<{ hash: string }[]>`SELECT hash FROM secrets WHERE kind = ${kind}`).map(
        (r) => r.hash,
      ),
    signingKey: async () =>
      (await one<{ value: string }>(q`SELECT value FROM settings WHERE name = 'signing_key'`))
        ?.value,
    saveSigningKey: (sealed, previous) =>
      previous === undefined
        ? won(q`INSERT INTO settings (name, value) VALUES ('signing_key', ${sealed})
                ON CONFLICT DO NOTHING RETURNING 1`)
        : won(q`UPDATE settings SET value = ${sealed}
                WHERE name = 'signing_key' AND value = ${previous} RETURNING 1`),

    insertRegistration: (r, maxPending) =>
      together(async (d) => {
        if (maxPending !== undefined && r.status === "pending") {
          // Parallel registrations of one API key wait here until the holder committed,
          // so each count (a new snapshot, taken after the lock) includes the others'.
          await d`SELECT pg_advisory_xact_lock(hashtext(${r.apiKeyHash}))`;
          const pending = await one<{ n: number; t: number | null }>(d`
            SELECT COUNT(*)::bigint AS n, MIN(expires_at) AS t FROM registrations
            WHERE api_key_hash = ${r.apiKeyHash} AND status = 'pending'
            AND expires_at > ${r.createdAt}`);
          if ((pending?.n ?? 0) >= maxPending)
            return {
              inserted: false,
              reason: "too_many_pending",
              retryAt: pending?.t ?? r.createdAt,
            } as const;
        }
        const row = r as unknown as Record<string, unknown>;
        return (await won(
          d`INSERT INTO registrations ${d(row)} ON CONFLICT DO NOTHING RETURNING 1`,
        ))
          ? ({ inserted: true } as const)
          : ({ inserted: false, reason: "taken" } as const);
      }),
    registrationByDeviceCodeHash: (hash) =>
      one<RegistrationRecord>(q`SELECT * FROM registrations WHERE device_code_hash = ${hash}`),
    registrationByUserCode: (code) =>
      one<RegistrationRecord>(q`SELECT * FROM registrations WHERE user_code = ${code}`),
    listRegistrations: async ({ status, now, after, limit }) =>
      q<RegistrationRecord[]>`SELECT * FROM registrations
        WHERE status = ${status} AND (${status} <> 'pending' OR expires_at > ${now})
        AND (created_at > ${after?.createdAt ?? -1}
             OR (created_at = ${after?.createdAt ?? -1} AND id > ${after?.id ?? ""}))
        ORDER BY created_at, id LIMIT ${limit}`,
    decideRegistration: (id, status, now) =>
      won(q`UPDATE registrations SET status = ${status}, decided_at = ${now}
            WHERE id = ${id} AND status = 'pending' AND expires_at > ${now} RETURNING 1`),
    recordPoll: async (id, nowMs) => {
      // One statement: the row is locked, its poll time and interval read and written.
      const row = await one<{ slow: boolean }>(q`
        UPDATE registrations r SET
          "interval" = CASE WHEN o.slow THEN r."interval" + 5 ELSE r."interval" END,
          last_poll_at_ms = ${nowMs}
        FROM (SELECT id, last_poll_at_ms IS NOT NULL
                AND ${nowMs} - last_poll_at_ms < "interval" * 1000 AS slow
              FROM registrations WHERE id = ${id} FOR UPDATE) o
        WHERE r.id = o.id RETURNING o.slow`);
      return row?.slow ? "slow_down" : "ok";
    },
    redeemRegistration: (id, now) =>
      won(q`UPDATE registrations SET redeemed_at = ${now}
            WHERE id = ${id} AND status = 'approved' AND redeemed_at IS NULL RETURNING 1`),

    putDevice: async (dev) => {
      const row = dev as unknown as Record<string, unknown>;
      await q`INSERT INTO devices ${q(row)} ON CONFLICT (client_id) DO UPDATE SET
        uid = EXCLUDED.uid, client_type = EXCLUDED.client_type,
        client_description = EXCLUDED.client_description, key_type = EXCLUDED.key_type,
        public_key = EXCLUDED.public_key, jkt = EXCLUDED.jkt, scope = EXCLUDED.scope,
        approved_at = EXCLUDED.approved_at, registration_id = EXCLUDED.registration_id`;
    },
    device: (clientId) => one(q`SELECT * FROM devices WHERE client_id = ${clientId}`),
    deleteDevice: (clientId) =>
      won(q`DELETE FROM devices WHERE client_id = ${clientId} RETURNING 1`),

    insertFamily: async (f) =>
      void (await q`INSERT INTO families ${q(f as unknown as Record<string, unknown>)}`),
    family: (id) => one(q`SELECT * FROM families WHERE id = ${id}`),
    revokeFamily: async (id, now) =>
      void (await q`UPDATE families SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`),
    revokeDeviceTokens: (deviceUid, now) =>
      together(async (d) => {
        await d`UPDATE families SET revoked_at = ${now}
                WHERE device_uid = ${deviceUid} AND revoked_at IS NULL`;
        await d`UPDATE access_tokens SET revoked_at = ${now}
                WHERE device_uid = ${deviceUid} AND revoked_at IS NULL`;
      }),

    insertAccessToken: async (t) =>
      void (await q`INSERT INTO access_tokens ${q(t as unknown as Record<string, unknown>)}`),
    accessToken: (jti) => one(q`SELECT * FROM access_tokens WHERE jti = ${jti}`),
    revokeAccessToken: async (jti, now) =>
      void (await q`UPDATE access_tokens SET revoked_at = ${now}
                    WHERE jti = ${jti} AND revoked_at IS NULL`),

    insertRefreshToken: async (t) =>
      void (await q`INSERT INTO refresh_tokens ${q(t as unknown as Record<string, unknown>)}`),
    refreshToken: (hash) => one(q`SELECT * FROM refresh_tokens WHERE hash = ${hash}`),
    rotateRefreshToken: (hash, nowMs) =>
      // The family row is locked (FOR SHARE) and re-checked on its newest version: a
      // revocation committed first makes this fail; one that comes later waits for it.
      won(q`
        WITH live AS (SELECT f.id FROM families f JOIN refresh_tokens t ON t.family_id = f.id
                      WHERE t.hash = ${hash} AND f.revoked_at IS NULL FOR SHARE OF f)
        UPDATE refresh_tokens SET rotated_at_ms = ${nowMs}
        WHERE hash = ${hash} AND rotated_at_ms IS NULL AND family_id IN (SELECT id FROM live)
        RETURNING 1`),

    insertPersonalToken: async (t) =>
      void (await q`INSERT INTO personal_tokens ${q(t as unknown as Record<string, unknown>)}`),
    personalTokenByHash: (hash) => one(q`SELECT * FROM personal_tokens WHERE hash = ${hash}`),
    listPersonalTokens: async (sub) =>
      q`SELECT * FROM personal_tokens WHERE sub = ${sub} ORDER BY created_at, id`,
    revokePersonalToken: (id, sub, now) =>
      won(q`UPDATE personal_tokens SET revoked_at = ${now}
            WHERE id = ${id} AND sub = ${sub} AND revoked_at IS NULL RETURNING 1`),

    consumeOnce: (kind, value, expiresAt) =>
      won(q`INSERT INTO used_once (kind, value, expires_at) VALUES (${kind}, ${value}, ${expiresAt})
            ON CONFLICT DO NOTHING RETURNING 1`),

    addDpopNonce: async (value, expiresAt) =>
      void (await q`INSERT INTO dpop_nonces (value, expires_at) VALUES (${value}, ${expiresAt})
                    ON CONFLICT (value) DO UPDATE SET expires_at = EXCLUDED.expires_at`),
    dpopNonceValid: async (value, now) =>
      (await one(q`SELECT 1 FROM dpop_nonces WHERE value = ${value} AND expires_at > ${now}`)) !==
      undefined,
    latestDpopNonce: (now) =>
      one(q`SELECT value, expires_at FROM dpop_nonces WHERE expires_at > ${now}
            ORDER BY expires_at DESC LIMIT 1`),

    countFailure: async (key, now, window) =>
      (await one<FailureCount>(q`
        INSERT INTO failures (key, count, reset_at) VALUES (${key}, 1, ${now + window})
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN failures.reset_at <= ${now} THEN 1 ELSE failures.count + 1 END,
          reset_at = CASE WHEN failures.reset_at <= ${now} THEN ${now + window}
                          ELSE failures.reset_at END
        RETURNING count, reset_at`))!,
    failures: async (key, now) =>
      (await one<FailureCount>(
        q`SELECT count, reset_at FROM failures WHERE key = ${key} AND reset_at > ${now}`,
      )) ?? { count: 0, resetAt: now },

    purge: (now, registrationRetention) =>
      together(async (d) => {
        await d`DELETE FROM used_once WHERE expires_at <= ${now}`;
        await d`DELETE FROM dpop_nonces WHERE expires_at <= ${now}`;
        await d`DELETE FROM failures WHERE reset_at <= ${now}`;
        await d`DELETE FROM registrations WHERE expires_at <= ${now - registrationRetention}`;
      }),
    close: async () => {
      if (!inTx) await pool.end({ timeout: 5 });
    },
  };
}
