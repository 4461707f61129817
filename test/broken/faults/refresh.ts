/** Refresh-token rotation and binding (RFC 6749 §6, RFC 9700 §4.14). */
import { authenticateClient } from "../../../reference-server/auth/client-auth.ts";
import { OAuthError } from "../../../reference-server/errors.ts";
import { findRefreshToken } from "../../../reference-server/tokens/active.ts";
import { isSubset } from "../../../reference-server/tokens/issue.ts";
import { sha256b64url } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  asClient,
  replyJson,
  store,
  withApp,
  withForm,
  withJson,
  withStore,
  wrapGrant,
} from "./_lib.ts";

const scopeUnion = (a: string, b: string) =>
  [...new Set([...a.split(" "), ...b.split(" ")].filter((s) => s !== ""))].join(" ");

export const refresh: Fault[] = [
  {
    id: "F-REF-01-rotated-token-stays-valid",
    area: "refresh",
    description:
      "Rotation is not enforced: a refresh issues a new refresh token but the presented one keeps working.",
    requirement: "DTP-REF-003",
    catchers: ["DTP-REF-002"],
    fixture: () => store(() => ({ rotateRefreshToken: async () => true })),
  },
  {
    id: "F-REF-02-reuse-spares-family",
    area: "refresh",
    description:
      "Reuse of a rotated refresh token is refused (invalid_grant) but does not revoke its family: the thief's or the victim's latest tokens keep working.",
    requirement: "DTP-REF-004",
    catchers: ["DTP-REF-002"],
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) =>
        next(withStore(ctx, () => ({ revokeFamily: async () => {} }))),
      ),
  },
  {
    id: "F-REF-03-scope-widened",
    area: "refresh",
    description:
      "A refresh may widen the scope: a scope value outside the refresh token's scope is granted instead of refused with invalid_scope.",
    requirement: "DTP-REF-007",
    catchers: ["DTP-REF-006"],
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) => {
        const requested = ctx.form.scope;
        if (requested === undefined) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            refreshToken: async (hash) => {
              const t = await base.refreshToken(hash);
              return t && { ...t, scope: scopeUnion(t.scope, requested) };
            },
          })),
        );
      }),
  },
  {
    id: "F-REF-04-not-bound-to-client",
    area: "refresh",
    description:
      "A refresh token is not bound to its client: any client with the API key can refresh another client's token.",
    requirement: "DTP-REF-008",
    catchers: ["DTP-REF-008"],
    fixture: () =>
      // The ownership check is skipped: the request is served as the token's owner.
      wrapGrant("refresh_token", async (ctx, next) => {
        const found = await findRefreshToken(ctx.app, ctx.form.refresh_token ?? "");
        return found ? next(asClient(ctx, found.family.clientId)) : next(ctx);
      }),
  },
  {
    id: "F-REF-05-bad-auth-consumes-token",
    area: "refresh",
    description:
      "The refresh token is looked up and rotated before the client is authenticated: a request with a wrong API key (401) uses the token up, and the owner's next refresh is treated as reuse.",
    requirement: "DTP-REF-052",
    catchers: ["DTP-REF-008"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        try {
          await authenticateClient(ctx);
        } catch (e) {
          const hash = sha256b64url(ctx.form.refresh_token ?? "");
          if (await ctx.app.store.refreshToken(hash))
            await ctx.app.store.rotateRefreshToken(hash, Date.now());
          throw e;
        }
        return next(ctx);
      }),
  },
  {
    id: "F-REF-06-dpop-binding-dropped",
    area: "refresh",
    description:
      "Refreshing a DPoP-bound token family does not require a proof by the bound key: a refresh without a proof (or with another key's) is served.",
    requirement: "DTP-REF-010",
    catchers: ["DTP-REF-010"],
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) => {
        return next(
          withStore(ctx, (base) => ({
            family: async (id) => {
              const f = await base.family(id);
              return f && { ...f, jkt: null };
            },
          })),
        );
      }),
  },
  {
    id: "F-REF-07-user-refresh-becomes-device-token",
    area: "refresh",
    description:
      "Refreshing a user token issues a device token: the new access token has dtp_kind device and the device as sub, the user is lost.",
    requirement: "DTP-REF-012",
    catchers: ["DTP-REF-012"],
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) => {
        return next(
          withStore(ctx, (base) => ({
            family: async (id) => {
              const f = await base.family(id);
              return f && { ...f, kind: "device", sub: f.clientId };
            },
          })),
        );
      }),
  },
  {
    id: "F-REF-08-declared-grace-not-honoured",
    area: "refresh",
    description:
      "The server declares a refresh-token reuse grace period but applies none: presenting the rotated token again a moment after the rotation revokes the whole family.",
    requirement: "DTP-REF-005",
    catchers: ["DTP-REF-005"],
    options: { refreshReuseGrace: 3 },
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) =>
        next(withApp(ctx, { options: { ...ctx.app.options, refreshReuseGrace: 0 } })),
      ),
  },
  {
    id: "F-REF-09-bad-auth-revokes-family",
    area: "refresh",
    description:
      "A refresh request whose client authentication fails is answered 401 invalid_client, but the presented refresh token's family is revoked first (treated as theft): its owner can no longer refresh.",
    requirement: "DTP-REF-052",
    catchers: ["DTP-REF-008"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        try {
          await authenticateClient(ctx);
        } catch (e) {
          const found = await findRefreshToken(ctx.app, ctx.form.refresh_token ?? "");
          if (found) await ctx.app.store.revokeFamily(found.family.id, ctx.app.now());
          throw e;
        }
        return next(ctx);
      }),
  },
  {
    id: "F-REF-30-unknown-refresh-token-invalid-request",
    area: "refresh",
    description:
      "A refresh token the server never issued (unknown, altered, cut short) is answered 400 invalid_request instead of invalid_grant: clients take it for their own mistake and never start over.",
    requirement: "DTP-REF-053",
    catchers: ["DTP-REF-053"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        await authenticateClient(ctx);
        if (!(await findRefreshToken(ctx.app, ctx.form.refresh_token ?? ""))) {
          throw new OAuthError("invalid_request", '"refresh_token" is not a known refresh token');
        }
        return next(ctx);
      }),
  },
  {
    id: "F-REF-31-refresh-token-neither-rotated-nor-bound",
    area: "refresh",
    description:
      "Refresh tokens are neither rotated nor sender-constrained: a refresh answers with the presented refresh token, which stays valid, and a DPoP-bound one refreshes without a proof.",
    requirement: "DTP-REF-054",
    catchers: ["DTP-REF-054"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        const reply = await next(
          withStore(ctx, (base) => ({
            rotateRefreshToken: async () => true,
            family: async (id) => {
              const f = await base.family(id);
              return f && { ...f, jkt: null };
            },
          })),
        );
        const body = replyJson(reply);
        return typeof body.refresh_token === "string"
          ? withJson(reply, { ...body, refresh_token: ctx.form.refresh_token })
          : reply;
      }),
  },
  {
    id: "F-REF-32-refresh-without-scope-widened",
    area: "refresh",
    description:
      'A refresh without scope issues an access token with a scope the grant never had ("admin" added to the refresh token\'s scope) instead of the scope originally granted.',
    requirement: "DTP-REF-050",
    catchers: ["DTP-REF-006"],
    fixture: () =>
      wrapGrant("refresh_token", (ctx, next) => {
        if (ctx.form.scope !== undefined) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            refreshToken: async (hash) => {
              const t = await base.refreshToken(hash);
              return t && { ...t, scope: scopeUnion(t.scope, "admin") };
            },
          })),
        );
      }),
  },
  {
    id: "F-REF-33-narrowing-scope-ignored",
    area: "refresh",
    description:
      "A refresh that asks for a narrower scope (a subset of the refresh token's) gets the full scope: the narrowing is ignored (a scope outside is still invalid_scope).",
    requirement: "DTP-REF-051",
    catchers: ["DTP-REF-006"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        const { scope, ...rest } = ctx.form;
        const found = await findRefreshToken(ctx.app, ctx.form.refresh_token ?? "");
        if (scope === undefined || !found || !isSubset(scope, found.token.scope)) return next(ctx);
        return next(withForm(ctx, rest as Record<string, string>));
      }),
  },
];
