/** `GET /admin/devices/{client_id}` — the approved device record. */
import type { components } from "../../src/generated/openapi.ts";
import { authenticateAdmin } from "../auth/admin-auth.ts";
import type { Handler } from "../context.ts";
import { notFound } from "../errors.ts";
import { json } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";

type Device = components["schemas"]["Device"];

export const getDevice: Handler = async (ctx) => {
  // 1. The admin credential; a well-formed client_id.
  await authenticateAdmin(ctx);
  validateParams(ctx);
  // 2. The device, or 404.
  const d = await ctx.app.store.device(ctx.params.client_id ?? "");
  if (!d) throw notFound("no device has this client_id");
  const body: Device = {
    client_id: d.clientId,
    client_type: d.clientType,
    ...(d.clientDescription === null ? {} : { client_description: d.clientDescription }),
    ...(d.keyType === null ? {} : { key_type: d.keyType }),
    ...(d.jkt === null ? {} : { jkt: d.jkt }),
    scope: d.scope,
    approved_at: d.approvedAt,
  };
  return json(200, body);
};
