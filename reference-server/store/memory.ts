/**
 * In-memory store. Each method runs synchronously to completion, so single-use decisions
 * are atomic exactly as in the sqlite store. Records are copied in and out.
 */
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
} from "./types.ts";

const copy = <T extends object>(v: T | undefined): T | undefined => (v ? { ...v } : undefined);

export function createMemoryStore(): Store {
  const secrets = { api_key: new Set<string>(), admin_key: new Set<string>() };
  let signingKey: string | undefined;
  const registrations = new Map<string, RegistrationRecord>();
  const byDeviceCode = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  const devices = new Map<string, DeviceRecord>();
  const families = new Map<string, FamilyRecord>();
  const access = new Map<string, AccessTokenRecord>();
  const refresh = new Map<string, RefreshTokenRecord>();
  const personal = new Map<string, PersonalTokenRecord>();
  const personalByHash = new Map<string, string>();
  const once = new Map<string, number>();
  const nonces = new Map<string, number>();
  const failures = new Map<string, FailureCount>();
  const pendingOf = (apiKeyHash: string, now: number) =>
    [...registrations.values()].filter(
      (r) => r.apiKeyHash === apiKeyHash && r.status === "pending" && r.expiresAt > now,
    );

  return {
    addSecretHash: (kind: SecretKind, hash) => void secrets[kind].add(hash),
    secretHashes: (kind: SecretKind) => [...secrets[kind]],
    signingKey: () => signingKey,
    saveSigningKey: (jwk) => {
      signingKey = jwk;
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
      r.status = status;
      r.decidedAt = now;
      return true;
    },
    recordPoll(id, nowMs) {
      const r = registrations.get(id);
      if (!r) return "ok";
      const tooSoon = r.lastPollAtMs !== null && nowMs - r.lastPollAtMs < r.interval * 1000;
      r.lastPollAtMs = nowMs;
      if (!tooSoon) return "ok";
      r.interval += 5;
      return "slow_down";
    },
    redeemRegistration(id, now) {
      const r = registrations.get(id);
      if (r?.status !== "approved" || r.redeemedAt !== null) return false;
      r.redeemedAt = now;
      return true;
    },

    putDevice: (d: DeviceRecord) => void devices.set(d.clientId, { ...d }),
    device: (clientId) => copy(devices.get(clientId)),
    deleteDevice: (clientId) => devices.delete(clientId),

    insertFamily: (f: FamilyRecord) => void families.set(f.id, { ...f }),
    family: (id) => copy(families.get(id)),
    revokeFamily(id, now) {
      const f = families.get(id);
      if (f && f.revokedAt === null) f.revokedAt = now;
    },
    revokeDeviceTokens(deviceUid, now) {
      for (const f of families.values())
        if (f.deviceUid === deviceUid && f.revokedAt === null) f.revokedAt = now;
      for (const t of access.values())
        if (t.deviceUid === deviceUid && t.revokedAt === null) t.revokedAt = now;
    },

    insertAccessToken: (t: AccessTokenRecord) => void access.set(t.jti, { ...t }),
    accessToken: (jti) => copy(access.get(jti)),
    revokeAccessToken(jti, now) {
      const t = access.get(jti);
      if (t && t.revokedAt === null) t.revokedAt = now;
    },

    insertRefreshToken: (t: RefreshTokenRecord) => void refresh.set(t.hash, { ...t }),
    refreshToken: (hash) => copy(refresh.get(hash)),
    rotateRefreshToken(hash, nowMs) {
      const t = refresh.get(hash);
      if (!t || t.rotatedAtMs !== null) return false;
      if (families.get(t.familyId)?.revokedAt !== null) return false;
      t.rotatedAtMs = nowMs;
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
      t.revokedAt = now;
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
}
