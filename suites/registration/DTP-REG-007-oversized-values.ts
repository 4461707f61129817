/**
 * DTP-REG-007 (MUST, DTP):
 * "A `client_description` longer than 256 characters or a `state` longer than 512
 * characters MUST be rejected with 400 OAuth error `invalid_request`."
 *
 * Property: otherwise valid registrations with a `client_description` of 257+ or a
 * `state` of 513+ characters (ASCII, or non-ASCII BMP characters, so that characters,
 * code points and UTF-16 units agree) get `invalid_request`. The accepted maximums (256 and
 * 512) are part of DTP-REG-001's valid inputs.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, expectRegistrationError } from "./_helpers.ts";

const ID = "DTP-REG-007";

const nonAscii = fc.constantFrom("é", "ß", "日", "Ω", "ж", "€", "\u00a0");

function oversized(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: "grapheme-ascii", minLength: min, maxLength: max }),
    fc.record({ ch: nonAscii, n: fc.integer({ min, max }) }).map(({ ch, n }) => ch.repeat(n)),
  );
}

const caseArb = fc.oneof(
  oversized(257, 1200).map((value) => ({ field: "client_description" as const, value })),
  oversized(513, 2400).map((value) => ({ field: "state" as const, value })),
);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title: "client_description over 256 or state over 512 characters is invalid_request",
    specRef: "DTP",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    await ctx.property(
      "oversized client_description or state",
      fc.asyncProperty(caseArb, async ({ field, value }) => {
        const clientId = ctx.clientId("reg007");
        const res = await sendRegistrationForm(
          ctx,
          { ...baseForm(clientId), [field]: value },
          { label: `register (${field} of ${value.length} characters)` },
        );
        expectRegistrationError(res, { error: "invalid_request" }, ID);
      }),
    );
  },
};
