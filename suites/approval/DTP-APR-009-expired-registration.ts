/**
 * DTP-APR-009 (MUST, DTP; RFC 8628 §3.5):
 * "Approving or denying a registration whose `device_code` has expired MUST be answered
 * 410 with a problem body."
 *
 * Two pending registrations are left alone until their `expires_in` (plus the declared
 * clock skew) has passed; then one is approved and the other denied: 410 problem both.
 */

import type { Check } from "../../src/check/check.ts";
import { expectProblem } from "../../src/check/expect.ts";
import { register } from "../../src/client/legacy/device.ts";
import { waitPast } from "../../src/client/legacy/wait.ts";
import { adminApi, decide } from "./_helpers.ts";

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
    const toApprove = await register(ctx, ID, { label: "register (to approve after expiry)" });
    const toDeny = await register(ctx, ID, { label: "register (to deny after expiry)" });
    const expiresAt = ctx.clock.now() + Math.max(toApprove.expiresIn, toDeny.expiresIn) * 1000;
    await waitPast(ctx, expiresAt, "the device code lifetime (dtp_lifetimes.device_code)");
    const approve = await decide(ctx, admin, "approve", toApprove.userCode, {
      label: `approve the expired registration ${toApprove.userCode}`,
    });
    expectProblem(approve, 410, ID);
    const deny = await decide(ctx, admin, "deny", toDeny.userCode, {
      label: `deny the expired registration ${toDeny.userCode}`,
    });
    expectProblem(deny, 410, ID);
  },
};
