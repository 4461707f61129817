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
import { sendAs } from "../../src/client/index.ts";
import { adminApiOf, approvedDevice } from "../../src/client/kit/index.ts";

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
    const { device } = await approvedDevice(ctx, { label: "notoken" });
    const admin = adminApiOf(ctx);
    for (const [what, form] of FORMS) {
      const callers: [string, (label: string) => ReturnType<typeof sendAs>][] = [
        ["revoke as the device", (l) => sendAs(ctx, device, "revocation_endpoint", form, l)],
        ["introspect as the device", (l) => sendAs(ctx, device, "introspection_endpoint", form, l)],
      ];
      if (admin) callers.push(["introspect as the admin", (l) => admin.introspectForm(form, l)]);
      for (const [who, send] of callers) {
        await ctx.case(`${who} with ${what}`, async () => {
          const res = await send(`${who} with ${what}`);
          expectOAuthError(res, { status: 400, error: "invalid_request" }, ID);
        });
      }
    }
  },
};
