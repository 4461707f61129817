/**
 * DTP-APR-009 (MUST, DTP; RFC 8628 §3.5):
 * "Approving or denying a registration whose `device_code` has expired, and that the server
 * still keeps (DTP-POLL-051), MUST be answered 410 with a problem body."
 *
 * Two pending registrations are left alone until their `expires_in` (plus the declared
 * clock skew) has passed; then one is approved and the other denied: 410 problem both.
 */

import type { Check } from "../../src/check/check.ts";
import { expectProblem } from "../../src/check/expect.ts";
import { adminApi, registeredDevice, waitPast } from "../../src/client/kit/index.ts";

const ID = "DTP-APR-009";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "approval",
    title: "Approving or denying an expired registration is 410 with a problem body",
    specRef: "DTP; RFC 8628 §3.5",
    requires: ["admin", "device_code"],
    waits: true,
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const { reg: toApprove } = await registeredDevice(ctx, {
      register: { label: "register (to approve after expiry)" },
    });
    const { reg: toDeny } = await registeredDevice(ctx, {
      register: { label: "register (to deny after expiry)" },
    });
    const expiresAt = ctx.clock.now() + Math.max(toApprove.expiresIn, toDeny.expiresIn) * 1000;
    await waitPast(ctx, expiresAt, "the device code lifetime (dtp_lifetimes.device_code)");
    for (const [action, reg] of [
      ["approve", toApprove],
      ["deny", toDeny],
    ] as const) {
      await ctx.case(action, async () => {
        const res = await admin.decide(action, reg.userCode, {
          label: `${action} the expired registration ${reg.userCode}`,
        });
        expectProblem(res, 410, ID);
      });
    }
  },
};
