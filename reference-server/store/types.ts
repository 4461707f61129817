/**
 * The store interface. Every method is synchronous, so each single-use decision
 * (redeeming a device code, rotating a refresh token, consuming a nonce or `jti`) is one
 * conditional statement and therefore atomic, in memory and in node:sqlite alike.
 * Limits are decided the same way: a pending registration is inserted only while its API
 * key is under the cap, and each failed attempt is counted by one upsert that returns the
 * count it decides on. Everything that instances of one server must share lives here.
 * Secrets (API keys, device codes, refresh and personal tokens) are stored as SHA-256 hashes.
 * Times are integer seconds unless the name says `Ms`.
 */
import type { KeyType } from "../../src/protocol/keys.ts";

export type ClientType =
  | "printer"
  | "chrome_extension"
  | "desktop_client"
  | "mobile_device"
  | "server";
export type RegistrationStatus = "pending" | "approved" | "denied";
export type TokenKind = "device" | "user" | "service";

export interface RegistrationRecord {
  id: string;
  /** Normalised (upper case, no dash). */
  userCode: string;
  deviceCodeHash: string;
  /** SHA-256 of the API key it was made with (pending registrations are capped per key). */
  apiKeyHash: string;
  clientId: string;
  clientType: ClientType;
  clientDescription: string | null;
  keyType: KeyType | null;
  /** `public_key` as sent (base64). */
  publicKey: string | null;
  jkt: string | null;
  scope: string;
  status: RegistrationStatus;
  createdAt: number;
  expiresAt: number;
  /** Current polling interval for this code (grows by 5 s on each `slow_down`). */
  interval: number;
  lastPollAtMs: number | null;
  decidedAt: number | null;
  redeemedAt: number | null;
}

export interface DeviceRecord {
  clientId: string;
  /** Changes whenever an approval replaces the device record; tokens carry it. */
  uid: string;
  clientType: ClientType;
  clientDescription: string | null;
  keyType: KeyType | null;
  publicKey: string | null;
  jkt: string | null;
  scope: string;
  approvedAt: number;
  registrationId: string;
}

/** A grant: every refresh and access token descending from one device-code or login. */
export interface FamilyRecord {
  id: string;
  clientId: string;
  /** The device record the grant went through; null for a client that is not a device. */
  deviceUid: string | null;
  sub: string;
  kind: TokenKind;
  scope: string;
  jkt: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessTokenRecord {
  jti: string;
  familyId: string | null;
  clientId: string;
  deviceUid: string | null;
  sub: string;
  kind: TokenKind;
  scope: string;
  jkt: string | null;
  iat: number;
  exp: number;
  revokedAt: number | null;
}

export interface RefreshTokenRecord {
  hash: string;
  familyId: string;
  parentHash: string | null;
  scope: string;
  createdAt: number;
  expiresAt: number;
  rotatedAtMs: number | null;
}

export interface PersonalTokenRecord {
  id: string;
  hash: string;
  sub: string;
  /** The device through which the creating user logged in (and its record's uid). */
  clientId: string;
  deviceUid: string | null;
  name: string;
  scope: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type SecretKind = "api_key" | "admin_key";

/** What `insertRegistration` did. */
export type InsertRegistrationResult =
  | { inserted: true }
  | { inserted: false; reason: "taken" }
  /** The API key already has `maxPending` pending registrations; the oldest expires at `retryAt`. */
  | { inserted: false; reason: "too_many_pending"; retryAt: number };

/** A page of `listRegistrations`: oldest first (`createdAt`, then `id`), after `after`. */
export interface RegistrationQuery {
  status: RegistrationStatus;
  /** Pending registrations that expired by `now` are left out (they can no longer be decided). */
  now: number;
  after?: { createdAt: number; id: string };
  limit: number;
}

/** Failures counted for one limit key in its current window. */
export interface FailureCount {
  count: number;
  /** When the window ends (the count starts again from 0). */
  resetAt: number;
}
export type OnceKind = "dpop_jti" | "assertion_jti" | "signature_nonce";

export interface Store {
  /** Remembers the hash of an API or admin key (idempotent). */
  addSecretHash(kind: SecretKind, hash: string): void;
  secretHashes(kind: SecretKind): string[];

  /**
   * The access-token signing key, kept so old tokens still verify: a JWE encrypted under a
   * key-encryption key that is never in the store (DTP-SEC-009, `tokens/key-encryption.ts`).
   */
  signingKey(): string | undefined;
  saveSigningKey(sealed: string): void;

  /**
   * Inserts a registration: `taken` when its user code or device code exists (the caller
   * retries with new ones); with `maxPending`, a pending one only while its API key has
   * fewer pending, unexpired registrations (one conditional statement, DTP-REG-026).
   */
  insertRegistration(r: RegistrationRecord, maxPending?: number): InsertRegistrationResult;
  registrationByDeviceCodeHash(hash: string): RegistrationRecord | undefined;
  registrationByUserCode(userCode: string): RegistrationRecord | undefined;
  listRegistrations(q: RegistrationQuery): RegistrationRecord[];
  /** pending → status, only while pending and unexpired; true when this call decided. */
  decideRegistration(id: string, status: "approved" | "denied", now: number): boolean;
  /**
   * Records a poll. If the previous poll was less than `interval` ago, the interval grows
   * by 5 s and the result is `slow_down`.
   */
  recordPoll(id: string, nowMs: number): "ok" | "slow_down";
  /** Marks an approved code redeemed; true only for the one call that did it. */
  redeemRegistration(id: string, now: number): boolean;

  putDevice(d: DeviceRecord): void;
  device(clientId: string): DeviceRecord | undefined;
  deleteDevice(clientId: string): boolean;

  insertFamily(f: FamilyRecord): void;
  family(id: string): FamilyRecord | undefined;
  revokeFamily(id: string, now: number): void;
  /**
   * Revokes every family and access token issued under this device record. Personal tokens
   * belong to the user and are left alone (DTP-PAT-014).
   */
  revokeDeviceTokens(deviceUid: string, now: number): void;

  insertAccessToken(t: AccessTokenRecord): void;
  accessToken(jti: string): AccessTokenRecord | undefined;
  revokeAccessToken(jti: string, now: number): void;

  insertRefreshToken(t: RefreshTokenRecord): void;
  refreshToken(hash: string): RefreshTokenRecord | undefined;
  /**
   * Marks the token rotated, only while it is unrotated and its family is not revoked: true
   * only for the one call that did it. One conditional statement, so a reuse that revokes
   * the family and the rotation of its newest token cannot both win (issue 16, point 6).
   */
  rotateRefreshToken(hash: string, nowMs: number): boolean;

  insertPersonalToken(t: PersonalTokenRecord): void;
  personalTokenByHash(hash: string): PersonalTokenRecord | undefined;
  listPersonalTokens(sub: string): PersonalTokenRecord[];
  /** True when an active token of this user was revoked by this call. */
  revokePersonalToken(id: string, sub: string, now: number): boolean;

  /** Records a single-use value; true the first time, false on replay. */
  consumeOnce(kind: OnceKind, value: string, expiresAt: number): boolean;

  addDpopNonce(value: string, expiresAt: number): void;
  dpopNonceValid(value: string, now: number): boolean;
  /** The newest unexpired nonce. */
  latestDpopNonce(now: number): { value: string; expiresAt: number } | undefined;

  /**
   * Counts one failed attempt for `key` (a hash of the limit's kind, subject and source) in a
   * fixed window of `window` seconds from its first failure: one upsert, which returns the
   * count the caller decides on (over the limit: refused).
   */
  countFailure(key: string, now: number, window: number): FailureCount;
  /** The failures counted for `key` in its current window (0 when none). */
  failures(key: string, now: number): FailureCount;

  /**
   * Drops expired single-use values, nonces and failure counts, and the registrations that
   * have been expired for `registrationRetention` seconds (DTP-POLL-006).
   */
  purge(now: number, registrationRetention: number): void;
  close(): void;
}
