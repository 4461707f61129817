/** Introspection (RFC 7662) as DTP strengthens it: members, inactive answers, callers, hints. */
import { OAuthError } from "../../../reference-server/errors.ts";
import { json, NO_STORE } from "../../../reference-server/http/reply.ts";
import type { Fault } from "../types.ts";
import { combine, plainOAuthServer, replyJson, withJson, withStore, wrap } from "./_lib.ts";

/** The hints RFC 7009 §2.1 / RFC 7662 §2.1 define. */
const KNOWN_HINTS = ["access_token", "refresh_token"];

export const introspection: Fault[] = [
  {
    id: "F-REV-13-introspection-without-dtp-kind",
    area: "revocation",
    description:
      "The introspection of an active token leaves out dtp_kind (the kind of token: device, user, personal or service).",
    requirement: "DTP-REV-056",
    catchers: ["DTP-REV-003"],
    fixture: () =>
      wrap("introspectToken", async (ctx, next) => {
        const reply = await next(ctx);
        const { dtp_kind: _, ...rest } = replyJson(reply);
        return withJson(reply, rest);
      }),
  },
  {
    id: "F-REV-14-inactive-with-reason",
    area: "revocation",
    description:
      'The introspection of an inactive token says why: {"active": false, "error": "expired"} instead of exactly {"active": false}.',
    requirement: "DTP-REV-058",
    catchers: ["DTP-REV-002"],
    fixture: () =>
      wrap("introspectToken", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return body.active === false ? withJson(reply, { active: false, error: "expired" }) : reply;
      }),
  },
  {
    id: "F-REV-15-admin-bearer-refused",
    area: "revocation",
    description:
      "The introspection endpoint accepts only client authentication: the admin bearer is answered 401 invalid_token.",
    requirement: "DTP-REV-059",
    catchers: ["DTP-REV-009"],
    fixture: () =>
      wrap("introspectToken", (ctx, next) => {
        if (!/^bearer /i.test(ctx.headers.authorization ?? "")) return next(ctx);
        throw new OAuthError("invalid_token", "bearer tokens are not accepted here", 401, {
          "WWW-Authenticate": 'Bearer realm="dtp", error="invalid_token"',
        });
      }),
  },
  {
    id: "F-REV-16-introspection-hint-refused",
    area: "revocation",
    description:
      "An introspection request with a token_type_hint the server does not know (id_token, device_code, …) is answered 400 invalid_request instead of the hint being ignored.",
    requirement: "DTP-REV-061",
    catchers: ["DTP-REV-009"],
    fixture: () =>
      wrap("introspectToken", (ctx, next) => {
        const hint = ctx.form.token_type_hint;
        if (hint && !KNOWN_HINTS.includes(hint))
          throw new OAuthError("invalid_request", "unsupported token_type_hint");
        return next(ctx);
      }),
  },
  {
    id: "F-REV-17-wrong-bearer-inactive",
    area: "revocation",
    description:
      'A call to the introspection endpoint with a wrong bearer token is answered 200 {"active": false} instead of 401 with a Bearer challenge.',
    requirement: "DTP-REV-062",
    catchers: ["DTP-REV-009"],
    fixture: () =>
      wrap("introspectToken", async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          if (e instanceof OAuthError && e.error === "invalid_token")
            return json(200, { active: false }, NO_STORE);
          throw e;
        }
      }),
  },
  {
    id: "F-REV-18-rotated-refresh-token-introspects-active",
    area: "revocation",
    description:
      "Introspection ignores rotation: a refresh token rotated away (which the token endpoint refuses) still introspects active true until its family is revoked.",
    requirement: "DTP-REV-060",
    catchers: ["DTP-REV-060"],
    fixture: () =>
      wrap("introspectToken", (ctx, next) =>
        next(
          withStore(ctx, (base) => ({
            refreshToken: async (hash) => {
              const t = await base.refreshToken(hash);
              return t && { ...t, rotatedAtMs: null };
            },
          })),
        ),
      ),
  },
  {
    id: "F-REV-42-inactive-with-reason-plain",
    area: "revocation",
    description:
      'A plain OAuth server (no dtp_version) whose introspection of an inactive token says why: {"active": false, "error": "expired"}. RFC 7662 §2.2 says SHOULD NOT include any additional information: the check warns.',
    requirement: "DTP-REV-057",
    catchers: ["DTP-REV-002"],
    note: "At a DTP target the same answer is DTP-REV-058's FAIL (F-REV-14).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        wrap("introspectToken", async (ctx, next) => {
          const reply = await next(ctx);
          const body = replyJson(reply);
          return body.active === false
            ? withJson(reply, { active: false, error: "expired" })
            : reply;
        }),
      ),
  },
];
