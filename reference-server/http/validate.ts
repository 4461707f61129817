/**
 * Validation steps handlers call explicitly (after authentication, so an unauthenticated
 * caller learns nothing about the request's shape): the spec's schemas via `Validators`.
 */
import type { RequestContext } from "../context.ts";
import { InputError } from "../errors.ts";

/** Validates the parsed form or JSON body against the operation's requestBody schema. */
export function validateBody(
  ctx: RequestContext,
  data: Record<string, unknown> = bodyOf(ctx),
): void {
  const r = ctx.app.validators.body(ctx.operationId, data);
  if (!r.ok) throw new InputError("invalid", r.message);
}

/** Validates path and query parameters against the operation's parameter schemas. */
export function validateParams(ctx: RequestContext): void {
  const r = ctx.app.validators.params(ctx.operationId, ctx.params, ctx.url.searchParams);
  if (!r.ok) throw new InputError("invalid", r.message);
}

function bodyOf(ctx: RequestContext): Record<string, unknown> {
  return Object.keys(ctx.form).length > 0 ? ctx.form : ctx.json;
}
