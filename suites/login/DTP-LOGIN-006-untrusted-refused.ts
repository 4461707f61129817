/**
 * DTP-LOGIN-006 (MUST, RFC 6750 §3.1; SAFEQ Cloud "User and device tokens"):
 * "When `allow_untrusted_endpoints` is false, a `/login` request without an `Authorization`
 * header MUST be answered 401 with `WWW-Authenticate: Bearer realm="dtp"` carrying no
 * `error` attribute."
 *
 * DTP-LOGIN-007 (MUST, SAFEQ Cloud "User and device tokens"):
 * "When `allow_untrusted_endpoints` is false, a `/login` request authenticated only with
 * HTTP Basic (API key) MUST be answered 401 and MUST NOT issue a token."
 *
 * Run against the policy the target declares in `dtp_policies` (absent = false, the
 * default); when it declares `true`, DTP-LOGIN-008 applies instead and this check SKIPs.
 * With the configured user's right credentials: no `Authorization` header → 401, a Bearer
 * challenge with `realm="dtp"` and no `error`, no token; HTTP Basic with the client_id of
 * an approved device and the right API key → 401, no token.
 */
import type { Check } from "../../src/check/check.ts";
import { expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import { basicAuth, sendLogin } from "../../src/client/index.ts";
import {
  approvedDevice,
  clientSecret,
  policyInEffect,
  userCredentials,
} from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-006";
const BASIC = "DTP-LOGIN-007";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, BASIC],
    level: "MUST",
    area: "login",
    title:
      "allow_untrusted_endpoints false: login without a device token → 401 Bearer challenge without error; with only the API key (Basic) → 401, no token",
    specRef: 'RFC 6750 §3.1; SAFEQ Cloud "User and device tokens"',
    requires: ["device_code", "admin", "login", "user_credentials"],
  },
  async run(ctx) {
    if (policyInEffect(ctx, "allow_untrusted_endpoints")) {
      ctx.notClaimed(
        "the target declares dtp_policies.allow_untrusted_endpoints = true: DTP-LOGIN-006/007 apply only when it is false (DTP-LOGIN-008 tests the declared behaviour)",
      );
    }
    const user = userCredentials(ctx);
    const form = { username: user.username, password: user.password };

    await ctx.case("without Authorization", async () => {
      const bare = await sendLogin(ctx, {}, form, "login without Authorization");
      const challenge = expectWwwAuthenticate(bare, { scheme: "Bearer", error: null }, ID);
      if (challenge.params.realm !== "dtp") {
        fail(
          ID,
          'the Bearer challenge with realm="dtp"',
          challenge.params.realm === undefined
            ? `no realm: ${JSON.stringify(bare.headers["www-authenticate"])}`
            : `realm="${challenge.params.realm}"`,
          bare,
        );
      }
      expectNoToken(bare, ID, "a login without Authorization");
    });

    await ctx.case("with only the API key (HTTP Basic)", async () => {
      // The requirement names HTTP Basic with the API key: sent so on purpose.
      const { device } = await approvedDevice(ctx, { label: "untrusted" });
      const basic = await sendLogin(
        ctx,
        { authorization: basicAuth(device.clientId, clientSecret(ctx.target, device.clientId)) },
        form,
        "login with the API key (HTTP Basic) instead of a device token",
      );
      expectStatus(basic, 401, BASIC);
      expectNoToken(basic, BASIC, "a login authenticated only with the API key");
    });
  },
};
