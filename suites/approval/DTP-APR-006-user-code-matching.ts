/**
 * DTP-APR-006 (MUST, RFC 8628 §6.1):
 * "The `user_code` path parameter MUST be matched case-insensitively and with or without
 * the dash (`bcdf-ghjk`, `BCDFGHJK` and `BCDF-GHJK` name the same registration)."
 *
 * Property: a fresh pending registration is approved or denied with a generated spelling
 * of its user code (each letter upper or lower case, dash or not) → 200 naming that
 * registration (its client_id, the decided status, the user code as issued).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, fail } from "../../src/check/expect.ts";
import { adminApi, registeredDevice } from "../../src/client/kit/index.ts";

const ID = "DTP-APR-006";
const APR004 = "DTP-APR-004";

/** The user code spelled with the given letter cases, with or without its dash. */
function spell(code: string, lower: boolean[], dash: boolean): string {
  const letters = code.replace(/-/g, "").split("");
  const cased = letters.map((c, i) =>
    lower[i % lower.length] ? c.toLowerCase() : c.toUpperCase(),
  );
  const half = Math.floor(cased.length / 2);
  return dash ? `${cased.slice(0, half).join("")}-${cased.slice(half).join("")}` : cased.join("");
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "approval",
    title: "user_code is matched case-insensitively, with or without the dash",
    specRef: "RFC 8628 §6.1",
    requires: ["admin", "device_code"],
    property: true,
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const spelling = fc.record({
      lower: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      dash: fc.boolean(),
      action: fc.constantFrom("approve" as const, "deny" as const),
    });
    await ctx.property(
      "user codes spelled in any case, with or without the dash",
      fc.asyncProperty(spelling, async ({ lower, dash, action }) => {
        const { reg } = await registeredDevice(ctx, { register: { label: "register (pending)" } });
        const typed = spell(reg.userCode, lower, dash);
        const res = await admin.decide(action, typed, {
          label: `${action} ${reg.userCode} spelled ${typed}`,
        });
        const status = action === "approve" ? "approved" : "denied";
        if (res.status !== 200) {
          fail(
            ID,
            `200: "${typed}" names the pending registration ${reg.userCode}`,
            `status ${res.status}`,
            res,
          );
        }
        const body = expectJson(res, ID, "application/json");
        if (body.client_id !== reg.clientId || body.status !== status) {
          fail(
            ID,
            `the decision for client_id ${reg.clientId}: "status": "${status}"`,
            JSON.stringify(body).slice(0, 200),
            res,
          );
        }
        if (body.user_code !== reg.userCode) {
          fail(
            APR004,
            `"user_code": ${JSON.stringify(reg.userCode)} (as issued)`,
            `"user_code": ${JSON.stringify(body.user_code)}`,
            res,
          );
        }
      }),
      { numRuns: Math.max(5, Math.ceil(ctx.fc.numRuns / 2)) },
    );
  },
};
