/**
 * DTP-REV-007 (MUST, RFC 7009 §2.2.1; RFC 7662 §2.3):
 * "`POST /revoke` or `POST /introspect` without a `token` parameter MUST be answered 400
 * OAuth error `invalid_request`."
 *
 * Both endpoints, authenticated as an approved device (and, for introspection, with the
 * admin bearer when the config has one), with an empty form, with only a
 * `token_type_hint`, and with an unrelated parameter.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { basicAuth, clientSecret, endpoint } from "../../src/client/legacy/index.ts";
import { deviceWithRefresh } from "../refresh/_helpers.ts";

const ID = "DTP-REV-007";

const FORMS: [string, Record<string, string>][] = [
  ["an empty form", {}],
  ["only token_type_hint", { token_type_hint: "access_token" }],
  ["an unrelated parameter", { access_token: "not-the-token-parameter" }],
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "revocation",
    title: "/revoke and /introspect without a token parameter: 400 invalid_request",
    specRef: "RFC 7009 §2.2.1; RFC 7662 §2.3",
    requires: ["revocation", "introspection", "admin"],
  },
  async run(ctx) {
    const dev = await deviceWithRefresh(ctx, ID, "notoken");
    const device = basicAuth(dev.clientId, clientSecret(ctx.target, dev.clientId));
    const admin = ctx.target.config.admin?.token;
    const callers: [string, "revocation_endpoint" | "introspection_endpoint", string][] = [
      ["revoke as the device", "revocation_endpoint", device],
      ["introspect as the device", "introspection_endpoint", device],
    ];
    if (admin !== undefined) {
      callers.push(["introspect as the admin", "introspection_endpoint", `Bearer ${admin}`]);
    }
    for (const [who, name, authorization] of callers) {
      for (const [what, form] of FORMS) {
        const res = await ctx.http.request({
          method: "POST",
          url: endpoint(ctx.target, name),
          headers: { authorization },
          form,
          label: `${who} with ${what}`,
        });
        expectOAuthError(res, { status: 400, error: "invalid_request" }, ID);
      }
    }
  },
};
