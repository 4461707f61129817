/**
 * DTP-REG-005 (MUST, SAFEQ Cloud "Register device"):
 * "A `client_type` that is missing or not one of `printer`, `chrome_extension`,
 * `desktop_client`, `mobile_device`, `server` MUST be rejected with 400 OAuth error
 * `invalid_request`."
 *
 * Property: otherwise valid registrations without `client_type`, or with a value that is
 * not one of the five (case variants, near misses, lists, arbitrary text), get 400
 * `invalid_request`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, CLIENT_TYPES, expectRegistrationError } from "./_helpers.ts";

const ID = "DTP-REG-005";
const TYPES = new Set<string>(CLIENT_TYPES);

const invalidType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "Printer",
    "PRINTER",
    "Server",
    "desktop-client",
    "desktopClient",
    "mobile",
    "chrome-extension",
    "chrome_extensions",
    "laptop",
    "device",
    "printer,server",
    "printer server",
    "printer_",
    "_server",
    "null",
  ),
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((s) => !TYPES.has(s) && s.trim() === s && s !== ""),
);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title: "A missing or unknown client_type is invalid_request",
    specRef: 'SAFEQ Cloud "Register device"',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    await ctx.property(
      "invalid client_type",
      fc.asyncProperty(
        invalidType,
        fc.option(fc.constantFrom("me", "login"), { nil: undefined }),
        async (clientType, scope) => {
          const clientId = ctx.clientId("reg005");
          const form = { ...baseForm(clientId), client_type: clientType, scope };
          const res = await sendRegistrationForm(ctx, form, {
            label: `register (client_type ${clientType === undefined ? "missing" : JSON.stringify(clientType)})`,
          });
          expectRegistrationError(res, { error: "invalid_request" }, ID);
        },
      ),
    );
  },
};
