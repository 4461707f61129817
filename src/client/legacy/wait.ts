/**
 * Waiting on lifetimes and intervals: computed from what the target declared, charged to
 * the run's --max-wait budget, and a SKIP naming the setting to shorten when it does not fit.
 */
import type { CheckContext } from "../../check/check.ts";
import { declaredSkew } from "./endpoints.ts";

/**
 * Waits until `deadlineMs` (the check clock's time) plus the target's declared clock skew
 * and a safety margin, or SKIPs naming `setting` when that exceeds the wait budget.
 */
export async function waitPast(
  ctx: CheckContext,
  deadlineMs: number,
  setting: string,
  marginMs = 1000,
): Promise<void> {
  const waitMs =
    Math.max(0, deadlineMs - ctx.clock.now()) + declaredSkew(ctx.target) * 1000 + marginMs;
  const budgetMs = ctx.waitBudget() * 1000;
  if (waitMs > budgetMs) {
    ctx.skip(
      `needs to wait ${Math.ceil(waitMs / 1000)} s for ${setting} to pass but --max-wait leaves ${Math.floor(budgetMs / 1000)} s: shorten ${setting} on the target or raise --max-wait`,
    );
  }
  await ctx.clock.sleep(waitMs, `for ${setting} to pass`);
}
