/**
 * Is this token active? Signature and expiry (RFC 9068), then the revocation lookup:
 * a revoked `jti`, a revoked family, or a device that was deleted or replaced since.
 */
import type { AccessTokenClaims } from "../../src/protocol/access-token.ts";
import { sha256b64url } from "../../src/protocol/random.ts";
import type { App } from "../context.ts";
import type {
  AccessTokenRecord,
  FamilyRecord,
  PersonalTokenRecord,
  RefreshTokenRecord,
} from "../store/types.ts";

export type Inactive = { ok: false; reason: string };
export const PERSONAL_TOKEN_PREFIX = "dtp_pat_";

/** The device record the token was issued under still exists (not deleted nor replaced). */
export async function deviceCurrent(
  app: App,
  clientId: string,
  deviceUid: string | null,
): Promise<boolean> {
  return deviceUid === null || (await app.store.device(clientId))?.uid === deviceUid;
}

/**
 * The signature and claims (the signer may answer from its cache of verified tokens), then
 * the store, on every call: revoked, family revoked, device gone.
 */
export async function activeAccessToken(
  app: App,
  token: string,
): Promise<{ ok: true; claims: AccessTokenClaims; record: AccessTokenRecord } | Inactive> {
  const verified = app.signer.verify(token, app.now());
  if (!verified.ok)
    return {
      ok: false,
      reason: /exp.*claim|expired/i.test(verified.reason)
        ? "the access token has expired"
        : "the access token is not valid",
    };
  const record = await app.store.accessToken(verified.claims.jti);
  if (!record || record.revokedAt !== null)
    return { ok: false, reason: "the access token was revoked" };
  if (record.familyId !== null && (await app.store.family(record.familyId))?.revokedAt !== null)
    return { ok: false, reason: "the access token was revoked" };
  if (!(await deviceCurrent(app, record.clientId, record.deviceUid)))
    return { ok: false, reason: "the device of this token was removed" };
  return { ok: true, claims: verified.claims, record };
}

export async function activePersonalToken(
  app: App,
  token: string,
): Promise<{ ok: true; record: PersonalTokenRecord } | Inactive> {
  const record = await app.store.personalTokenByHash(sha256b64url(token));
  if (!record) return { ok: false, reason: "the personal token is not valid" };
  if (record.revokedAt !== null) return { ok: false, reason: "the personal token was revoked" };
  if (record.expiresAt <= app.now()) return { ok: false, reason: "the personal token has expired" };
  return { ok: true, record };
}

/** A refresh token with its family, whatever its state (the caller decides). */
export async function findRefreshToken(
  app: App,
  token: string,
): Promise<{ token: RefreshTokenRecord; family: FamilyRecord } | undefined> {
  const record = await app.store.refreshToken(sha256b64url(token));
  const family = record ? await app.store.family(record.familyId) : undefined;
  return record && family ? { token: record, family } : undefined;
}

/** Active = not rotated, not expired, family not revoked, device still current. */
export async function refreshTokenActive(
  app: App,
  found: { token: RefreshTokenRecord; family: FamilyRecord },
): Promise<boolean> {
  return (
    found.token.rotatedAtMs === null &&
    found.token.expiresAt > app.now() &&
    found.family.revokedAt === null &&
    (await deviceCurrent(app, found.family.clientId, found.family.deviceUid))
  );
}
