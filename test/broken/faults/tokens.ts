/** Token responses and access tokens (RFC 6749 §5.1, RFC 9068). */
import type { Fault } from "../types.ts";
import { replyJson, withApp, withJson, withoutHeaders, wrap } from "./_lib.ts";

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
];
