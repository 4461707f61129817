/**
 * DTP-APR-007 (MUST, RFC 9457 §3):
 * "Approving or denying an unknown `user_code` MUST be answered 404 with a problem body."
 *
 * A well-formed user code that no registration has (8 random letters of the RFC 8628 §6.1
 * alphabet: one chance in 2.5·10^10 of naming a real one) is approved, then denied.
 * Only these two failed lookups are made: failed lookups count against the admin
 * credential's rate limit (DTP-APR-010), which the other checks of the run share.
 */

import type { Check } from "../../src/check/check.ts";
import { expectProblem } from "../../src/check/expect.ts";
import { adminApi } from "../../src/client/kit/index.ts";
import { userCode } from "../../src/protocol/random.ts";

const ID = "DTP-APR-007";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "approval",
    title: "Approving or denying an unknown user_code is 404 with a problem body",
    specRef: "RFC 9457 §3",
    requires: ["admin"],
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const unknown = userCode();
    for (const action of ["approve", "deny"] as const) {
      await ctx.case(action, async () => {
        const res = await admin.decide(action, unknown, {
          label: `${action} the unknown user code ${unknown}`,
        });
        expectProblem(res, 404, ID);
      });
    }
  },
};
