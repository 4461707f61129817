/**
 * `POST /revoke` — RFC 7009: 200 for valid, unknown, already revoked and other clients'
 * tokens (those are left alone). A refresh token takes its whole family with it.
 */

import { authenticateClient } from "../auth/client-auth.ts";
import type { Handler } from "../context.ts";
import { empty } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { findRefreshToken } from "../tokens/active.ts";

export const revokeToken: Handler = async (ctx) => {
  const { app, form } = ctx;
  // 1. Authenticate the client; validate the form against RevocationRequest.
  const client = await authenticateClient(ctx);
  validateBody(ctx);
  const token = form.token ?? "";
  const now = app.now();
  // 2. A refresh token of this client: revoke its family (refresh and access tokens).
  //    The hint only orders the look-ups; unknown hints are ignored (RFC 7009 §2.1).
  const found = await findRefreshToken(app, token);
  if (found && found.family.clientId === client.clientId)
    await app.store.revokeFamily(found.family.id, now);
  // 3. An access token of this client: revoke its jti. (Personal tokens belong to the
  //    user: DELETE /personal-tokens/{id} revokes them.)
  if (!found) {
    const verified = app.signer.verify(token, now);
    const record = verified.ok ? await app.store.accessToken(verified.claims.jti) : undefined;
    if (record && record.clientId === client.clientId)
      await app.store.revokeAccessToken(record.jti, now);
  }
  // 4. Always 200 with an empty body.
  return empty(200, { "Cache-Control": "no-store" });
};
