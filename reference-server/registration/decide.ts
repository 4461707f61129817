/**
 * Approval and denial by user code (admin API, problem+json): case-insensitive, dash
 * optional; unknown → 404, decided → 409, expired → 410; failed lookups are limited per
 * admin credential and source (DTP-APR-010: 10 per minute, then 429 from that source).
 */
import type { components } from "../../src/generated/openapi.ts";
import { normalizeUserCode } from "../../src/protocol/random.ts";
import { authenticateAdmin } from "../auth/admin-auth.ts";
import type { RequestContext } from "../context.ts";
import { InputError, ProblemError } from "../errors.ts";
import { json, type Reply } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";
import { attemptOf, countFailure, refusedProblem, waitFor } from "../limits.ts";
import { displayUserCode, installDevice } from "./install.ts";

type RegistrationDecision = components["schemas"]["RegistrationDecision"];

export function decideRegistration(ctx: RequestContext, decision: "approved" | "denied"): Reply {
  const { app } = ctx;
  // 1. The admin credential; refuse while this source is over its failed-lookup limit.
  const lookups = attemptOf(ctx, "user_code", authenticateAdmin(ctx));
  const wait = waitFor(app, lookups);
  if (wait > 0) throw refusedProblem(wait);
  const failed = (err: ProblemError | InputError) => {
    const over = countFailure(app, lookups);
    return over > 0 ? refusedProblem(over) : err;
  };
  // 2. A well-formed user code that names a registration (failures count).
  try {
    validateParams(ctx);
  } catch (e) {
    throw e instanceof InputError ? failed(e) : e;
  }
  const reg = app.store.registrationByUserCode(normalizeUserCode(ctx.params.user_code ?? ""));
  if (!reg) throw failed(new ProblemError("not-found", 404, "no registration has this user code"));
  // 3. Decide atomically: only a pending, unexpired registration.
  const now = app.now();
  if (!app.store.decideRegistration(reg.id, decision, now)) {
    const current = app.store.registrationByUserCode(reg.userCode) ?? reg;
    if (current.status !== "pending")
      throw new ProblemError("conflict", 409, `the registration was already ${current.status}`);
    throw new ProblemError("gone", 410, "the registration has expired");
  }
  // 4. Approval installs the device record (replacing, and revoking, an older one).
  if (decision === "approved") installDevice(app, { ...reg, status: "approved", decidedAt: now });
  const body: RegistrationDecision = {
    user_code: displayUserCode(reg.userCode),
    client_id: reg.clientId,
    status: decision,
  };
  return json(200, body);
}
