/**
 * DTP-REG-009 (MUST, RFC 6749 §3.3; RFC 8628 §3.1):
 * "`scope` MUST be optional and default to `me login`; a `scope` containing a value other
 * than `me` or `login` MUST be rejected with 400 OAuth error `invalid_scope`."
 *
 * Property: otherwise valid registrations whose `scope` holds at least one value other
 * than `me` / `login` (other DTP scopes, case variants, arbitrary scope tokens, mixed with
 * valid ones) get `invalid_scope`. Then a registration without `scope` is approved and
 * polled: the device token's scope (the token response's `scope`, else the access token's
 * `scope` claim) must be `me login`. Optional scope values are accepted by DTP-REG-001.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { scopeOf } from "../../src/client/index.ts";
import { approvedDevice, sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, expectRegistrationError } from "./_helpers.ts";

const ID = "DTP-REG-009";
const VALID = new Set(["me", "login"]);

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const scopeToken = fc.stringMatching(/^[\x21\x23-\x5b\x5d-\x7e]{1,16}$/);

const badToken = fc.oneof(
  fc.constantFrom(
    "tokens",
    "service",
    "openid",
    "offline_access",
    "ME",
    "Login",
    "admin",
    "me:read",
    "*",
  ),
  scopeToken.filter((t) => !VALID.has(t)),
);

const badScope = fc
  .array(fc.oneof(badToken, fc.constantFrom("me", "login")), { minLength: 1, maxLength: 4 })
  .filter((tokens) => tokens.some((t) => !VALID.has(t)))
  .map((tokens) => tokens.join(" "));

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title: "scope other than me/login is invalid_scope; no scope means me login",
    specRef: "RFC 6749 §3.3; RFC 8628 §3.1",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    await ctx.property(
      "scopes other than me and login",
      fc.asyncProperty(badScope, async (scope) => {
        const clientId = ctx.clientId("reg009");
        const res = await sendRegistrationForm(
          ctx,
          { ...baseForm(clientId), scope },
          { label: `register (scope ${JSON.stringify(scope)})` },
        );
        expectRegistrationError(res, { error: "invalid_scope" }, ID);
      }),
    );

    if (!ctx.target.features.has("admin")) {
      ctx.skip(
        "invalid scopes verified; the default scope needs an approved device: configure approval",
      );
    }
    await ctx.case("no scope: me login", async () => {
      const { tokens } = await approvedDevice(ctx, { label: "reg009-default" });
      const granted = tokens.tokens.scope ?? scopeOf(tokens.tokens);
      const got = typeof granted === "string" ? granted.split(" ").filter((s) => s !== "") : [];
      if (got.length !== 2 || !got.includes("me") || !got.includes("login")) {
        fail(
          ID,
          'a registration without scope to get scope "me login"',
          `scope ${JSON.stringify(granted)}`,
          tokens.tokens.res,
        );
      }
    });
  },
};
