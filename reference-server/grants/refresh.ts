/**
 * Refresh (RFC 6749 §6, RFC 9700 §4.14.2): always rotates; a rotated token presented again
 * (after the grace period) revokes its whole family; scope may only narrow.
 */
import { authenticateClient } from "../auth/client-auth.ts";
import { type App, inTransaction, type RequestContext } from "../context.ts";
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
  const client = await authenticateClient(ctx);
  validateBody(ctx);
  // 2. The token must exist and belong to this client (another client's: not revoked).
  const found = await findRefreshToken(app, form.refresh_token ?? "");
  if (!found || found.family.clientId !== client.clientId)
    throw invalidGrant("the refresh token is not valid for this client");
  const { token, family } = found;
  // 3. DPoP-bound family: a proof with the same key (an unbound one may bind its new
  //    access token to the key of a proof it sends).
  const dpop = await dpopForToken(ctx, family.jkt);
  const nonce = dpop.headers;
  // 4. Revoked family, removed device, expired token → invalid_grant.
  if (family.revokedAt !== null) throw invalidGrant("the refresh token was revoked");
  if (!(await deviceCurrent(app, family.clientId, family.deviceUid)))
    throw invalidGrant("the device of this token was removed");
  if (token.expiresAt <= app.now()) throw invalidGrant("the refresh token has expired");
  // 5. Scope may only narrow the presented token's scope.
  const scope = form.scope ?? token.scope;
  if (!isSubset(scope, token.scope))
    throw new OAuthError("invalid_scope", `"scope" may only narrow "${token.scope}"`, 400, nonce);
  // 7. Issue the next pair in the same family: the access token with the requested
  //    scope, the refresh token with the presented one's. 8. Only with live tokens:
  //    another instance may have revoked the family meanwhile (then nothing is written).
  const issue = async (tx: App) => {
    const pair = await issueTokenPair(
      tx,
      family,
      normalise(scope),
      token.hash,
      dpop.jkt,
      token.scope,
    );
    if (!(await familyLive(tx, family.id))) throw invalidGrant("the refresh token was revoked");
    return pair;
  };
  // 6. Rotate atomically, only while the family is live (what was read above may be stale:
  //    a reuse may have revoked the family meanwhile), and issue (7–8) in the same
  //    transaction: one commit, and never a rotation without its successor.
  const nowMs = app.nowMs();
  const rotated = await inTransaction(app, async (tx) =>
    (await tx.store.rotateRefreshToken(token.hash, nowMs)) ? issue(tx) : undefined,
  );
  if (rotated) return secretJson(200, rotated, nonce);
  // 6b. Not rotated: a revoked family, or a reuse, which revokes the family (unless the
  //     token is presented again within the declared grace period: then issue anyway).
  if (!(await familyLive(app, family.id))) throw invalidGrant("the refresh token was revoked");
  const rotatedAtMs = (await app.store.refreshToken(token.hash))?.rotatedAtMs ?? 0;
  const grace = app.options.refreshReuseGrace * 1000;
  if (!(grace > 0 && nowMs - rotatedAtMs <= grace)) {
    await app.store.revokeFamily(family.id, app.now());
    throw invalidGrant("the refresh token was already used; its token family is revoked");
  }
  return secretJson(200, await inTransaction(app, issue), nonce);
}

const familyLive = async (app: App, id: string) => (await app.store.family(id))?.revokedAt === null;

const normalise = (scope: string) =>
  [...new Set(scope.split(" ").filter((s) => s !== ""))].join(" ");
