/**
 * DTP-POLL-007 (MUST, RFC 6749 §5.2; RFC 8628 §3.5):
 * "A poll with an unknown `device_code` MUST be answered 400 OAuth error `invalid_grant`."
 *
 * Property: codes that were never issued — near misses of a real code (one character
 * changed, truncated, extended, case-flipped), random base64url strings of the real code's
 * length, and arbitrary (Unicode) strings within the schema's 1–512 characters — are
 * answered `invalid_grant`, by the client that owns the real code. A first poll of the real
 * code (`authorization_pending`) shows the server does not answer `invalid_grant` to
 * everything.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { registerTimed, skipIfExpiredOnTheWay, timedPoll } from "./_helpers.ts";

const ID = "DTP-POLL-007";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Unknown device codes derived from (or shaped like) `real`. */
function unknownCodes(real: string): fc.Arbitrary<string> {
  const b64char = fc.constantFrom(...B64URL.split(""));
  const index = fc.nat({ max: real.length - 1 });
  const oneCharChanged = fc
    .tuple(index, b64char)
    .map(([i, c]) => `${real.slice(0, i)}${c}${real.slice(i + 1)}`);
  const truncated = fc.integer({ min: 1, max: real.length - 1 }).map((n) => real.slice(0, n));
  const extended = fc
    .string({ unit: b64char, minLength: 1, maxLength: 16 })
    .map((s) => `${real}${s}`);
  const prefixed = fc
    .string({ unit: b64char, minLength: 1, maxLength: 16 })
    .map((s) => `${s}${real}`);
  const caseFlipped = index.map((i) => {
    const c = real[i]!;
    const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    return `${real.slice(0, i)}${flipped}${real.slice(i + 1)}`;
  });
  const sameShape = fc.string({ unit: b64char, minLength: real.length, maxLength: real.length });
  const anyAscii = fc.string({ minLength: 1, maxLength: 512 });
  const anyUnicode = fc.string({ unit: "grapheme", minLength: 1, maxLength: 100 });
  return fc
    .oneof(
      oneCharChanged,
      truncated,
      extended,
      prefixed,
      caseFlipped,
      sameShape,
      anyAscii,
      anyUnicode,
    )
    .filter((code) => code !== real && code.length >= 1 && [...code].length <= 512);
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "polling",
    title: "A poll with an unknown device_code is answered invalid_grant",
    specRef: "RFC 6749 §5.2; RFC 8628 §3.5",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, "register (the real code)");
    const { reg } = timed;
    const control = await timedPoll(ctx, timed, "poll the real code (control)");
    skipIfExpiredOnTheWay(ctx, timed, control);
    expectOAuthError(control.res, { status: 400, error: "authorization_pending" }, "DTP-POLL-001");

    await ctx.property(
      "unknown device codes",
      fc.asyncProperty(unknownCodes(reg.deviceCode), async (code) => {
        const res = await timed.device.poll(
          { deviceCode: code },
          { label: "poll an unknown device_code" },
        );
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
      }),
    );
  },
};
