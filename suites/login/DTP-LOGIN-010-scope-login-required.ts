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
import { expectJson, expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { endpointOf, login, type TokenSet } from "../../src/client/legacy/index.ts";
import {
  claimsOf,
  expectNoToken,
  passwordForm,
  refreshPair,
  scopeSet,
  serviceTokenHolder,
  trustedDevice,
  userSession,
  withLiveToken,
} from "./_helpers.ts";

const ID = "DTP-LOGIN-010";

type Live = TokenSet;

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
    const form = passwordForm(ctx);

    // A device token refreshed down to `me`.
    const narrowed = await trustedDevice(ctx, ID, "scope-narrowed");
    const narrow = async () => {
      await refreshPair(ctx, narrowed, narrowed, "DTP-REF-006", "narrowed to scope me", {
        scope: "me",
      });
      const t = narrowed.tokens;
      const scope = scopeSet(claimsOf(t.accessToken)?.scope ?? t.scope);
      if (scope !== undefined && scope.join(" ") !== "me") {
        fail(
          "DTP-REF-006",
          'a device token narrowed to scope "me"',
          `scope ${JSON.stringify(scope.join(" "))}`,
          t.res,
        );
      }
    };
    await narrow();
    await refused(
      ctx,
      "a device token refreshed down to scope me",
      () => narrowed.tokens,
      narrow,
      form,
    );

    // A device registered with scope `me` only.
    const meOnly = await trustedDevice(ctx, ID, "scope-me", { scope: "me" });
    await refused(
      ctx,
      "a device token of a device registered with scope me",
      () => meOnly.tokens,
      () => refreshPair(ctx, meOnly, meOnly, ID, "device token (scope me)"),
      form,
    );

    // A user token.
    const device = await trustedDevice(ctx, ID, "scope-user");
    const user = await userSession(ctx, device, ID);
    await refused(
      ctx,
      "a user token",
      () => user.tokens,
      () => refreshPair(ctx, device, user, ID, "user token"),
      form,
    );

    // A personal token (long-lived: no renewal needed).
    const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    if (pats !== undefined && ctx.target.features.has("personal_tokens")) {
      const created = await withLiveToken(
        ctx,
        "create a personal token",
        () => user.tokens,
        () => refreshPair(ctx, device, user, ID, "user token"),
        (tokens) =>
          ctx.http.request({
            method: "POST",
            url: pats,
            headers: { authorization: `Bearer ${tokens.accessToken}` },
            json: { name: "DTP-LOGIN-010 personal token", expires_in: 300 },
            label: "create a personal token",
          }),
      );
      expectStatus(created, 201, "DTP-PAT-001");
      const secret = expectJson(created, "DTP-PAT-001").token;
      if (typeof secret !== "string")
        fail("DTP-PAT-001", "a personal token secret", "none", created);
      ctx.http.addSecret(secret, "personal-token");
      const res = await login(
        ctx,
        { tokens: { accessToken: secret, tokenType: "Bearer" } },
        form,
        "login with a personal token",
      );
      expectInsufficient(res, "a personal token");
    } else ctx.note("the target has no personal tokens: not tested with a personal token");

    // A service token.
    if (ctx.target.features.has("client_credentials")) {
      const svc = await serviceTokenHolder(ctx, ID);
      await refused(ctx, svc.what, svc.current, svc.renew, form);
    } else ctx.note("the target offers no client_credentials: not tested with a service token");
  },
};

/** The token is refused at /login with 403 insufficient_scope (retried if it may have expired). */
async function refused(
  ctx: CheckContext,
  what: string,
  current: () => Live,
  renew: () => Promise<void>,
  form: Record<string, string>,
): Promise<void> {
  const res = await withLiveToken(ctx, `login with ${what}`, current, renew, (tokens) =>
    login(
      ctx,
      { tokens: { accessToken: tokens.accessToken, tokenType: "Bearer" } },
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
