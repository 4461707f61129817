/** Revocation (RFC 7009) and introspection (RFC 7662). */
import { OAuthError } from "../../../reference-server/errors.ts";
import { json, NO_STORE } from "../../../reference-server/http/reply.ts";
import type { RequestContext } from "../../../reference-server/index.ts";
import { findRefreshToken } from "../../../reference-server/tokens/active.ts";
import type { Fault } from "../types.ts";
import {
  asClient,
  claimedClientId,
  combine,
  jwtPayload,
  plainOAuthServer,
  presentedToken,
  replyJson,
  withAcceptedSecret,
  withHeaders,
  withStore,
  wrap,
  wrapGrant,
} from "./_lib.ts";

/** True when the server knows the token (one of its refresh tokens, or an access token it signed). */
async function known(ctx: RequestContext): Promise<boolean> {
  const token = ctx.form.token ?? "";
  if (await findRefreshToken(ctx.app, token)) return true;
  return (await ctx.app.signer.verify(token, ctx.app.now())).ok;
}

/** `op` answers a client secret in the body alone 401 invalid_client (Basic still works). */
function refusesBodyAuth(op: "revokeToken" | "introspectToken") {
  return wrap(op, (ctx, next) => {
    if (ctx.form.client_secret !== undefined && ctx.headers.authorization === undefined)
      throw new OAuthError("invalid_client", "client authentication failed", 401, {
        "www-authenticate": 'Basic realm="dtp"',
      });
    return next(ctx);
  });
}

export const revocation: Fault[] = [
  {
    id: "F-REV-01-unknown-token-400",
    area: "revocation",
    description:
      "Revoking a token the server does not know (unknown, malformed or expired) is answered 400 invalid_request instead of 200.",
    requirement: "DTP-REV-002",
    catchers: ["DTP-REV-002"],
    fixture: () =>
      wrap("revokeToken", async (ctx, next) => {
        if (ctx.form.token !== undefined && !(await known(ctx)))
          throw new OAuthError("invalid_request", "the token is not known");
        return next(ctx);
      }),
  },
  {
    id: "F-REV-02-unknown-token-500",
    area: "revocation",
    description:
      "Revoking a token the server does not know (unknown, malformed or expired) crashes the handler: 500.",
    requirement: "DTP-REV-002",
    catchers: ["DTP-REV-002"],
    fixture: () =>
      wrap("revokeToken", async (ctx, next) => {
        if (ctx.form.token !== undefined && !(await known(ctx)))
          throw new TypeError("Cannot read properties of undefined (reading 'familyId')");
        return next(ctx);
      }),
  },
  {
    id: "F-REV-03-access-tokens-not-revoked",
    area: "revocation",
    description:
      "Revocation does not reach access tokens: /revoke answers 200 for an access token but the token keeps working until it expires.",
    requirement: "DTP-REV-004",
    catchers: ["DTP-REV-001"],
    fixture: () =>
      wrap("revokeToken", (ctx, next) =>
        next(withStore(ctx, () => ({ revokeAccessToken: async () => {} }))),
      ),
  },
  {
    id: "F-REV-04-refresh-revocation-spares-access-tokens",
    area: "revocation",
    description:
      "Revoking a refresh token kills only the refresh token: the access tokens of its family keep working.",
    requirement: "DTP-REV-005",
    catchers: ["DTP-REV-001"],
    fixture: () => {
      const revoked = new Set<string>();
      return combine(
        wrap("revokeToken", (ctx, next) =>
          next(withStore(ctx, () => ({ revokeFamily: async (id) => void revoked.add(id) }))),
        ),
        wrapGrant("refresh_token", async (ctx, next) => {
          const found = await findRefreshToken(ctx.app, ctx.form.refresh_token ?? "");
          if (found && revoked.has(found.family.id))
            throw new OAuthError("invalid_grant", "the refresh token was revoked");
          return next(ctx);
        }),
      );
    },
  },
  {
    id: "F-REV-05-other-clients-tokens-revoked",
    area: "revocation",
    description:
      "Revocation does not check the token's client: any client with the API key can revoke another client's tokens.",
    requirement: "DTP-REV-003",
    catchers: ["DTP-REV-003"],
    fixture: () =>
      wrap("revokeToken", (ctx, next) => {
        const claimed = claimedClientId(ctx);
        if (claimed === undefined) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            family: async (id) => {
              const f = await base.family(id);
              return f && { ...f, clientId: claimed };
            },
            accessToken: async (jti) => {
              const t = await base.accessToken(jti);
              return t && { ...t, clientId: claimed };
            },
          })),
        );
      }),
  },
  {
    id: "F-REV-06-introspection-shows-other-clients-tokens",
    area: "revocation",
    description:
      'Introspection by a device describes any active token, also another client\'s (it should answer {"active": false}).',
    requirement: "DTP-REV-012",
    catchers: ["DTP-REV-003"],
    fixture: () =>
      wrap("introspectToken", async (ctx, next) => {
        if (/^bearer /i.test(ctx.headers.authorization ?? "")) return next(ctx);
        const token = ctx.form.token ?? "";
        const owner =
          (await findRefreshToken(ctx.app, token))?.family.clientId ?? jwtPayload(token)?.client_id;
        return typeof owner === "string" ? next(asClient(ctx, owner)) : next(ctx);
      }),
  },
  {
    id: "F-REV-07-introspection-without-authentication",
    area: "revocation",
    description:
      "Introspection answers without any credentials (treated as the administrator) instead of 401 invalid_client.",
    requirement: "DTP-REV-009",
    catchers: ["DTP-REV-009"],
    fixture: () =>
      wrap("introspectToken", (ctx, next) => {
        if (ctx.headers.authorization !== undefined || ctx.form.client_secret !== undefined)
          return next(ctx);
        const admin = withAcceptedSecret(ctx, "admin_key");
        return next(withHeaders(admin.ctx, { authorization: `Bearer ${admin.secret}` }));
      }),
  },
  {
    id: "F-REV-08-hint-trusted",
    area: "revocation",
    description:
      "token_type_hint is trusted: a refresh token sent with the hint access_token is looked up only as an access token, nothing is revoked, yet the answer is 200.",
    requirement: "DTP-REV-006",
    catchers: ["DTP-REV-001"],
    fixture: () =>
      wrap("revokeToken", (ctx, next) =>
        ctx.form.token_type_hint === "access_token"
          ? next(withStore(ctx, () => ({ refreshToken: async () => undefined })))
          : next(ctx),
      ),
  },
  {
    id: "F-REV-09-revocation-body",
    area: "revocation",
    description:
      'A successful revocation is answered 200 {"revoked": true} instead of 200 with an empty body.',
    requirement: "DTP-REV-050",
    catchers: ["DTP-REV-001"],
    fixture: () =>
      wrap("revokeToken", async (ctx, next) => {
        const reply = await next(ctx);
        return reply.status === 200 ? { ...reply, json: { revoked: true } } : reply;
      }),
  },
  {
    id: "F-REV-10-other-clients-token-400",
    area: "revocation",
    description:
      "Revoking a token issued to another client is answered 400 unauthorized_client (the token is left alone) instead of 200 as for an invalid token.",
    requirement: "DTP-REV-051",
    catchers: ["DTP-REV-003"],
    fixture: () =>
      wrap("revokeToken", async (ctx, next) => {
        const token = ctx.form.token ?? "";
        const owner =
          (await findRefreshToken(ctx.app, token))?.family.clientId ?? jwtPayload(token)?.client_id;
        const claimed = claimedClientId(ctx);
        if (typeof owner === "string" && claimed !== undefined && owner !== claimed)
          throw new OAuthError("unauthorized_client", "the token was issued to another client");
        return next(ctx);
      }),
  },
  {
    id: "F-REV-11-access-token-revocation-unsupported",
    area: "revocation",
    description:
      "The revocation endpoint does not revoke access tokens: it answers 400 unsupported_token_type (what RFC 7009 §2.2.1 allows a plain OAuth server, not a DTP server).",
    requirement: "DTP-REV-053",
    catchers: ["DTP-REV-001"],
    fixture: () =>
      wrap("revokeToken", (ctx, next) =>
        ctx.app.signer.verify(ctx.form.token ?? "", ctx.app.now()).ok
          ? json(
              400,
              {
                error: "unsupported_token_type",
                error_description: "access tokens cannot be revoked",
              },
              NO_STORE,
            )
          : next(ctx),
      ),
  },
  {
    id: "F-REV-12-refresh-revocation-spares-older-access-tokens",
    area: "revocation",
    description:
      "Revoking a refresh token revokes its family, but the resource checks the family only for the newest access token of a client: access tokens issued before the last refresh keep working.",
    requirement: "DTP-REV-055",
    catchers: ["DTP-REV-001"],
    fixture: () => {
      const newest = new Map<string, unknown>();
      return combine(
        wrap("token", async (ctx, next) => {
          const reply = await next(ctx);
          const at = replyJson(reply).access_token;
          const claims = typeof at === "string" ? jwtPayload(at) : undefined;
          if (typeof claims?.client_id === "string") newest.set(claims.client_id, claims.jti);
          return reply;
        }),
        wrap("getMe", (ctx, next) => {
          const claims = jwtPayload(presentedToken(ctx)?.token ?? "");
          const older =
            typeof claims?.client_id === "string" &&
            newest.has(claims.client_id) &&
            newest.get(claims.client_id) !== claims.jti;
          if (!older) return next(ctx);
          return next(
            withStore(ctx, (base) => ({
              family: async (id) => {
                const f = await base.family(id);
                return f && { ...f, revokedAt: null };
              },
            })),
          );
        }),
      );
    },
  },
  {
    id: "F-REV-19-revocation-refuses-body-auth",
    area: "revocation",
    description:
      "The revocation endpoint refuses client_secret_post (401 invalid_client), which revocation_endpoint_auth_methods_supported advertises: only HTTP Basic works there.",
    requirement: "DTP-REV-063",
    catchers: ["DTP-REV-063"],
    fixture: () => refusesBodyAuth("revokeToken"),
  },
  {
    id: "F-REV-20-introspection-refuses-body-auth",
    area: "revocation",
    description:
      "The introspection endpoint refuses client_secret_post (401 invalid_client), which introspection_endpoint_auth_methods_supported advertises: only HTTP Basic works there.",
    requirement: "DTP-REV-063",
    catchers: ["DTP-REV-063"],
    fixture: () => refusesBodyAuth("introspectToken"),
  },
  {
    id: "F-REV-40-access-token-revocation-unsupported-plain",
    area: "revocation",
    description:
      "A plain OAuth server (no dtp_version) that does not revoke access tokens: it answers 400 unsupported_token_type, which RFC 7009 §2.2.1 allows, while §2 says it SHOULD support revoking them. A SHOULD: the check warns.",
    requirement: "DTP-REV-052",
    catchers: ["DTP-REV-001"],
    note: "At a DTP target the same answer is DTP-REV-053's FAIL (F-REV-11).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        wrap("revokeToken", (ctx, next) =>
          ctx.app.signer.verify(ctx.form.token ?? "", ctx.app.now()).ok
            ? json(
                400,
                {
                  error: "unsupported_token_type",
                  error_description: "access tokens cannot be revoked",
                },
                NO_STORE,
              )
            : next(ctx),
        ),
      ),
  },
  {
    id: "F-REV-41-refresh-revocation-spares-access-tokens-plain",
    area: "revocation",
    description:
      "A plain OAuth server (no dtp_version) that revokes access tokens, but revoking a refresh token kills only that refresh token (refused at the token endpoint, inactive at introspection): the access tokens of the same grant keep working. RFC 7009 §2.1 says SHOULD invalidate them: the check warns.",
    requirement: "DTP-REV-054",
    catchers: ["DTP-REV-001"],
    note: "At a DTP target the same behaviour is DTP-REV-055's FAIL (F-REV-04, F-REV-12).",
    fixture: () => {
      const revoked = new Set<string>();
      const inRevokedFamily = async (ctx: RequestContext, token: string | undefined) => {
        const found = await findRefreshToken(ctx.app, token ?? "");
        return found !== undefined && found !== null && revoked.has(found.family.id);
      };
      return combine(
        plainOAuthServer(),
        wrap("revokeToken", (ctx, next) =>
          next(withStore(ctx, () => ({ revokeFamily: async (id) => void revoked.add(id) }))),
        ),
        wrapGrant("refresh_token", async (ctx, next) => {
          if (await inRevokedFamily(ctx, ctx.form.refresh_token))
            throw new OAuthError("invalid_grant", "the refresh token was revoked");
          return next(ctx);
        }),
        wrap("introspectToken", async (ctx, next) =>
          (await inRevokedFamily(ctx, ctx.form.token))
            ? json(200, { active: false }, NO_STORE)
            : next(ctx),
        ),
      );
    },
  },
];
