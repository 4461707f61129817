/** POST /login through a trusted device, and the two policies (seeds 000/001). */
import type { RequestContext } from "../../../reference-server/index.ts";
import type { Fault } from "../types.ts";
import { jwtPayload, presentedToken, withApp, withStore, wrap } from "./_lib.ts";

/** The login request as seen by a server with other policies in effect (not advertised). */
function withPolicies(
  ctx: RequestContext,
  policies: Partial<RequestContext["app"]["options"]["policies"]>,
): RequestContext {
  const { options } = ctx.app;
  return withApp(ctx, { options: { ...options, policies: { ...options.policies, ...policies } } });
}

export const login: Fault[] = [
  {
    id: "F-LOGIN-01-password-not-checked",
    area: "login",
    description:
      "The password is not checked for a known user name: any password logs the user in.",
    requirement: "DTP-LOGIN-004",
    catchers: ["DTP-LOGIN-004"],
    fixture: () =>
      wrap("login", (ctx, next) => {
        const real = ctx.app.users;
        const known = new Set((ctx.app.options.users ?? []).map((u) => u.username));
        return next(
          withApp(ctx, {
            users: {
              ...real,
              byPassword: async (username, password) =>
                (await real.byPassword(username, password)) ??
                (known.has(username) ? username : undefined),
            },
          }),
        );
      }),
  },
  {
    id: "F-LOGIN-02-card-id-without-policy",
    area: "login",
    description:
      "card_id logins are accepted although the server declares allow_unauthenticated_requests false.",
    requirement: "DTP-LOGIN-011",
    catchers: ["DTP-LOGIN-011"],
    fixture: () =>
      wrap("login", (ctx, next) => next(withPolicies(ctx, { allowUnauthenticatedRequests: true }))),
  },
  {
    id: "F-LOGIN-03-api-key-login-without-policy",
    area: "login",
    description:
      "Login with the API key (HTTP Basic) instead of a device token is accepted although the server declares allow_untrusted_endpoints false.",
    requirement: "DTP-LOGIN-007",
    catchers: ["DTP-LOGIN-006"],
    fixture: () =>
      wrap("login", (ctx, next) => next(withPolicies(ctx, { allowUntrustedEndpoints: true }))),
  },
  {
    id: "F-LOGIN-04-login-scope-not-required",
    area: "login",
    description:
      "/login does not require scope login: a device token refreshed down to scope me still logs users in.",
    requirement: "DTP-LOGIN-010",
    catchers: ["DTP-LOGIN-010"],
    fixture: () =>
      wrap("login", (ctx, next) => {
        const base = ctx.app.store;
        return next(
          withStore(ctx, {
            accessToken: (jti) => {
              const t = base.accessToken(jti);
              return t && { ...t, scope: `${t.scope} login` };
            },
          }),
        );
      }),
  },
  {
    id: "F-LOGIN-05-revoked-device-token-logs-in",
    area: "login",
    description:
      "/login does not check revocation: a revoked device access token (its family revoked) still logs users in.",
    requirement: "DTP-LOGIN-009",
    catchers: ["DTP-LOGIN-009"],
    fixture: () =>
      wrap("login", (ctx, next) => {
        const base = ctx.app.store;
        return next(
          withStore(ctx, {
            accessToken: (jti) => {
              const t = base.accessToken(jti);
              return t && { ...t, revokedAt: null };
            },
            family: (id) => {
              const f = base.family(id);
              return f && { ...f, revokedAt: null };
            },
          }),
        );
      }),
  },
  {
    id: "F-LOGIN-06-user-token-names-the-device",
    area: "login",
    description:
      "A user token from /login has the device's client_id as sub instead of the user's id.",
    requirement: "DTP-LOGIN-002",
    catchers: ["DTP-LOGIN-001"],
    fixture: () =>
      wrap("login", (ctx, next) => {
        const real = ctx.app.users;
        const presented = presentedToken(ctx);
        const device = presented ? jwtPayload(presented.token)?.client_id : undefined;
        if (typeof device !== "string") return next(ctx);
        return next(
          withApp(ctx, {
            users: {
              ...real,
              byPassword: async (u, p) =>
                (await real.byPassword(u, p)) === undefined ? undefined : device,
            },
          }),
        );
      }),
  },
];
