/**
 * DTP-RES-001 (MUST, DTP):
 * "`GET /me` with a valid access token or personal token that has scope `me` MUST answer
 * 200 `{"sub", "client_id", "token_kind", "scope"}` where `scope` is an array of the
 * token's scopes."
 *
 * With, on the same exchanges:
 * DTP-RES-002 (MUST): "`sub`, `client_id` and `token_kind` (`device`, `user`, `personal` or
 * `service`) in the `/me` response MUST match the presented token."
 * DTP-RES-003 (MUST): "The 200 response of `GET /me` MUST carry `Cache-Control:
 * no-store`."
 *
 * Every kind of token the target offers: a device token (Bearer, and DPoP-bound when the
 * target supports DPoP), a user token and a personal token (when it has login, personal
 * tokens and a user in the config) and a service token (when it offers client
 * credentials). Kinds the target does not offer are named in a note.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectJson, expectNoStore, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  type DpopSession,
  newDeviceKey,
  peekJwt,
  type TokenSet,
} from "../../src/client/legacy/index.ts";
import {
  deviceWithRefresh,
  personalToken,
  requireAlive,
  scopeSet,
  userTokens,
} from "../refresh/_helpers.ts";
import { serviceToken } from "./_helpers.ts";

const ID = "DTP-RES-001";

interface Expected {
  sub: string;
  clientId: string;
  kind: "device" | "user" | "personal" | "service";
  scope: string;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-002", "DTP-RES-003"],
    level: "MUST",
    area: "resource",
    title:
      "GET /me names the token's sub, client_id, kind and scopes, with Cache-Control: no-store",
    specRef: "DTP; RFC 9111 §5.2.2.5",
    requires: ["resource", "admin"],
  },
  async run(ctx) {
    const f = ctx.target.features;
    const dev = await deviceWithRefresh(ctx, ID, "me");
    await probe(ctx, "device token (Bearer)", dev.tokens, undefined, {
      sub: subOf(dev.tokens, dev.clientId),
      clientId: dev.clientId,
      kind: "device",
      scope: scopeOf(dev.tokens, "me login"),
    });

    if (f.has("dpop") && f.has("dtp")) {
      const key = await newDeviceKey("ed25519");
      const bound = await deviceWithRefresh(ctx, ID, "me-dpop", { key });
      await probe(ctx, "device token (DPoP)", bound.tokens, bound.dpop, {
        sub: subOf(bound.tokens, bound.clientId),
        clientId: bound.clientId,
        kind: "device",
        scope: scopeOf(bound.tokens, "me login"),
      });
    } else ctx.note("no DPoP: DPoP-bound device tokens not tested");

    if (f.has("login") && f.has("user_credentials")) {
      const user = await userTokens(ctx, dev, ID);
      const sub = peekJwt(user.accessToken)?.sub;
      if (typeof sub !== "string") {
        fail(ID, "a user access token whose sub can be read (JWT)", "not a JWT", user.res);
      }
      await probe(ctx, "user token", user, undefined, {
        sub,
        clientId: dev.clientId,
        kind: "user",
        scope: scopeOf(user, "me tokens"),
      });
      if (f.has("personal_tokens")) {
        const pat = await personalToken(ctx, user, ID);
        const tokens = { accessToken: pat.token, tokenType: "Bearer" };
        await probe(ctx, "personal token", { ...tokens, ...pat }, undefined, {
          sub,
          clientId: dev.clientId,
          kind: "personal",
          scope: "me",
        });
      } else ctx.note("no personal tokens: token_kind personal not tested");
    } else ctx.note("no login or no user in the config: token_kind user and personal not tested");

    if (f.has("client_credentials") && f.has("dtp")) {
      const svc = await serviceToken(ctx, ID);
      await probe(ctx, "service token", svc.tokens, undefined, {
        sub: subOf(svc.tokens, svc.clientId),
        clientId: svc.clientId,
        kind: "service",
        scope: scopeOf(svc.tokens, "me service"),
      });
    } else ctx.note("no client credentials grant: token_kind service not tested");
  },
};

function subOf(tokens: Pick<TokenSet, "accessToken">, fallback: string): string {
  const sub = peekJwt(tokens.accessToken)?.sub;
  return typeof sub === "string" ? sub : fallback;
}

function scopeOf(tokens: Pick<TokenSet, "accessToken" | "scope">, fallback: string): string {
  const claim = peekJwt(tokens.accessToken)?.scope;
  return typeof claim === "string" ? claim : (tokens.scope ?? fallback);
}

async function probe(
  ctx: CheckContext,
  what: string,
  tokens: Pick<TokenSet, "accessToken" | "tokenType"> & { receivedAt: number; expiresIn: number },
  dpop: DpopSession | undefined,
  want: Expected,
): Promise<HttpResponse> {
  requireAlive(ctx, tokens, `GET /me with the ${what}`);
  const res = await callResource(ctx, tokens, dpop, `GET /me (${what})`);
  if (res.status !== 200) fail(ID, `200 for a valid ${what} with scope me`, describe(res), res);
  const body = expectJson(res, ID);
  const scope = body.scope;
  if (!Array.isArray(scope) || !scope.every((s) => typeof s === "string")) {
    fail(ID, '"scope" as an array of strings', `"scope": ${JSON.stringify(scope)}`, res);
  }
  for (const k of ["sub", "client_id", "token_kind"]) {
    if (typeof body[k] !== "string") {
      fail(ID, `"${k}" (a string)`, `"${k}": ${JSON.stringify(body[k])}`, res);
    }
  }
  const checks: [string, unknown, string][] = [
    ["sub", body.sub, want.sub],
    ["client_id", body.client_id, want.clientId],
    ["token_kind", body.token_kind, want.kind],
  ];
  for (const [k, got, expected] of checks) {
    if (got !== expected) {
      fail(
        "DTP-RES-002",
        `"${k}": ${JSON.stringify(expected)} for the ${what}`,
        `"${k}": ${JSON.stringify(got)}`,
        res,
      );
    }
  }
  if (scopeSet(scope.join(" ")) !== scopeSet(want.scope)) {
    fail(
      ID,
      `"scope": the ${what}'s scopes ${JSON.stringify(want.scope.split(" "))}`,
      `"scope": ${JSON.stringify(scope)}`,
      res,
    );
  }
  expectNoStore(res, "DTP-RES-003");
  return res;
}
