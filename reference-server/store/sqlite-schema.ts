/**
 * The sqlite schema. Column names are the record field names, so rows map to records
 * one to one. Created on open (idempotent); MIGRATIONS bring an older file up to date.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS secrets (kind TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (kind, hash));
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registrations (
  id TEXT PRIMARY KEY, userCode TEXT NOT NULL UNIQUE, deviceCodeHash TEXT NOT NULL UNIQUE,
  apiKeyHash TEXT NOT NULL DEFAULT '', clientId TEXT NOT NULL, clientType TEXT NOT NULL, clientDescription TEXT, keyType TEXT,
  publicKey TEXT, jkt TEXT, scope TEXT NOT NULL, status TEXT NOT NULL,
  createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, interval INTEGER NOT NULL,
  lastPollAtMs INTEGER, decidedAt INTEGER, redeemedAt INTEGER);
CREATE INDEX IF NOT EXISTS registrations_status ON registrations (status);
CREATE TABLE IF NOT EXISTS devices (
  clientId TEXT PRIMARY KEY, uid TEXT NOT NULL, clientType TEXT NOT NULL,
  clientDescription TEXT, keyType TEXT, publicKey TEXT, jkt TEXT, scope TEXT NOT NULL,
  approvedAt INTEGER NOT NULL, registrationId TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS families (
  id TEXT PRIMARY KEY, clientId TEXT NOT NULL, deviceUid TEXT, sub TEXT NOT NULL,
  kind TEXT NOT NULL, scope TEXT NOT NULL, jkt TEXT, createdAt INTEGER NOT NULL, revokedAt INTEGER);
CREATE INDEX IF NOT EXISTS families_device ON families (deviceUid);
CREATE TABLE IF NOT EXISTS access_tokens (
  jti TEXT PRIMARY KEY, familyId TEXT, clientId TEXT NOT NULL, deviceUid TEXT,
  sub TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, jkt TEXT,
  iat INTEGER NOT NULL, exp INTEGER NOT NULL, revokedAt INTEGER);
CREATE INDEX IF NOT EXISTS access_tokens_device ON access_tokens (deviceUid);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  hash TEXT PRIMARY KEY, familyId TEXT NOT NULL, parentHash TEXT, scope TEXT NOT NULL,
  createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, rotatedAtMs INTEGER);
CREATE TABLE IF NOT EXISTS personal_tokens (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, sub TEXT NOT NULL, clientId TEXT NOT NULL,
  deviceUid TEXT,
  name TEXT NOT NULL, scope TEXT NOT NULL, createdAt INTEGER NOT NULL,
  expiresAt INTEGER NOT NULL, revokedAt INTEGER);
CREATE INDEX IF NOT EXISTS personal_tokens_sub ON personal_tokens (sub);
CREATE INDEX IF NOT EXISTS personal_tokens_device ON personal_tokens (deviceUid);
CREATE TABLE IF NOT EXISTS used_once (
  kind TEXT NOT NULL, value TEXT NOT NULL, expiresAt INTEGER NOT NULL, PRIMARY KEY (kind, value));
CREATE TABLE IF NOT EXISTS dpop_nonces (value TEXT PRIMARY KEY, expiresAt INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
  key TEXT PRIMARY KEY, count INTEGER NOT NULL, resetAt INTEGER NOT NULL);
`;

/** Indexes over columns an older file may lack: created after MIGRATIONS ran. */
export const INDEXES = `
CREATE INDEX IF NOT EXISTS registrations_page ON registrations (status, createdAt, id);
CREATE INDEX IF NOT EXISTS registrations_pending ON registrations (apiKeyHash, status, expiresAt);
CREATE INDEX IF NOT EXISTS registrations_expiry ON registrations (expiresAt);
`;

/** Columns added since the first version: [table, column, definition]. */
export const MIGRATIONS: readonly [string, string, string][] = [
  ["registrations", "apiKeyHash", "TEXT NOT NULL DEFAULT ''"],
];
