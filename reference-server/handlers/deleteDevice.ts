/**
 * `DELETE /admin/devices/{client_id}` — deletes the device and revokes every token it
 * holds and every user token obtained through it. Personal tokens belong to the user and
 * survive it (DTP-PAT-014).
 */
import { authenticateAdmin } from "../auth/admin-auth.ts";
import { type Handler, inTransaction } from "../context.ts";
import { notFound } from "../errors.ts";
import { empty } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";

export const deleteDevice: Handler = async (ctx) => {
  const { app } = ctx;
  // 1. The admin credential; a well-formed client_id.
  await authenticateAdmin(ctx);
  validateParams(ctx);
  // 2. The device, or 404.
  const device = await app.store.device(ctx.params.client_id ?? "");
  if (!device) throw notFound("no device has this client_id");
  // 3. Revoke everything issued under this device record, then delete it (one transaction).
  await inTransaction(app, async (tx) => {
    await tx.store.revokeDeviceTokens(device.uid, app.now());
    await tx.store.deleteDevice(device.clientId);
  });
  return empty(204);
};
