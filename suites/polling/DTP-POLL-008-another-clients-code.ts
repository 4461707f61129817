/**
 * DTP-POLL-008 (MUST, RFC 6749 §5.2; RFC 8628 §3.4):
 * "A poll with a `device_code` issued to another `client_id` MUST be answered 400 OAuth
 * error `invalid_grant` and MUST NOT affect that code, which its owner can still redeem."
 *
 * DTP-ERR-003 (MUST, RFC 6749 §5.2), on the device code grant:
 * "A failed client authentication MUST be answered 401 OAuth error `invalid_client`, with
 * `WWW-Authenticate: Basic realm="dtp"` when the client used HTTP Basic."
 *
 * Device A registers. Another client B (the same API key, another client_id) polls A's
 * code while it is pending and again once it is approved (HTTP Basic, and form
 * credentials when the target supports them): `invalid_grant`, never tokens. The approved
 * code is then presented without credentials and with a wrong API key: 401
 * `invalid_client` (a code is not redeemable without the API key). Finally A, polling at
 * the interval, still redeems its code: none of these requests used it up or slowed it down.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import { basicAuth, clientSecret } from "../../src/client/legacy/auth.ts";
import { DEVICE_CODE_GRANT, type Registration } from "../../src/client/legacy/device.ts";
import { endpoint } from "../../src/client/legacy/endpoints.ts";
import { readTokens } from "../../src/client/legacy/tokens.ts";
import {
  answerOf,
  errorOf,
  pollAfter,
  registerTimed,
  skipIfExpiredOnTheWay,
  timedPoll,
} from "./_helpers.ts";

const ID = "DTP-POLL-008";
const CLIENT_AUTH = "DTP-ERR-003";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, CLIENT_AUTH],
    level: "MUST",
    area: "polling",
    title:
      "Another client's code is invalid_grant, no code redeems without the API key, the owner still redeems",
    specRef: "RFC 6749 §5.2; RFC 8628 §3.4",
    requires: ["device_code", "admin"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, ID, { label: "register A" });
    const a = timed.reg;
    const other: Registration = { ...a, clientId: ctx.clientId("other") };
    const postSupported = (
      (ctx.target.metadata.token_endpoint_auth_methods_supported as unknown[] | undefined) ?? []
    ).includes("client_secret_post");

    const pending = await timedPoll(ctx, other, "B polls A's code (pending)");
    expectOAuthError(pending.res, { status: 400, error: "invalid_grant" }, ID);

    await ctx.approval.approve(a.userCode);

    // Without credentials: only client_id in the form.
    const none = await timedPoll(ctx, a, "A's approved code without client authentication", {
      auth: "none",
    });
    expectOAuthError(none.res, { status: 401, error: "invalid_client" }, CLIENT_AUTH);

    // HTTP Basic with a wrong API key.
    const wrongKey = await ctx.http.request({
      method: "POST",
      url: endpoint(ctx.target, "token_endpoint"),
      headers: {
        authorization: basicAuth(a.clientId, `${clientSecret(ctx.target, a.clientId)}-wrong`),
      },
      form: { grant_type: DEVICE_CODE_GRANT, device_code: a.deviceCode },
      label: "A's approved code with a wrong API key (Basic)",
    });
    expectOAuthError(wrongKey, { status: 401, error: "invalid_client" }, CLIENT_AUTH);
    const challenge = expectWwwAuthenticate(wrongKey, { scheme: "Basic" }, CLIENT_AUTH);
    // The realm value is DTP's; a plain OAuth server names its own (RFC 7617 §2).
    if (ctx.target.features.has("dtp") && challenge.params.realm !== "dtp") {
      fail(
        CLIENT_AUTH,
        'WWW-Authenticate: Basic realm="dtp"',
        `WWW-Authenticate: ${wrongKey.headers["www-authenticate"]}`,
        wrongKey,
      );
    }

    let last = await timedPoll(ctx, other, "B polls A's code (approved, Basic)");
    expectOAuthError(last.res, { status: 400, error: "invalid_grant" }, ID);
    if (postSupported) {
      last = await timedPoll(ctx, other, "B polls A's code (approved, client_secret_post)", {
        auth: "post",
      });
      expectOAuthError(last.res, { status: 400, error: "invalid_grant" }, ID);
    }

    const owner = await pollAfter(ctx, a, last, a.interval, "A polls its code (at the interval)");
    skipIfExpiredOnTheWay(ctx, timed, owner);
    if (owner.res.status !== 200) {
      fail(
        ID,
        "the owner to redeem its approved code: the other client's polls and the unauthenticated requests must not affect it",
        `A's first poll, ${a.interval} s after the last of them, was answered ${answerOf(owner.res)}${errorOf(owner.res) === "slow_down" ? " (they were counted as polls of A's code)" : ""}`,
        [pending.res, none.res, wrongKey, last.res, owner.res],
      );
    }
    readTokens(ctx, owner.res, ID);
  },
};
