/** `DELETE /personal-tokens/{id}` — revokes one of the caller's personal tokens; immediate. */
import { authenticateResource } from "../auth/resource-auth.ts";
import type { Handler } from "../context.ts";
import { notFound } from "../errors.ts";
import { empty } from "../http/reply.ts";
import { validateParams } from "../http/validate.ts";

export const revokePersonalToken: Handler = async (ctx) => {
  // 1. A user token with scope `tokens`; a well-formed id.
  const user = await authenticateResource(ctx, "tokens");
  validateParams(ctx);
  // 2. Unknown, already revoked or another user's → 404.
  if (!(await ctx.app.store.revokePersonalToken(ctx.params.id ?? "", user.sub, ctx.app.now())))
    throw notFound("no such personal token");
  return empty(204);
};
