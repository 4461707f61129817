/** POST /login through a trusted device, and the two policies (seeds 000/001). */
import type { RequestContext } from "../../../reference-server/index.ts";
import { basicAuth } from "../../../src/client/auth.ts";
import type { Fault } from "../types.ts";
import {
  claimedClientId,
  jwtPayload,
  noFailureLimits,
  oneFailureCounter,
  presentedToken,
  withAcceptedSecret,
  withApp,
  withHeaders,
  withStore,
  wrap,
} from "./_lib.ts";

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
  {
    id: "F-LOGIN-07-untrusted-login-key-not-checked",
    area: "login",
    description:
      "With allow_untrusted_endpoints on, /login takes HTTP Basic without checking the API key: any password in the Basic header logs users in.",
    requirement: "DTP-LOGIN-008",
    catchers: ["DTP-LOGIN-008"],
    options: { policies: { allowUntrustedEndpoints: true } },
    fixture: () =>
      wrap("login", (ctx, next) => {
        const id = /^basic /i.test(ctx.headers.authorization ?? "")
          ? claimedClientId(ctx)
          : undefined;
        if (id === undefined) return next(ctx);
        const accepted = withAcceptedSecret(ctx, "api_key");
        return next(withHeaders(accepted.ctx, { authorization: basicAuth(id, accepted.secret) }));
      }),
  },
  {
    id: "F-LOGIN-08-unknown-card-id-logs-in",
    area: "login",
    description:
      "With allow_unauthenticated_requests on, an unknown card_id logs in the first user instead of being refused with invalid_grant.",
    requirement: "DTP-LOGIN-012",
    catchers: ["DTP-LOGIN-012"],
    options: { policies: { allowUnauthenticatedRequests: true } },
    fixture: () =>
      wrap("login", (ctx, next) => {
        const real = ctx.app.users;
        const first = ctx.app.options.users?.[0]?.username;
        return next(
          withApp(ctx, {
            users: { ...real, byCardId: (card) => real.byCardId(card) ?? first },
          }),
        );
      }),
  },
  {
    id: "F-LOGIN-09-password-failures-unlimited",
    area: "login",
    description:
      "Wrong passwords at /login are never limited: a device token holder can try passwords for any user as fast as it likes.",
    requirement: "DTP-LOGIN-013",
    catchers: ["DTP-LOGIN-004"],
    fixture: () => wrap("login", (ctx, next) => next(withStore(ctx, noFailureLimits))),
  },
  {
    id: "F-LOGIN-10-password-limit-locks-out-the-user",
    area: "login",
    description:
      "Wrong passwords are counted for the user name alone: an attacker's failures through one device lock the user out of every device.",
    requirement: "DTP-LOGIN-013",
    catchers: ["DTP-LOGIN-004"],
    fixture: () =>
      wrap("login", (ctx, next) =>
        next(
          withStore(
            ctx,
            oneFailureCounter(ctx.app.store, `password: ${ctx.form.username ?? "card"}`),
          ),
        ),
      ),
  },
];
