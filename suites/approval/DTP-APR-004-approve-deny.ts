/**
 * DTP-APR-004 (MUST, seed 004):
 * "`POST /admin/registrations/{user_code}/approve` on a pending registration MUST answer
 * 200 `{"user_code", "client_id", "status": "approved"}`, after which the next poll of
 * its `device_code` MUST return tokens."
 *
 * DTP-APR-005 (MUST, seed 004; RFC 8628 §3.5):
 * "`POST /admin/registrations/{user_code}/deny` on a pending registration MUST answer 200
 * `{"user_code", "client_id", "status": "denied"}`, after which polls of its
 * `device_code` MUST be answered 400 `access_denied`."
 *
 * DTP-APR-008 (MUST, DTP):
 * "Approving or denying a registration that was already approved or denied MUST be
 * answered 409 with a problem body and MUST NOT change its status."
 *
 * Two registrations: one approved then polled (tokens), one denied then polled
 * (`access_denied`); then each is approved and denied again (409 problem four times) and
 * the lists by status still show them as approved and denied.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, expectProblem, fail } from "../../src/check/expect.ts";
import { poll, register } from "../../src/client/legacy/device.ts";
import { readTokens } from "../../src/client/legacy/tokens.ts";
import {
  adminApi,
  type Decision,
  decide,
  expectDecision,
  expectRegistrationList,
  listRegistrations,
} from "./_helpers.ts";

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
    specRef: "seed 004; RFC 8628 §3.5",
    requires: ["admin", "device_code"],
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const approved = await register(ctx, ID, { label: "register (to approve)" });
    const denied = await register(ctx, APR005, { label: "register (to deny)" });
    const deniedAt = ctx.clock.now();

    expectDecision(
      await decide(ctx, admin, "approve", approved.userCode),
      { userCode: approved.userCode, clientId: approved.clientId, status: "approved" },
      ID,
    );
    const tokens = await poll(ctx, approved, { label: "first poll after approval" });
    readTokens(ctx, tokens, ID);

    expectDecision(
      await decide(ctx, admin, "deny", denied.userCode),
      { userCode: denied.userCode, clientId: denied.clientId, status: "denied" },
      APR005,
    );
    const refused = await poll(ctx, denied, { label: "first poll after denial" });
    expectOAuthError(refused, { status: 400, error: "access_denied" }, APR005);

    // A second decision on a decided registration: 409 problem, status unchanged.
    const decided = [
      { reg: approved, status: "approved" as const },
      { reg: denied, status: "denied" as const },
    ];
    for (const { reg, status } of decided) {
      for (const action of ["approve", "deny"] as Decision[]) {
        const res = await decide(ctx, admin, action, reg.userCode, {
          label: `${action} the ${status} registration again`,
        });
        expectProblem(res, 409, APR008);
      }
    }
    for (const { reg, status } of decided) {
      const res = await listRegistrations(ctx, admin, status);
      const item = expectRegistrationList(res, APR008).find((r) => r.user_code === reg.userCode);
      if (!item) {
        fail(
          APR008,
          `registration ${reg.userCode} still ${status} after the rejected second decisions`,
          `it is not in the list of ${status} registrations`,
          res,
        );
      }
    }
    // The denied registration still answers access_denied (a poll one interval later),
    // unless its code expired meanwhile (then expired_token would be as right).
    await ctx.clock.sleep(denied.interval * 1000);
    if (ctx.clock.now() + 1000 < deniedAt + denied.expiresIn * 1000) {
      const again = await poll(ctx, denied, { label: "poll after the rejected second decisions" });
      expectOAuthError(again, { status: 400, error: "access_denied" }, APR005);
    } else {
      ctx.note("the denied code expired before it could be polled a second time");
    }
  },
};
