/**
 * Creating a registration and installing an approved one as the device record.
 */
import {
  normalizeUserCode,
  randomToken,
  sha256b64url,
  userCode,
} from "../../src/protocol/random.ts";
import type { App } from "../context.ts";
import { OAuthError } from "../errors.ts";
import type { DeviceRecord, RegistrationRecord } from "../store/types.ts";

export type NewRegistration = Pick<
  RegistrationRecord,
  | "clientId"
  | "clientType"
  | "clientDescription"
  | "keyType"
  | "publicKey"
  | "jkt"
  | "scope"
  | "apiKeyHash"
>;

/**
 * Stores a registration with fresh codes; returns it with the device code in clear. A
 * pending one only while its API key has fewer than `limits.pendingRegistrations` pending
 * (DTP-REG-026): past the cap, 429 `temporarily_unavailable` until the oldest expires.
 */
export function createRegistration(
  app: App,
  fields: NewRegistration,
  status: "pending" | "approved",
): { record: RegistrationRecord; deviceCode: string } {
  const now = app.now();
  for (let attempt = 0; ; attempt++) {
    const deviceCode = randomToken(32);
    const record: RegistrationRecord = {
      ...fields,
      id: randomToken(12),
      userCode: normalizeUserCode(userCode()),
      deviceCodeHash: sha256b64url(deviceCode),
      status,
      createdAt: now,
      // Rounded up, so the code never lives less than the advertised expires_in.
      expiresAt: Math.ceil(app.nowMs() / 1000) + app.options.lifetimes.deviceCode,
      interval: app.options.lifetimes.interval,
      lastPollAtMs: null,
      decidedAt: status === "approved" ? now : null,
      redeemedAt: null,
    };
    const cap = app.options.limits.pendingRegistrations;
    const result = app.store.insertRegistration(record, cap);
    if (result.inserted) return { record, deviceCode };
    if (result.reason === "too_many_pending") {
      const wait = Math.max(1, result.retryAt - now);
      throw new OAuthError(
        "temporarily_unavailable",
        `this API key has ${cap} pending registrations: retry after ${wait} s`,
        429,
        { "Retry-After": String(wait) },
      );
    }
    if (attempt >= 10) throw new Error("could not allocate a unique user code");
  }
}

/**
 * Makes an approved registration the device record for its `client_id`. A previous record
 * is replaced: every token issued under it is revoked.
 */
export function installDevice(app: App, r: RegistrationRecord): DeviceRecord {
  const now = app.now();
  const previous = app.store.device(r.clientId);
  if (previous) app.store.revokeDeviceTokens(previous.uid, now);
  const device: DeviceRecord = {
    clientId: r.clientId,
    uid: randomToken(12),
    clientType: r.clientType,
    clientDescription: r.clientDescription,
    keyType: r.keyType,
    publicKey: r.publicKey,
    jkt: r.jkt,
    scope: r.scope,
    approvedAt: now,
    registrationId: r.id,
  };
  app.store.putDevice(device);
  return device;
}

/** `XXXX-XXXX` for display. */
export const displayUserCode = (normalised: string) =>
  `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
