/**
 * `POST /introspect` — RFC 7662: a device introspects its own tokens (client
 * authentication), the administrator any token (admin bearer, under the admin key's
 * failed-attempt limit). Anything not active, or not the caller's, is `{"active": false}`.
 */
import type { components } from "../../src/generated/openapi.ts";
import { bearerToken, checkAdminKey } from "../auth/admin-auth.ts";
import { authenticateClient } from "../auth/client-auth.ts";
import type { App, Handler } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { json, NO_STORE } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { refusedOAuth } from "../limits.ts";
import {
  activeAccessToken,
  activePersonalToken,
  findRefreshToken,
  PERSONAL_TOKEN_PREFIX,
  refreshTokenActive,
} from "../tokens/active.ts";

type ActiveToken = components["schemas"]["ActiveToken"];

export const introspectToken: Handler = async (ctx) => {
  const { app, form } = ctx;
  // 1. The caller: the admin bearer (any token) or a client with the API key (its own).
  const admin = bearerToken(ctx);
  let clientId: string | undefined;
  if (admin !== undefined) {
    checkAdminKey(
      ctx,
      admin,
      () =>
        new OAuthError("invalid_token", "the admin credential is not valid", 401, {
          "WWW-Authenticate": 'Bearer realm="dtp", error="invalid_token"',
        }),
      refusedOAuth,
    );
  } else {
    clientId = authenticateClient(ctx).clientId;
  }
  // 2. Validate the form against IntrospectionRequest.
  validateBody(ctx);
  // 3. Describe the token if it is active and the caller may see it.
  const info = await describe(app, form.token ?? "");
  const visible = info !== undefined && (clientId === undefined || info.client_id === clientId);
  return json(200, visible ? info : { active: false }, NO_STORE);
};

async function describe(app: App, token: string): Promise<ActiveToken | undefined> {
  const common = { active: true as const, iss: app.issuer };
  if (token.startsWith(PERSONAL_TOKEN_PREFIX)) {
    const pat = activePersonalToken(app, token);
    if (!pat.ok) return undefined;
    const r = pat.record;
    return {
      ...common,
      scope: r.scope,
      client_id: r.clientId,
      sub: r.sub,
      token_type: "Bearer",
      exp: r.expiresAt,
      iat: r.createdAt,
      jti: r.id,
      dtp_kind: "personal",
    };
  }
  const refresh = findRefreshToken(app, token);
  if (refresh) {
    if (!refreshTokenActive(app, refresh)) return undefined;
    const { token: t, family: f } = refresh;
    return {
      ...common,
      scope: t.scope,
      client_id: f.clientId,
      sub: f.sub,
      token_type: f.jkt === null ? "Bearer" : "DPoP",
      exp: t.expiresAt,
      iat: t.createdAt,
      jti: t.hash,
      dtp_kind: f.kind,
      ...(f.jkt === null ? {} : { cnf: { jkt: f.jkt } }),
    };
  }
  const access = await activeAccessToken(app, token);
  if (!access.ok) return undefined;
  const r = access.record;
  return {
    ...common,
    scope: r.scope,
    client_id: r.clientId,
    sub: r.sub,
    token_type: r.jkt === null ? "Bearer" : "DPoP",
    exp: r.exp,
    iat: r.iat,
    jti: r.jti,
    dtp_kind: r.kind,
    ...(r.jkt === null ? {} : { cnf: { jkt: r.jkt } }),
  };
}
