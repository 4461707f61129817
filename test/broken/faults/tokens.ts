/** Token responses and access tokens (RFC 6749 §5.1, RFC 9068). */

import { findRefreshToken } from "../../../reference-server/tokens/active.ts";
import { randomToken } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import type { Wrapper } from "./_lib.ts";
import {
  combine,
  jwtPayload,
  plainOAuthServer,
  replyJson,
  withApp,
  withForm,
  withJson,
  withoutHeaders,
  wrap,
  wrapAll,
  wrapGrant,
} from "./_lib.ts";

export const tokens: Fault[] = [
  {
    id: "F-TOK-01-token-response-cacheable",
    area: "tokens",
    description:
      "Token responses (they carry tokens) have no Cache-Control: no-store / Pragma: no-cache.",
    requirement: "DTP-TOK-002",
    catchers: ["DTP-TOK-001"],
    fixture: () =>
      wrap("token", async (ctx, next) =>
        withoutHeaders(await next(ctx), ["cache-control", "pragma"]),
      ),
  },
  {
    id: "F-TOK-02-expires-in-differs-from-token",
    area: "tokens",
    description:
      "Access tokens live an hour (exp − iat = 3600) while the token response and the metadata say dtp_lifetimes.access_token (4 s).",
    requirement: "DTP-TOK-006",
    catchers: ["DTP-TOK-003"],
    fixture: () =>
      wrap("token", async (ctx, next) => {
        const { options } = ctx.app;
        const reply = await next(
          withApp(ctx, {
            options: { ...options, lifetimes: { ...options.lifetimes, accessToken: 3600 } },
          }),
        );
        const body = replyJson(reply);
        return body.expires_in === undefined
          ? reply
          : withJson(reply, { ...body, expires_in: options.lifetimes.accessToken });
      }),
  },
  {
    id: "F-TOK-03-response-scope-differs",
    area: "tokens",
    description:
      "The scope member of a token response is the registered scope even when the issued access token carries another (a narrowed refresh).",
    requirement: "DTP-TOK-009",
    catchers: ["DTP-REF-006"],
    fixture: () =>
      wrap("token", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return typeof body.scope === "string" && ctx.form.grant_type === "refresh_token"
          ? withJson(reply, { ...body, scope: "me login" })
          : reply;
      }),
  },
  {
    id: "F-TOK-04-no-scope-in-token-response",
    area: "tokens",
    description:
      "Token responses leave out scope (RFC 6749 §5.1 allows it when the scope is the one requested; DTP requires it in every token response).",
    requirement: "DTP-TOK-053",
    catchers: ["DTP-TOK-001"],
    fixture: () =>
      wrap("token", async (ctx, next) => {
        const reply = await next(ctx);
        const { scope: _, ...body } = replyJson(reply);
        return reply.status === 200 ? withJson(reply, body) : reply;
      }),
  },
  {
    id: "F-TOK-05-cnf-in-unbound-token",
    area: "tokens",
    description:
      'Every access token carries a cnf claim, also a Bearer token issued without a DPoP proof (cnf {"x5t#S256": …} of a certificate the client never presented).',
    requirement: "DTP-TOK-055",
    catchers: ["DTP-TOK-001"],
    fixture: () => {
      const withCnf: Wrapper = (ctx, next) => {
        const real = ctx.app.signer;
        return next(
          withApp(ctx, {
            signer: {
              ...real,
              sign: (claims) =>
                real.sign(
                  claims.cnf === undefined
                    ? ({
                        ...claims,
                        cnf: { "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2" },
                      } as unknown as typeof claims)
                    : claims,
                ),
            },
          }),
        );
      };
      return combine(wrap("token", withCnf), wrap("login", withCnf));
    },
  },
  {
    id: "F-TOK-06-jwt-refresh-tokens",
    area: "tokens",
    description:
      "Refresh tokens are issued as JWTs (an HS256-style JWS whose payload carries the real token); the server reads them back wherever a refresh token is presented.",
    requirement: "DTP-TOK-054",
    catchers: ["DTP-TOK-007"],
    fixture: () =>
      wrapAll(async (ctx, next) => {
        const inner = (t: string | undefined) => {
          const rt = t === undefined ? undefined : jwtPayload(t)?.rt;
          return typeof rt === "string" ? rt : t;
        };
        const form: Record<string, string> = { ...ctx.form } as Record<string, string>;
        for (const k of ["refresh_token", "token"]) {
          const v = inner(ctx.form[k]);
          if (v !== undefined) form[k] = v;
        }
        const reply = await next(withForm(ctx, form));
        const body = replyJson(reply);
        if (typeof body.refresh_token !== "string") return reply;
        const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const jwt = `${part({ alg: "HS256", typ: "JWT" })}.${part({ rt: body.refresh_token })}.${randomToken()}`;
        return withJson(reply, { ...body, refresh_token: jwt });
      }),
  },
  {
    id: "F-TOK-30-token-response-repeats-member",
    area: "tokens",
    description:
      'Token responses name access_token twice: {"access_token": "<a stale token>", …, "access_token": "<the new one>"}. JSON.parse keeps the last, so the kit\'s client works; a parser that keeps the first gets a dead token.',
    requirement: "DTP-TOK-050",
    catchers: ["DTP-TOK-050"],
    fixture: () =>
      wrap("token", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        if (reply.status !== 200 || typeof body.access_token !== "string") return reply;
        const rest = JSON.stringify(body).slice(1);
        return {
          status: reply.status,
          headers: { ...reply.headers, "Content-Type": "application/json" },
          text: `{"access_token":${JSON.stringify(randomToken())},${rest}`,
        };
      }),
  },
  {
    id: "F-TOK-31-narrowed-scope-unannounced",
    area: "tokens",
    description:
      "A refresh without scope issues an access token with only the first value of the grant (narrower than the scope originally granted, which the request asks for) and leaves scope out of the response, so the client believes it has the whole grant.",
    requirement: "DTP-TOK-051",
    catchers: ["DTP-TOK-051"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        const found = await findRefreshToken(ctx.app, ctx.form.refresh_token ?? "");
        const first = found?.token.scope.split(" ").find((s) => s !== "");
        if (ctx.form.scope !== undefined || first === undefined) return next(ctx);
        const reply = await next(
          withForm(ctx, { ...ctx.form, scope: first } as Record<string, string>),
        );
        const { scope: _, ...body } = replyJson(reply);
        return reply.status === 200 ? withJson(reply, body) : reply;
      }),
  },
  {
    id: "F-TOK-40-expires-in-omitted",
    area: "tokens",
    description:
      "A plain OAuth server (no dtp_version in its metadata) whose token responses omit expires_in (RECOMMENDED by RFC 6749 §5.1): clients cannot know when the access token ends. A SHOULD: the check warns.",
    requirement: "DTP-TOK-052",
    catchers: ["DTP-TOK-001"],
    note: "Without dtp_version the kit judges the target as a plain OAuth server: on a DTP target the omission is DTP-TOK-053's FAIL (DTP requires expires_in).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        wrap("token", async (ctx, next) => {
          const reply = await next(ctx);
          const { expires_in: _expiresIn, ...body } = replyJson(reply);
          return reply.status === 200 ? withJson(reply, body) : reply;
        }),
      ),
  },
];
