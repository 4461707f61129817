/**
 * Protected resources: how a token is presented (RFC 6750 §2.1), the exact refusals DTP asks
 * for (realm, invalid_token), audience and scope. Numbered from F-RES-12 (F-RES-09..11 are
 * left to the challenge-syntax faults added next to this change).
 */
import { ChallengeError } from "../../../reference-server/errors.ts";
import { renderError } from "../../../reference-server/http/render-error.ts";
import type { Fault } from "../types.ts";
import {
  jwtPayload,
  presentedToken,
  withApp,
  withHeaders,
  withStore,
  wrap,
  wrapAll,
} from "./_lib.ts";

const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];

export const resourceAccess: Fault[] = [
  {
    id: "F-RES-12-token-only-in-query",
    area: "resource",
    description:
      "GET /me takes the access token only from the query (?access_token=): a Bearer token in the Authorization header is answered 401 invalid_token.",
    requirement: "DTP-RES-050",
    catchers: ["DTP-RES-050"],
    fixture: () =>
      wrap("getMe", (ctx, next) => {
        if (presentedToken(ctx)?.scheme === "bearer")
          throw new ChallengeError("Bearer", "invalid_token", "send the token as access_token");
        const token = ctx.url.searchParams.get("access_token");
        return next(token === null ? ctx : withHeaders(ctx, { authorization: `Bearer ${token}` }));
      }),
  },
  {
    id: "F-RES-13-scheme-case-sensitive",
    area: "resource",
    description:
      'GET /me matches the scheme name "Bearer" byte for byte: "Authorization: bearer <token>" is taken as no token (401).',
    requirement: "DTP-RES-051",
    catchers: ["DTP-RES-050"],
    fixture: () =>
      wrap("getMe", (ctx, next) =>
        /^bearer /i.test(ctx.headers.authorization ?? "") &&
        !ctx.headers.authorization?.startsWith("Bearer ")
          ? next(withHeaders(ctx, { authorization: undefined }))
          : next(ctx),
      ),
  },
  {
    id: "F-RES-14-realm-api",
    area: "resource",
    description:
      'A request to /me without a token is challenged with Bearer realm="api" instead of DTP\'s realm="dtp".',
    requirement: "DTP-RES-053",
    catchers: ["DTP-RES-004"],
    fixture: () =>
      wrap("getMe", async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          if (!(e instanceof ChallengeError) || e.error !== undefined) throw e;
          const reply = renderError(e, "problem");
          const headers = { ...reply.headers };
          for (const [k, v] of Object.entries(headers)) {
            if (k.toLowerCase() !== "www-authenticate") continue;
            const api = (c: string) => c.replaceAll('realm="dtp"', 'realm="api"');
            headers[k] = Array.isArray(v) ? v.map(api) : api(v);
          }
          return { ...reply, headers };
        }
      }),
  },
  {
    id: "F-RES-15-refused-token-invalid-request",
    area: "resource",
    description:
      'A refused access token (revoked, unknown, forged) is answered 400 with error="invalid_request" in the Bearer challenge instead of 401 invalid_token.',
    requirement: "DTP-RES-058",
    catchers: ["DTP-RES-005"],
    fixture: () =>
      wrapAll(async (ctx, next) => {
        if (!RESOURCES.includes(ctx.operationId)) return next(ctx);
        try {
          return await next(ctx);
        } catch (e) {
          if (e instanceof ChallengeError && e.error === "invalid_token")
            throw new ChallengeError(e.scheme, "invalid_request", e.message, { status: 400 });
          throw e;
        }
      }),
  },
  {
    id: "F-RES-16-audience-not-checked",
    area: "resource",
    description:
      "The resource does not check an access token's aud: a token issued for another audience is accepted (modelled as a signature that still verifies over the changed aud).",
    requirement: "DTP-RES-059",
    catchers: ["DTP-RES-005"],
    fixture: () =>
      wrapAll((ctx, next) => {
        if (!RESOURCES.includes(ctx.operationId)) return next(ctx);
        const real = ctx.app.signer;
        const issuer = ctx.app.issuer;
        return next(
          withApp(ctx, {
            signer: {
              ...real,
              verify: (token, now) => {
                const claims = jwtPayload(token);
                if (claims === undefined || claims.aud === issuer) return real.verify(token, now);
                // Only the audience differs from a genuine token: verify that one instead.
                const [h, , s] = token.split(".");
                const genuine = `${h}.${Buffer.from(JSON.stringify({ ...claims, aud: issuer })).toString("base64url")}.${s}`;
                return real.verify(genuine, now);
              },
            },
          }),
        );
      }),
  },
  {
    id: "F-RES-17-scope-not-checked",
    area: "resource",
    description:
      "GET /me does not check the token's scope: a device token narrowed to login is served 200.",
    requirement: "DTP-RES-060",
    catchers: ["DTP-RES-008"],
    fixture: () =>
      wrap("getMe", (ctx, next) =>
        next(
          withStore(ctx, (base) => ({
            accessToken: async (jti) => {
              const r = await base.accessToken(jti);
              return (
                r && { ...r, scope: r.scope.split(" ").includes("me") ? r.scope : `${r.scope} me` }
              );
            },
          })),
        ),
      ),
  },
];
