/**
 * DTP-LOGIN-008 (MUST, SAFEQ Cloud "User and device tokens"):
 * "When `allow_untrusted_endpoints` is true, the server MUST accept HTTP Basic client
 * authentication (`client_id` + API key) instead of a device token at `/login`; a wrong API
 * key MUST be answered 401 OAuth error `invalid_client`."
 *
 * Run against the policy the target declares in `dtp_policies`; when it declares `false`
 * (or nothing: the default), DTP-LOGIN-006/007 apply instead and this check SKIPs.
 * HTTP Basic with the client_id of an approved device and the API key, plus the configured
 * user's credentials → 200 token response with a user access token (`dtp_kind` `user`,
 * `client_id` the device) and a refresh token. Generated wrong API keys → 401
 * `invalid_client`, no token (or, past the declared
 * `dtp_limits.failed_attempts.client_secret.max` for this `client_id`, 429
 * `temporarily_unavailable`: DTP-ERR-017).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import {
  basicAuth,
  claimsOf,
  declaredFailureLimit,
  readStepTokens,
  sendLogin,
} from "../../src/client/index.ts";
import {
  approvedDevice,
  clientSecret,
  policyInEffect,
  userCredentials,
} from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-008";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "login",
    title:
      "allow_untrusted_endpoints true: login with the API key (HTTP Basic) instead of a device token works; a wrong API key → 401 invalid_client",
    specRef: 'SAFEQ Cloud "User and device tokens"',
    requires: ["device_code", "admin", "login", "user_credentials"],
    property: true,
  },
  async run(ctx) {
    if (!policyInEffect(ctx, "allow_untrusted_endpoints")) {
      ctx.notClaimed(
        "the target declares dtp_policies.allow_untrusted_endpoints = false (or leaves it at its default): DTP-LOGIN-008 applies only when it is true (DTP-LOGIN-006/007 test the declared behaviour)",
      );
    }
    const user = userCredentials(ctx);
    const form = { username: user.username, password: user.password };
    const { device } = await approvedDevice(ctx, { label: "apikey-login" });
    // The requirement names HTTP Basic with the API key: sent so on purpose.
    const apiKey = clientSecret(ctx.target, device.clientId);

    const ok = await sendLogin(
      ctx,
      { authorization: basicAuth(device.clientId, apiKey) },
      form,
      "login with the API key (HTTP Basic)",
    );
    const tokens = readStepTokens(ctx, ok, ID, "a login with the API key");
    if (tokens.refreshToken === undefined) {
      fail(ID, "a user token pair (with a refresh_token)", "no refresh_token", ok);
    }
    const claims = claimsOf(tokens.accessToken);
    if (claims && (claims.dtp_kind !== "user" || claims.client_id !== device.clientId)) {
      fail(
        ID,
        `a user token (dtp_kind "user") for client_id ${JSON.stringify(device.clientId)}`,
        `dtp_kind ${JSON.stringify(claims.dtp_kind)}, client_id ${JSON.stringify(claims.client_id)}`,
        ok,
      );
    }

    const wrongKey = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{8,48}$/),
      fc.nat({ max: apiKey.length - 1 }).map((i) => {
        // The real key with one character changed.
        const c = apiKey[i] === "A" ? "B" : "A";
        return apiKey.slice(0, i) + c + apiKey.slice(i + 1);
      }),
      fc.constant(`${apiKey}x`),
    );
    const limit = declaredFailureLimit(ctx.target, "client_secret");
    let failures = 0;
    await ctx.property(
      "a wrong API key",
      fc.asyncProperty(
        wrongKey.filter((k) => k !== apiKey),
        async (key) => {
          const res = await sendLogin(
            ctx,
            { authorization: basicAuth(device.clientId, key) },
            form,
            "login with a wrong API key (HTTP Basic)",
          );
          if (limit && ++failures > limit.max && res.status === 429)
            expectOAuthError(res, { status: 429, error: "temporarily_unavailable" }, "DTP-ERR-017");
          else expectOAuthError(res, { status: 401, error: "invalid_client" }, ID);
          expectNoToken(res, ID, "a login with a wrong API key");
        },
      ),
    );
  },
};
