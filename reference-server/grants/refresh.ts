/**
 * Refresh (RFC 6749 §6, RFC 9700 §4.14.2): always rotates; a rotated token presented again
 * (after the grace period) revokes its whole family; scope may only narrow.
 */
import { authenticateClient } from "../auth/client-auth.ts";
import type { RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { type Reply, secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { deviceCurrent, findRefreshToken } from "../tokens/active.ts";
import { isSubset, issueTokenPair } from "../tokens/issue.ts";
import { dpopForToken } from "./dpop.ts";

export async function refreshTokenGrant(ctx: RequestContext): Promise<Reply> {
  const { app, form } = ctx;
  const invalidGrant = (reason: string) => new OAuthError("invalid_grant", reason);
  // 1. Authenticate the client; validate the form against RefreshTokenGrantRequest.
  const client = authenticateClient(ctx);
  validateBody(ctx);
  // 2. The token must exist and belong to this client (another client's: not revoked).
  const found = findRefreshToken(app, form.refresh_token ?? "");
  if (!found || found.family.clientId !== client.clientId)
    throw invalidGrant("the refresh token is not valid for this client");
  const { token, family } = found;
  // 3. DPoP-bound family: a proof with the same key (an unbound one may bind its new
  //    access token to the key of a proof it sends).
  const dpop = await dpopForToken(ctx, family.jkt);
  const nonce = dpop.headers;
  // 4. Revoked family, removed device, expired token → invalid_grant.
  if (family.revokedAt !== null) throw invalidGrant("the refresh token was revoked");
  if (!deviceCurrent(app, family.clientId, family.deviceUid))
    throw invalidGrant("the device of this token was removed");
  if (token.expiresAt <= app.now()) throw invalidGrant("the refresh token has expired");
  // 5. Scope may only narrow the presented token's scope.
  const scope = form.scope ?? token.scope;
  if (!isSubset(scope, token.scope))
    throw new OAuthError("invalid_scope", `"scope" may only narrow "${token.scope}"`, 400, nonce);
  // 6. Rotate atomically, only while the family is live (what was read above may be stale:
  //    a reuse may have revoked the family meanwhile). A token already rotated is a reuse:
  //    revoke the family (unless presented again within the declared grace period).
  const nowMs = app.nowMs();
  if (!app.store.rotateRefreshToken(token.hash, nowMs)) {
    if (!familyLive(app, family.id)) throw invalidGrant("the refresh token was revoked");
    const rotatedAtMs = app.store.refreshToken(token.hash)?.rotatedAtMs ?? 0;
    const grace = app.options.refreshReuseGrace * 1000;
    if (!(grace > 0 && nowMs - rotatedAtMs <= grace)) {
      app.store.revokeFamily(family.id, app.now());
      throw invalidGrant("the refresh token was already used; its token family is revoked");
    }
  }
  // 7. Issue the next pair in the same family: the access token with the requested
  //    scope, the refresh token with the presented one's.
  const pair = issueTokenPair(app, family, normalise(scope), token.hash, dpop.jkt, token.scope);
  // 8. Answer 200 only with live tokens: another instance may have revoked the family
  //    between the rotation and the issuance.
  if (!familyLive(app, family.id)) throw invalidGrant("the refresh token was revoked");
  return secretJson(200, pair, nonce);
}

const familyLive = (app: RequestContext["app"], id: string) =>
  app.store.family(id)?.revokedAt === null;

const normalise = (scope: string) =>
  [...new Set(scope.split(" ").filter((s) => s !== ""))].join(" ");
