/** `GET /admin/registrations?status=` — registrations for an administrator to decide on. */
import type { components } from "../../src/generated/openapi.ts";
import { authenticateAdmin } from "../auth/admin-auth.ts";
import type { Handler } from "../context.ts";
import { json } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";
import { displayUserCode } from "../registration/install.ts";
import type { RegistrationStatus } from "../store/types.ts";

type RegistrationList = components["schemas"]["RegistrationList"];

export const listRegistrations: Handler = (ctx) => {
  const { app } = ctx;
  // 1. The admin credential; a valid `status` (default pending).
  authenticateAdmin(ctx);
  validateParams(ctx);
  const status = (ctx.url.searchParams.get("status") ?? "pending") as RegistrationStatus;
  // 2. Pending registrations that expired can no longer be decided: not listed.
  const now = app.now();
  const records = app.store
    .listRegistrations(status)
    .filter((r) => status !== "pending" || r.expiresAt > now);
  const body: RegistrationList = {
    registrations: records.map((r) => ({
      user_code: displayUserCode(r.userCode),
      client_id: r.clientId,
      client_type: r.clientType,
      ...(r.clientDescription === null ? {} : { client_description: r.clientDescription }),
      ...(r.keyType === null ? {} : { key_type: r.keyType }),
      ...(r.jkt === null ? {} : { jkt: r.jkt }),
      status: r.status,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
    })),
  };
  return json(200, body);
};
