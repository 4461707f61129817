/**
 * DTP-LOGIN-010 (MUST, RFC 6750 §3.1):
 * "A `/login` request with an access token lacking scope `login` (a user, personal or
 * service token, or a device token refreshed down to `me`) MUST be answered 403 with
 * `WWW-Authenticate` `error="insufficient_scope"`."
 *
 * With the configured user's right credentials and valid tokens that lack `login`:
 * - a device token refreshed down to scope `me` (RFC 6749 §6);
 * - a device token of a device registered with scope `me` only;
 * - a user token (from a successful login);
 * - a personal token (when the target has personal tokens);
 * - a service token (when the target offers client_credentials).
 * Each is answered 403 with a Bearer challenge carrying `error="insufficient_scope"`, and
 * no token. A 401 while a short-lived token may have expired on the way (a slow machine)
 * is retried with a fresh token, never judged.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  endpointOf,
  loginWith,
  scopeList,
  scopeOf,
  TokenHolder,
  type TokenSet,
} from "../../src/client/index.ts";
import {
  approvedDevice,
  loggedInUser,
  serviceClient,
  userCredentials,
} from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-010";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "login",
    title:
      "Login with a token lacking scope login (device token narrowed to me, user, personal or service token) → 403 insufficient_scope",
    specRef: "RFC 6750 §3.1",
    requires: ["device_code", "admin", "login", "user_credentials", "refresh_token"],
  },
  async run(ctx) {
    const user = userCredentials(ctx);
    const form = { username: user.username, password: user.password };

    await ctx.case("a device token refreshed down to scope me", async () => {
      const { device, tokens } = await approvedDevice(ctx, { label: "scope-narrowed" });
      const narrow = async (current: TokenSet) => {
        const t = await device.refreshed(current, {
          extra: { scope: "me" },
          requirement: "DTP-REF-006",
        });
        const scope = scopeList(scopeOf(t));
        if (scope !== undefined && scope.join(" ") !== "me") {
          fail(
            "DTP-REF-006",
            'a device token narrowed to scope "me"',
            `scope ${JSON.stringify(scope.join(" "))}`,
            t.res,
          );
        }
        return t;
      };
      // Renewed by narrowing again: the token stays one of scope me.
      const narrowed = new TokenHolder(ctx, await narrow(tokens.tokens), {
        what: "device token of scope me",
        kind: "device",
        clientId: device.clientId,
        renew: narrow,
      });
      await refused(ctx, "a device token refreshed down to scope me", narrowed, form);
    });

    await ctx.case("a device token of a device registered with scope me", async () => {
      const { tokens } = await approvedDevice(ctx, {
        label: "scope-me",
        register: { scope: "me" },
      });
      await refused(ctx, "a device token of a device registered with scope me", tokens, form);
    });

    const userSession = await loggedInUser(ctx, { device: { label: "scope-user" } });
    await ctx.wrongActor(ID, "a user token", () =>
      refused(ctx, "a user token", userSession.tokens, form),
    );

    // A personal token (long-lived: no renewal needed).
    const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    if (pats !== undefined && ctx.target.features.has("personal_tokens")) {
      await ctx.wrongActor(ID, "a personal token", async () => {
        const pat = await userSession.personalToken({
          name: "DTP-LOGIN-010 personal token",
          expiresIn: 300,
        });
        await refused(ctx, "a personal token", pat.holder, form);
      });
    } else ctx.note("the target has no personal tokens: not tested with a personal token");

    // A service token.
    if (ctx.target.features.has("client_credentials")) {
      await ctx.wrongActor(ID, "a service token", async () => {
        const svc = await (await serviceClient(ctx)).token();
        await refused(ctx, "a service token", svc, form);
      });
    } else ctx.note("the target offers no client_credentials: not tested with a service token");
  },
};

/** The token is refused at /login with 403 insufficient_scope (kept live by the holder). */
async function refused(
  ctx: CheckContext,
  what: string,
  holder: TokenHolder,
  form: Record<string, string>,
): Promise<void> {
  const res = await holder.use((tokens) =>
    loginWith(
      ctx,
      { accessToken: tokens.accessToken, tokenType: "Bearer" },
      undefined,
      form,
      `login with ${what}`,
    ),
  );
  expectInsufficient(res, what);
}

function expectInsufficient(res: HttpResponse, what: string): void {
  expectWwwAuthenticate(res, { scheme: "Bearer", error: "insufficient_scope", status: 403 }, ID);
  expectNoToken(res, ID, `a login with ${what}`);
}
