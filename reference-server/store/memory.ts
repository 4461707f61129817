/**
 * In-memory store: a synchronous core made asynchronous by `serialized.ts`. Each method
 * runs synchronously to completion, so single-use decisions are atomic exactly as in the
 * sqlite store. Records are copied in and out, and replaced,
 * never changed in place: every write is a `set` or `delete` on one of the tables, which
 * a transaction journals so that a throw undoes them all.
 */

import { serialized } from "./serialized.ts";
import type {
  AccessTokenRecord,
  DeviceRecord,
  FailureCount,
  FamilyRecord,
  OnceKind,
  PersonalTokenRecord,
  RefreshTokenRecord,
  RegistrationRecord,
  SecretKind,
  Store,
  SyncCore,
} from "./types.ts";

const copy = <T extends object>(v: T | undefined): T | undefined => (v ? { ...v } : undefined);

/** The undo steps of the open transaction, if any. */
interface Journal {
  undo: (() => void)[] | undefined;
}

/** A Map whose writes are journaled while a transaction is open. */
class Table<K, V> extends Map<K, V> {
  private readonly journal: Journal;
  constructor(journal: Journal) {
    super();
    this.journal = journal;
  }
  override set(key: K, value: V): this {
    this.remember(key);
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    this.remember(key);
    return super.delete(key);
  }
  private remember(key: K): void {
    const undo = this.journal.undo;
    if (undo === undefined) return;
    const had = super.has(key);
    const before = super.get(key);
    undo.push(() => void (had ? super.set(key, before as V) : super.delete(key)));
  }
}

export function createMemoryStore(): Store {
  const journal: Journal = { undo: undefined };
  const table = <K, V>() => new Table<K, V>(journal);
  const secrets = { api_key: table<string, true>(), admin_key: table<string, true>() };
  const settings = table<"signing_key", string>();
  const registrations = table<string, RegistrationRecord>();
  const byDeviceCode = table<string, string>();
  const byUserCode = table<string, string>();
  const devices = table<string, DeviceRecord>();
  const families = table<string, FamilyRecord>();
  const access = table<string, AccessTokenRecord>();
  const refresh = table<string, RefreshTokenRecord>();
  const personal = table<string, PersonalTokenRecord>();
  const personalByHash = table<string, string>();
  const once = table<string, number>();
  const nonces = table<string, number>();
  const failures = table<string, FailureCount>();
  /** Replaces a record with `changes` applied (records are never changed in place). */
  const update = <V extends object>(t: Map<string, V>, key: string, v: V, changes: Partial<V>) =>
    void t.set(key, { ...v, ...changes });
  const pendingOf = (apiKeyHash: string, now: number) =>
    [...registrations.values()].filter(
      (r) => r.apiKeyHash === apiKeyHash && r.status === "pending" && r.expiresAt > now,
    );

  let undo: (() => void)[] = [];
  const core: SyncCore = {
    begin() {
      if (journal.undo !== undefined) throw new Error("store transactions do not nest");
      undo = [];
      journal.undo = undo;
    },
    commit() {
      journal.undo = undefined;
    },
    rollback() {
      journal.undo = undefined;
      for (const step of undo.reverse()) step();
    },

    addSecretHash: (kind: SecretKind, hash) => void secrets[kind].set(hash, true),
    secretHashes: (kind: SecretKind) => [...secrets[kind].keys()],
    signingKey: () => settings.get("signing_key"),
    saveSigningKey(sealed, previous) {
      if (settings.get("signing_key") !== previous) return false;
      settings.set("signing_key", sealed);
      return true;
    },

    insertRegistration(r, maxPending) {
      if (byDeviceCode.has(r.deviceCodeHash) || byUserCode.has(r.userCode))
        return { inserted: false, reason: "taken" };
      if (maxPending !== undefined && r.status === "pending") {
        const pending = pendingOf(r.apiKeyHash, r.createdAt);
        if (pending.length >= maxPending)
          return {
            inserted: false,
            reason: "too_many_pending",
            retryAt: Math.min(...pending.map((p) => p.expiresAt)),
          };
      }
      registrations.set(r.id, { ...r });
      byDeviceCode.set(r.deviceCodeHash, r.id);
      byUserCode.set(r.userCode, r.id);
      return { inserted: true };
    },
    registrationByDeviceCodeHash: (hash) => copy(registrations.get(byDeviceCode.get(hash) ?? "")),
    registrationByUserCode: (code) => copy(registrations.get(byUserCode.get(code) ?? "")),
    listRegistrations: ({ status, now, after, limit }) =>
      [...registrations.values()]
        .filter((r) => r.status === status && (status !== "pending" || r.expiresAt > now))
        .filter(
          (r) =>
            !after ||
            r.createdAt > after.createdAt ||
            (r.createdAt === after.createdAt && r.id > after.id),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map((r) => ({ ...r })),
    decideRegistration(id, status, now) {
      const r = registrations.get(id);
      if (r?.status !== "pending" || r.expiresAt <= now) return false;
      update(registrations, id, r, { status, decidedAt: now });
      return true;
    },
    recordPoll(id, nowMs) {
      const r = registrations.get(id);
      if (!r) return "ok";
      const tooSoon = r.lastPollAtMs !== null && nowMs - r.lastPollAtMs < r.interval * 1000;
      update(registrations, id, r, {
        lastPollAtMs: nowMs,
        interval: tooSoon ? r.interval + 5 : r.interval,
      });
      return tooSoon ? "slow_down" : "ok";
    },
    redeemRegistration(id, now) {
      const r = registrations.get(id);
      if (r?.status !== "approved" || r.redeemedAt !== null) return false;
      update(registrations, id, r, { redeemedAt: now });
      return true;
    },

    putDevice: (d: DeviceRecord) => void devices.set(d.clientId, { ...d }),
    device: (clientId) => copy(devices.get(clientId)),
    deleteDevice: (clientId) => devices.delete(clientId),

    insertFamily: (f: FamilyRecord) => void families.set(f.id, { ...f }),
    family: (id) => copy(families.get(id)),
    revokeFamily(id, now) {
      const f = families.get(id);
      if (f && f.revokedAt === null) update(families, id, f, { revokedAt: now });
    },
    revokeDeviceTokens(deviceUid, now) {
      for (const [id, f] of families)
        if (f.deviceUid === deviceUid && f.revokedAt === null)
          update(families, id, f, { revokedAt: now });
      for (const [jti, t] of access)
        if (t.deviceUid === deviceUid && t.revokedAt === null)
          update(access, jti, t, { revokedAt: now });
    },

    insertAccessToken: (t: AccessTokenRecord) => void access.set(t.jti, { ...t }),
    accessToken: (jti) => copy(access.get(jti)),
    revokeAccessToken(jti, now) {
      const t = access.get(jti);
      if (t && t.revokedAt === null) update(access, jti, t, { revokedAt: now });
    },

    insertRefreshToken: (t: RefreshTokenRecord) => void refresh.set(t.hash, { ...t }),
    refreshToken: (hash) => copy(refresh.get(hash)),
    rotateRefreshToken(hash, nowMs) {
      const t = refresh.get(hash);
      if (!t || t.rotatedAtMs !== null) return false;
      if (families.get(t.familyId)?.revokedAt !== null) return false;
      update(refresh, hash, t, { rotatedAtMs: nowMs });
      return true;
    },

    insertPersonalToken(t: PersonalTokenRecord) {
      personal.set(t.id, { ...t });
      personalByHash.set(t.hash, t.id);
    },
    personalTokenByHash: (hash) => copy(personal.get(personalByHash.get(hash) ?? "")),
    listPersonalTokens: (sub) =>
      [...personal.values()].filter((t) => t.sub === sub).map((t) => ({ ...t })),
    revokePersonalToken(id, sub, now) {
      const t = personal.get(id);
      if (!t || t.sub !== sub || t.revokedAt !== null) return false;
      update(personal, id, t, { revokedAt: now });
      return true;
    },

    consumeOnce(kind: OnceKind, value, expiresAt) {
      const key = `${kind}\u0000${value}`;
      if (once.has(key)) return false;
      once.set(key, expiresAt);
      return true;
    },

    addDpopNonce: (value, expiresAt) => void nonces.set(value, expiresAt),
    dpopNonceValid: (value, now) => (nonces.get(value) ?? 0) > now,
    latestDpopNonce(now) {
      let best: { value: string; expiresAt: number } | undefined;
      for (const [value, expiresAt] of nonces)
        if (expiresAt > now && (!best || expiresAt >= best.expiresAt)) best = { value, expiresAt };
      return best;
    },

    countFailure(key, now, window) {
      const f = failures.get(key);
      const next =
        !f || f.resetAt <= now
          ? { count: 1, resetAt: now + window }
          : { count: f.count + 1, resetAt: f.resetAt };
      failures.set(key, next);
      return { ...next };
    },
    failures(key, now) {
      const f = failures.get(key);
      return f && f.resetAt > now ? { ...f } : { count: 0, resetAt: now };
    },

    purge(now, registrationRetention) {
      for (const [k, exp] of once) if (exp <= now) once.delete(k);
      for (const [k, exp] of nonces) if (exp <= now) nonces.delete(k);
      for (const [k, f] of failures) if (f.resetAt <= now) failures.delete(k);
      for (const [id, r] of registrations) {
        if (r.expiresAt > now - registrationRetention) continue;
        registrations.delete(id);
        byDeviceCode.delete(r.deviceCodeHash);
        byUserCode.delete(r.userCode);
      }
    },
    close() {},
  };
  return serialized(core);
}
