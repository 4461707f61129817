/**
 * DTP-APR-004 (MUST, SAFEQ Cloud "Register device"):
 * "`POST /admin/registrations/{user_code}/approve` on a pending registration MUST answer
 * 200 `{"user_code", "client_id", "status": "approved"}`, after which the next poll of its
 * `device_code` MUST return tokens."
 *
 * DTP-APR-005 (MUST, SAFEQ Cloud "Register device"; RFC 8628 §3.5):
 * "`POST /admin/registrations/{user_code}/deny` on a pending registration MUST answer 200
 * `{"user_code", "client_id", "status": "denied"}`, after which polls of its `device_code`
 * MUST be answered 400 `access_denied`."
 *
 * DTP-APR-008 (MUST, DTP):
 * "Approving or denying a registration that was already approved or denied MUST be answered
 * 409 with a problem body and MUST NOT change its status."
 *
 * Two registrations: one approved then polled (tokens), one denied then polled
 * (`access_denied`); then each is approved and denied again (409 problem four times) and
 * the lists by status still show them as approved and denied.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, expectProblem, fail } from "../../src/check/expect.ts";
import { type Decision, readStepTokens } from "../../src/client/index.ts";
import { adminApi, registeredDevice } from "../../src/client/kit/index.ts";
import { expectDecision, expectRegistrationList } from "./_helpers.ts";

const ID = "DTP-APR-004";
const APR005 = "DTP-APR-005";
const APR008 = "DTP-APR-008";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, APR005, APR008],
    level: "MUST",
    area: "approval",
    title: "Approve → tokens on the next poll; deny → access_denied; a second decision is 409",
    specRef: 'SAFEQ Cloud "Register device"; RFC 8628 §3.5',
    requires: ["admin", "device_code"],
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const approved = await registeredDevice(ctx, { register: { label: "register (to approve)" } });
    const denied = await registeredDevice(ctx, { register: { label: "register (to deny)" } });
    const deniedAt = ctx.clock.now();

    await ctx.case("approve: the decision, then tokens on the next poll", async () => {
      const { reg } = approved;
      expectDecision(
        await admin.decide("approve", reg.userCode),
        { userCode: reg.userCode, clientId: reg.clientId, status: "approved" },
        ID,
      );
      const tokens = await approved.device.poll(reg, { label: "first poll after approval" });
      readStepTokens(ctx, tokens, ID, "the first poll after approval");
    });
    await ctx.case("deny: the decision, then access_denied", async () => {
      const { reg } = denied;
      expectDecision(
        await admin.decide("deny", reg.userCode),
        { userCode: reg.userCode, clientId: reg.clientId, status: "denied" },
        APR005,
      );
      const refused = await denied.device.poll(reg, { label: "first poll after denial" });
      expectOAuthError(refused, { status: 400, error: "access_denied" }, APR005);
    });

    // A second decision on a decided registration: 409 problem, status unchanged.
    const decided = [
      { reg: approved.reg, status: "approved" as const },
      { reg: denied.reg, status: "denied" as const },
    ];
    for (const { reg, status } of decided) {
      for (const action of ["approve", "deny"] as Decision[]) {
        await ctx.case(`${action} the ${status} registration again: 409`, async () => {
          const res = await admin.decide(action, reg.userCode, {
            label: `${action} the ${status} registration again`,
          });
          expectProblem(res, 409, APR008);
        });
      }
    }
    for (const { reg, status } of decided) {
      await ctx.case(`still ${status} after the second decisions`, async () => {
        const res = await admin.listRegistrations(status);
        const item = expectRegistrationList(res, APR008).find((r) => r.user_code === reg.userCode);
        if (!item) {
          fail(
            APR008,
            `registration ${reg.userCode} still ${status} after the rejected second decisions`,
            `it is not in the list of ${status} registrations`,
            res,
          );
        }
      });
    }
    // The denied registration still answers access_denied (a poll one interval later),
    // unless its code expired meanwhile (then expired_token would be as right).
    await ctx.case("the denied code still answers access_denied", async () => {
      await ctx.clock.sleep(denied.reg.interval * 1000);
      if (ctx.clock.now() + 1000 < deniedAt + denied.reg.expiresIn * 1000) {
        const again = await denied.device.poll(denied.reg, {
          label: "poll after the rejected second decisions",
        });
        expectOAuthError(again, { status: 400, error: "access_denied" }, APR005);
      } else {
        ctx.note("the denied code expired before it could be polled a second time");
      }
    });
  },
};
