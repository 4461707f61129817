/**
 * Pre-populates a reference-server sqlite file with `count` registered devices, each with
 * what a device-code redemption leaves behind: an approved and redeemed registration, the
 * device record, a token family, an access-token record and a refresh-token record. Direct
 * SQL in one transaction (the store interface commits per statement), with the schema the
 * server itself creates. Keys have the server's lengths and alphabet; each starts with the
 * row's index in an order-preserving base64url prefix, so that every index is built by
 * appends (random keys make 1M devices take minutes on a small machine). The trees are
 * then denser than ones grown at random (about 100% page fill instead of about 70%), with
 * the same depth; the tokens the load uses are the server's own, random.
 */
import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { createSqliteStore } from "../../reference-server/store/sqlite.ts";

/** base64url digits in ASCII order, so that fixed-width prefixes sort like numbers. */
const SORTED = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const PREFIX = 4; // 64^4 = 16.7M rows

/** base64url strings of `bytes` bytes: an order-preserving prefix, then random characters. */
class Ids {
  private buf = Buffer.alloc(0);
  private at = 0;
  private prefix = "";
  row(i: number): void {
    let p = "";
    for (let k = 0, n = i; k < PREFIX; k++, n = Math.floor(n / 64)) p = SORTED[n % 64]! + p;
    this.prefix = p;
  }
  next(bytes: number): string {
    if (this.at + bytes > this.buf.length) {
      this.buf = randomBytes(1 << 20);
      this.at = 0;
    }
    const s = this.buf.toString("base64url", this.at, this.at + bytes);
    this.at += bytes;
    return this.prefix + s.slice(PREFIX);
  }
}

const USER_CODE = "BCDFGHJKLMNPQRSTVWXZ";

export interface PopulateResult {
  devices: number;
  rows: number;
  seconds: number;
  /** CPU time of this process (user + system) while populating: the wall time on an idle machine. */
  cpuSeconds: number;
  fileMiB: number;
}

export function populate(file: string, count: number): PopulateResult {
  createSqliteStore(file).close(); // the server's own schema
  const started = performance.now();
  const cpu = process.cpuUsage();
  const db = new DatabaseSync(file);
  // Bulk load: no journal (the file is new; a crash loses only the benchmark's data), no
  // fsync, a 64 MiB page cache. The file is back in WAL mode, as the server opens it, at the end.
  db.exec(
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA locking_mode = EXCLUSIVE;",
  );
  const ids = new Ids();
  const now = Math.floor(Date.now() / 1000);
  const insert = (table: string, cols: string[]) =>
    db.prepare(
      `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
    );
  const reg = insert("registrations", [
    "id",
    "userCode",
    "deviceCodeHash",
    "clientId",
    "clientType",
    "clientDescription",
    "keyType",
    "publicKey",
    "jkt",
    "scope",
    "status",
    "createdAt",
    "expiresAt",
    "interval",
    "lastPollAtMs",
    "decidedAt",
    "redeemedAt",
  ]);
  const dev = insert("devices", [
    "clientId",
    "uid",
    "clientType",
    "clientDescription",
    "keyType",
    "publicKey",
    "jkt",
    "scope",
    "approvedAt",
    "registrationId",
  ]);
  const fam = insert("families", [
    "id",
    "clientId",
    "deviceUid",
    "sub",
    "kind",
    "scope",
    "jkt",
    "createdAt",
    "revokedAt",
  ]);
  const at = insert("access_tokens", [
    "jti",
    "familyId",
    "clientId",
    "deviceUid",
    "sub",
    "kind",
    "scope",
    "jkt",
    "iat",
    "exp",
    "revokedAt",
  ]);
  const rt = insert("refresh_tokens", [
    "hash",
    "familyId",
    "parentHash",
    "scope",
    "createdAt",
    "expiresAt",
    "rotatedAtMs",
  ]);
  const scope = "me login";
  const userCode = (i: number) => {
    // Unique by construction: the index in base 20, padded to 8 letters.
    let s = "";
    for (let k = 0, n = i; k < 8; k++, n = Math.floor(n / 20)) s = USER_CODE[n % 20]! + s;
    return s;
  };
  db.exec("BEGIN");
  try {
    for (let i = 0; i < count; i++) {
      ids.row(i);
      const clientId = `pop-${ids.next(9)}`;
      const regId = ids.next(12);
      const uid = ids.next(12);
      const familyId = ids.next(16);
      reg.run(
        regId,
        userCode(i),
        ids.next(32),
        clientId,
        "printer",
        null,
        null,
        null,
        null,
        scope,
        "approved",
        now,
        now + 600,
        5,
        now * 1000,
        now,
        now,
      );
      dev.run(clientId, uid, "printer", null, null, null, null, scope, now, regId);
      fam.run(familyId, clientId, uid, clientId, "device", scope, null, now, null);
      at.run(
        ids.next(16),
        familyId,
        clientId,
        uid,
        clientId,
        "device",
        scope,
        null,
        now,
        now + 3600,
        null,
      );
      rt.run(ids.next(32), familyId, null, scope, now, now + 7_776_000, null);
    }
    db.exec("COMMIT");
  } catch (e) {
    db.exec("ROLLBACK");
    throw e;
  }
  db.exec("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;");
  const pages = db.prepare("PRAGMA page_count").get() as { page_count: number };
  const size = db.prepare("PRAGMA page_size").get() as { page_size: number };
  db.close();
  const used = process.cpuUsage(cpu);
  return {
    devices: count,
    rows: count * 5,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    fileMiB: (pages.page_count * size.page_size) / 2 ** 20,
  };
}
