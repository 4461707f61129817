/**
 * `GET /admin/registrations?status=&limit=&cursor=` — registrations for an administrator to
 * decide on, a page at a time (DTP-APR-015).
 */
import type { components } from "../../src/generated/openapi.ts";
import { authenticateAdmin } from "../auth/admin-auth.ts";
import type { Handler } from "../context.ts";
import { InputError } from "../errors.ts";
import { json } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";
import { displayUserCode } from "../registration/install.ts";
import type { RegistrationRecord, RegistrationStatus } from "../store/types.ts";

type RegistrationList = components["schemas"]["RegistrationList"];

const DEFAULT_LIMIT = 100;

export const listRegistrations: Handler = (ctx) => {
  const { app } = ctx;
  // 1. The admin credential; valid `status` (default pending), `limit` (1–100), `cursor`.
  authenticateAdmin(ctx);
  validateParams(ctx);
  const q = ctx.url.searchParams;
  const status = (q.get("status") || "pending") as RegistrationStatus;
  const limit = q.get("limit") ? Number(q.get("limit")) : DEFAULT_LIMIT;
  const cursor = q.get("cursor");
  const after = cursor ? decodeCursor(cursor) : undefined;
  // 2. One page, oldest first, after the cursor (pending ones that expired are not listed:
  //    they can no longer be decided); one more to know whether another page follows.
  const records = app.store.listRegistrations({
    status,
    now: app.now(),
    limit: limit + 1,
    ...(after ? { after } : {}),
  });
  const page = records.slice(0, limit);
  const last = page.at(-1);
  const body: RegistrationList = {
    registrations: page.map(item),
    ...(records.length > limit && last ? { next_cursor: encodeCursor(last) } : {}),
  };
  return json(200, body);
};

function item(r: RegistrationRecord): RegistrationList["registrations"][number] {
  return {
    user_code: displayUserCode(r.userCode),
    client_id: r.clientId,
    client_type: r.clientType,
    ...(r.clientDescription === null ? {} : { client_description: r.clientDescription }),
    ...(r.keyType === null ? {} : { key_type: r.keyType }),
    ...(r.jkt === null ? {} : { jkt: r.jkt }),
    status: r.status,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
  };
}

/** The position after `r`: its creation time and id, base64url (opaque to clients). */
const encodeCursor = (r: RegistrationRecord) =>
  Buffer.from(JSON.stringify([r.createdAt, r.id])).toString("base64url");

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Number.isSafeInteger(createdAt) && typeof id === "string" && id.length <= 64)
      return { createdAt, id };
  } catch {}
  throw new InputError("invalid", '"cursor" is not one this server issued');
}
