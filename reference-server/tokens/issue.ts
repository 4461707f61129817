/**
 * Issuing tokens: JWT access tokens (RFC 9068; recorded by `jti` for revocation) and
 * opaque refresh tokens (stored hashed, in a family descending from one grant).
 */
import type { components } from "../../src/generated/openapi.ts";
import { randomToken, sha256b64url } from "../../src/protocol/random.ts";
import type { App } from "../context.ts";
import type { FamilyRecord, TokenKind } from "../store/types.ts";

export type TokenResponse = components["schemas"]["TokenResponse"];

export interface AccessGrant {
  clientId: string;
  deviceUid: string | null;
  sub: string;
  kind: TokenKind;
  scope: string;
  jkt: string | null;
  familyId: string | null;
}

/** Signs and records an access token. */
export async function issueAccessToken(
  app: App,
  g: AccessGrant,
): Promise<{ token: string; expiresIn: number }> {
  const iat = app.now();
  const expiresIn = app.options.lifetimes.accessToken;
  const jti = randomToken(16);
  const token = app.signer.sign({
    iss: app.issuer,
    sub: g.sub,
    aud: app.issuer,
    client_id: g.clientId,
    exp: iat + expiresIn,
    iat,
    jti,
    scope: g.scope,
    dtp_kind: g.kind,
    ...(g.jkt === null ? {} : { cnf: { jkt: g.jkt } }),
  });
  await app.store.insertAccessToken({
    jti,
    familyId: g.familyId,
    clientId: g.clientId,
    deviceUid: g.deviceUid,
    sub: g.sub,
    kind: g.kind,
    scope: g.scope,
    jkt: g.jkt,
    iat,
    exp: iat + expiresIn,
    revokedAt: null,
  });
  return { token, expiresIn };
}

/** Starts a token family (one per device-code redemption or login). */
export async function createFamily(
  app: App,
  f: Omit<FamilyRecord, "id" | "createdAt" | "revokedAt">,
): Promise<FamilyRecord> {
  const family: FamilyRecord = { ...f, id: randomToken(16), createdAt: app.now(), revokedAt: null };
  await app.store.insertFamily(family);
  return family;
}

/**
 * A new access + refresh token pair in `family`: the access token with `scope`, bound to
 * `jkt` (the family's key, or a proof key for an unbound family); the refresh token with
 * `refreshScope` (a narrowed refresh keeps the presented refresh token's scope).
 */
export async function issueTokenPair(
  app: App,
  family: FamilyRecord,
  scope: string,
  parentHash: string | null,
  jkt: string | null = family.jkt,
  refreshScope: string = scope,
): Promise<TokenResponse> {
  const access = await issueAccessToken(app, {
    clientId: family.clientId,
    deviceUid: family.deviceUid,
    sub: family.sub,
    kind: family.kind,
    scope,
    jkt,
    familyId: family.id,
  });
  const refreshToken = randomToken(32);
  const now = app.now();
  await app.store.insertRefreshToken({
    hash: sha256b64url(refreshToken),
    familyId: family.id,
    parentHash,
    scope: refreshScope,
    createdAt: now,
    // The family's lifetime counts from the original grant: rotation does not extend it.
    expiresAt: family.createdAt + app.options.lifetimes.refreshToken,
    rotatedAtMs: null,
  });
  return {
    access_token: access.token,
    token_type: jkt === null ? "Bearer" : "DPoP",
    expires_in: access.expiresIn,
    refresh_token: refreshToken,
    scope,
  };
}

/** Scope helpers (RFC 6749 §3.3: space-delimited, order irrelevant). */
export const scopeList = (scope: string): string[] => scope.split(" ").filter((s) => s !== "");
export const isSubset = (requested: string, granted: string): boolean => {
  const g = new Set(scopeList(granted));
  return scopeList(requested).every((s) => g.has(s));
};
