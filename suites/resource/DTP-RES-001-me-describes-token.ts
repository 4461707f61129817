/**
 * DTP-RES-001 (MUST, DTP):
 * "`GET /me` with a valid access token or personal token that has scope `me` MUST answer
 * 200 `{"sub", "client_id", "token_kind", "scope"}` where `scope` is an array of the
 * token's scopes."
 *
 * DTP-RES-002 (MUST, DTP):
 * "`sub`, `client_id` and `token_kind` (`device`, `user`, `personal` or `service`) in the
 * `/me` response MUST match the presented token."
 *
 * DTP-RES-003 (MUST, DTP; RFC 9111 §5.2.2.5):
 * "The 200 response of `GET /me` MUST carry `Cache-Control: no-store`."
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
  claimsOf,
  type DpopSession,
  requireValid,
  sameScope,
  type TokenSet,
} from "../../src/client/index.ts";
import { approvedDevice, loggedInUser, serviceClient } from "../../src/client/kit/index.ts";

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
    const dev = await approvedDevice(ctx, { label: "me" });
    await ctx.case("device token (Bearer)", async () => {
      const tokens = dev.tokens.tokens;
      await probe(ctx, "device token (Bearer)", tokens, undefined, {
        sub: subOf(tokens, dev.device.clientId),
        clientId: dev.device.clientId,
        kind: "device",
        scope: scopeOf(tokens, "me login"),
      });
    });

    if (f.has("dpop") && f.has("dtp")) {
      await ctx.case("device token (DPoP)", async () => {
        const bound = await approvedDevice(ctx, { label: "me-dpop", kind: "ed25519" });
        const tokens = bound.tokens.tokens;
        await probe(ctx, "device token (DPoP)", tokens, bound.device.dpop, {
          sub: subOf(tokens, bound.device.clientId),
          clientId: bound.device.clientId,
          kind: "device",
          scope: scopeOf(tokens, "me login"),
        });
      });
    } else ctx.note("no DPoP: DPoP-bound device tokens not tested");

    if (f.has("login") && f.has("user_credentials")) {
      const user = await loggedInUser(ctx, { through: dev });
      const sub = claimsOf(user.tokens.accessToken)?.sub;
      await ctx.case("user token", async () => {
        if (typeof sub !== "string") {
          fail(
            ID,
            "a user access token whose sub can be read (JWT)",
            "not a JWT",
            user.tokens.tokens.res,
          );
        }
        await probe(ctx, "user token", user.tokens.tokens, undefined, {
          sub,
          clientId: dev.device.clientId,
          kind: "user",
          scope: scopeOf(user.tokens.tokens, "me tokens"),
        });
      });
      if (f.has("personal_tokens")) {
        await ctx.case("personal token", async () => {
          if (typeof sub !== "string")
            return ctx.skip("the user token's sub cannot be read (not a JWT)");
          const pat = await user.personalToken({ name: `kit ${ctx.clientId("pat")}`, scope: "me" });
          await probe(ctx, "personal token", pat.holder.tokens, undefined, {
            sub,
            clientId: dev.device.clientId,
            kind: "personal",
            scope: "me",
          });
        });
      } else ctx.note("no personal tokens: token_kind personal not tested");
    } else ctx.note("no login or no user in the config: token_kind user and personal not tested");

    if (f.has("client_credentials") && f.has("dtp")) {
      await ctx.case("service token", async () => {
        const svc = await serviceClient(ctx);
        const tokens = (await svc.token()).tokens;
        await probe(ctx, "service token", tokens, undefined, {
          sub: subOf(tokens, svc.clientId),
          clientId: svc.clientId,
          kind: "service",
          scope: scopeOf(tokens, "me service"),
        });
      });
    } else ctx.note("no client credentials grant: token_kind service not tested");
  },
};

function subOf(tokens: Pick<TokenSet, "accessToken">, fallback: string): string {
  const sub = claimsOf(tokens.accessToken)?.sub;
  return typeof sub === "string" ? sub : fallback;
}

function scopeOf(tokens: Pick<TokenSet, "accessToken" | "scope">, fallback: string): string {
  const claim = claimsOf(tokens.accessToken)?.scope;
  return typeof claim === "string" ? claim : (tokens.scope ?? fallback);
}

async function probe(
  ctx: CheckContext,
  what: string,
  tokens: TokenSet,
  dpop: DpopSession | undefined,
  want: Expected,
): Promise<HttpResponse> {
  requireValid(ctx, tokens, `GET /me with the ${what}`);
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
  if (!sameScope(scope.join(" "), want.scope)) {
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
