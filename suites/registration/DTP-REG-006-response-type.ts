/**
 * DTP-REG-006 (MUST, SAFEQ Cloud "Register device"; RFC 6749 §4.1.2.1):
 * "A registration without `response_type` MUST be rejected with 400 OAuth error
 * `invalid_request`, and one whose `response_type` is not `device_code` MUST be rejected
 * with 400 OAuth error `unsupported_response_type`."
 *
 * Property: otherwise valid registrations without `response_type` get `invalid_request`;
 * with another value (other OAuth response types, case variants, near misses, arbitrary
 * text) `unsupported_response_type`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, CLIENT_TYPES, expectRegistrationError } from "./_helpers.ts";

const ID = "DTP-REG-006";

const otherType = fc.oneof(
  fc.constantFrom(
    "code",
    "token",
    "id_token",
    "code id_token",
    "code device_code",
    "device",
    "DEVICE_CODE",
    "Device_Code",
    "device-code",
    "devicecode",
    "device_codes",
    "urn:ietf:params:oauth:grant-type:device_code",
    "none",
  ),
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((s) => s !== "device_code" && s.trim() === s && s !== ""),
);

const caseArb = fc.oneof(
  fc.constant<{ missing: true } | { missing: false; value: string }>({ missing: true }),
  otherType.map((value) => ({ missing: false as const, value })),
);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "No response_type is invalid_request; another response_type is unsupported_response_type",
    specRef: 'SAFEQ Cloud "Register device"; RFC 6749 §4.1.2.1',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    await ctx.property(
      "missing or other response_type",
      fc.asyncProperty(caseArb, fc.constantFrom(...CLIENT_TYPES), async (c, clientType) => {
        const clientId = ctx.clientId("reg006");
        const form = {
          ...baseForm(clientId),
          client_type: clientType,
          response_type: c.missing ? undefined : c.value,
        };
        const res = await sendRegistrationForm(ctx, form, {
          label: `register (response_type ${c.missing ? "missing" : JSON.stringify(c.value)})`,
        });
        expectRegistrationError(
          res,
          { error: c.missing ? "invalid_request" : "unsupported_response_type" },
          ID,
        );
      }),
    );
  },
};
