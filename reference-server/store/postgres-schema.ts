/**
 * The PostgreSQL schema as versioned migrations: migration N is applied once, in order,
 * and recorded in `dtp_migrations` (version, applied_at). Never edit a released migration:
 * append a new one. Columns are the record fields in snake_case (the driver maps them to
 * camelCase); times are BIGINT (seconds, or milliseconds where the name says `Ms`).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema (the sqlite schema's tables and indexes).
  `
CREATE TABLE secrets (kind TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (kind, hash));
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE registrations (
  id TEXT PRIMARY KEY, user_code TEXT NOT NULL UNIQUE, device_code_hash TEXT NOT NULL UNIQUE,
  api_key_hash TEXT NOT NULL, client_id TEXT NOT NULL, client_type TEXT NOT NULL,
  client_description TEXT, key_type TEXT, public_key TEXT, jkt TEXT, scope TEXT NOT NULL,
  status TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
  "interval" BIGINT NOT NULL, last_poll_at_ms BIGINT, decided_at BIGINT, redeemed_at BIGINT);
CREATE INDEX registrations_page ON registrations (status, created_at, id);
CREATE INDEX registrations_pending ON registrations (api_key_hash, status, expires_at);
CREATE INDEX registrations_expiry ON registrations (expires_at);
CREATE TABLE devices (
  client_id TEXT PRIMARY KEY, uid TEXT NOT NULL, client_type TEXT NOT NULL,
  client_description TEXT, key_type TEXT, public_key TEXT, jkt TEXT, scope TEXT NOT NULL,
  approved_at BIGINT NOT NULL, registration_id TEXT NOT NULL);
CREATE TABLE families (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL, device_uid TEXT, sub TEXT NOT NULL,
  kind TEXT NOT NULL, scope TEXT NOT NULL, jkt TEXT, created_at BIGINT NOT NULL,
  revoked_at BIGINT);
CREATE INDEX families_device ON families (device_uid);
CREATE TABLE access_tokens (
  jti TEXT PRIMARY KEY, family_id TEXT, client_id TEXT NOT NULL, device_uid TEXT,
  sub TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, jkt TEXT,
  iat BIGINT NOT NULL, exp BIGINT NOT NULL, revoked_at BIGINT);
CREATE INDEX access_tokens_device ON access_tokens (device_uid);
CREATE TABLE refresh_tokens (
  hash TEXT PRIMARY KEY, family_id TEXT NOT NULL, parent_hash TEXT, scope TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, rotated_at_ms BIGINT);
CREATE TABLE personal_tokens (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, sub TEXT NOT NULL, client_id TEXT NOT NULL,
  device_uid TEXT, name TEXT NOT NULL, scope TEXT NOT NULL, created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE INDEX personal_tokens_sub ON personal_tokens (sub);
CREATE TABLE used_once (
  kind TEXT NOT NULL, value TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (kind, value));
CREATE INDEX used_once_expiry ON used_once (expires_at);
CREATE TABLE dpop_nonces (value TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
CREATE TABLE failures (key TEXT PRIMARY KEY, count BIGINT NOT NULL, reset_at BIGINT NOT NULL);
`,
];
