/**
 * DTP-APR-010 (SHOULD, RFC 8628 §5.1):
 * "Failed `user_code` lookups SHOULD be rate limited: after 10 failed approve or deny
 * lookups within 60 seconds with the same admin credential, further lookups SHOULD be
 * answered 429 with a problem body and a `Retry-After` header."
 *
 * Ten approve/deny requests for unknown user codes (each 404, or already 429 when earlier
 * failures of this credential count too), then two more lookups: an unknown code and the
 * code of a real pending registration → 429, problem, `Retry-After` in seconds.
 *
 * Opt-in: the kit has one admin credential, shared by every check that gets a
 * registration approved. Reaching the limit locks that credential out of approve/deny for
 * up to a minute, which would break the other checks of the run; so this check runs only
 * when DTP_KIT_RATE_LIMIT_CHECKS=1 is set, and should then be run on its own
 * (`DTP_KIT_RATE_LIMIT_CHECKS=1 dtp test --only DTP-APR-010`).
 */

import type { Check } from "../../src/check/check.ts";
import { describe, expectHeader, expectProblem, fail } from "../../src/check/expect.ts";
import { adminApi, registeredDevice } from "../../src/client/kit/index.ts";
import { userCode } from "../../src/protocol/random.ts";

const ID = "DTP-APR-010";
export const RATE_LIMIT_OPT_IN = "DTP_KIT_RATE_LIMIT_CHECKS";
const LIMIT = 10;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "SHOULD",
    area: "approval",
    title: "After 10 failed user_code lookups in a minute, lookups are 429 with Retry-After",
    specRef: "RFC 8628 §5.1",
    requires: ["admin", "device_code"],
  },
  async run(ctx) {
    if (process.env[RATE_LIMIT_OPT_IN] !== "1") {
      ctx.skip(
        `reaching the rate limit locks the admin credential out of approve/deny for up to 60 s and would break the other checks of the run: run it on its own with ${RATE_LIMIT_OPT_IN}=1 dtp test --only ${ID}`,
      );
    }
    const admin = adminApi(ctx);
    const { reg: pending } = await registeredDevice(ctx, {
      register: { label: "register (pending)" },
    });
    for (let i = 1; i <= LIMIT; i++) {
      const action = i % 2 === 0 ? "deny" : "approve";
      const code = userCode();
      const res = await admin.decide(action, code, {
        label: `failed lookup #${i}: ${action} the unknown user code ${code}`,
      });
      if (res.status !== 404 && res.status !== 429) {
        fail(ID, `failed lookup #${i}: 404 (or 429 once limited)`, describe(res), res);
      }
    }
    const unknown = await admin.decide("approve", userCode(), {
      label: `lookup #${LIMIT + 1}: an unknown user code`,
    });
    expectRateLimited(unknown);
    const real = await admin.decide("approve", pending.userCode, {
      label: `lookup #${LIMIT + 2}: the pending registration ${pending.userCode}`,
    });
    expectRateLimited(real);
  },
};

function expectRateLimited(res: Parameters<typeof expectProblem>[0]): void {
  expectProblem(res, 429, ID);
  expectHeader(res, "retry-after", /^[0-9]+$/, ID, "Retry-After: <seconds>");
}
