/**
 * Approval and denial by user code (admin API, problem+json): case-insensitive, dash
 * optional; unknown → 404, decided → 409, expired → 410; failed lookups are limited per
 * admin credential and source (DTP-APR-010: 10 per minute, then 429 from that source).
 */
import type { components } from "../../src/generated/openapi.ts";
import { normalizeUserCode } from "../../src/protocol/random.ts";
import { authenticateAdmin } from "../auth/admin-auth.ts";
import { inTransaction, type RequestContext } from "../context.ts";
import { InputError, ProblemError } from "../errors.ts";
import { json, type Reply } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";
import { attemptOf, countFailure, refusedProblem, waitFor } from "../limits.ts";
import { displayUserCode, installDevice } from "./install.ts";

type RegistrationDecision = components["schemas"]["RegistrationDecision"];

export async function decideRegistration(
  ctx: RequestContext,
  decision: "approved" | "denied",
): Promise<Reply> {
  const { app } = ctx;
  // 1. The admin credential; refuse while this source is over its failed-lookup limit.
  const lookups = attemptOf(ctx, "user_code", await authenticateAdmin(ctx));
  const wait = await waitFor(app, lookups);
  if (wait > 0) throw refusedProblem(wait);
  const failed = async (err: ProblemError | InputError) => {
    const over = await countFailure(app, lookups);
    return over > 0 ? refusedProblem(over) : err;
  };
  // 2. A well-formed user code that names a registration (failures count).
  try {
    validateParams(ctx);
  } catch (e) {
    throw e instanceof InputError ? await failed(e) : e;
  }
  const reg = await app.store.registrationByUserCode(normalizeUserCode(ctx.params.user_code ?? ""));
  if (!reg)
    throw await failed(new ProblemError("not-found", 404, "no registration has this user code"));
  // 3. Decide atomically: only a pending, unexpired registration. 4. Approval installs the
  //    device record (replacing, and revoking, an older one) in the same transaction.
  const now = app.now();
  const decided = await inTransaction(app, async (tx) => {
    if (!(await tx.store.decideRegistration(reg.id, decision, now))) return false;
    if (decision === "approved")
      await installDevice(tx, { ...reg, status: "approved", decidedAt: now });
    return true;
  });
  if (!decided) {
    const current = (await app.store.registrationByUserCode(reg.userCode)) ?? reg;
    if (current.status !== "pending")
      throw new ProblemError("conflict", 409, `the registration was already ${current.status}`);
    throw new ProblemError("gone", 410, "the registration has expired");
  }
  const body: RegistrationDecision = {
    user_code: displayUserCode(reg.userCode),
    client_id: reg.clientId,
    status: decision,
  };
  return json(200, body);
}
