/**
 * What the target declares, read the way a check needs it: a policy in effect (an absent
 * one is its default, a malformed one cannot be tested against), the personal-token cap.
 */
import type { CheckContext } from "../../check/check.ts";
import { declaredLifetime, declaredPolicy } from "../metadata.ts";

export type PolicyName = "allow_untrusted_endpoints" | "allow_unauthenticated_requests";

/**
 * A `dtp_policies` member as the target declares it. An absent member means the default
 * (`false`, DTP-DISC-012); a present non-boolean one cannot be tested against (SKIP naming
 * it; DTP-DISC-011 judges the metadata itself).
 */
export function policyInEffect(ctx: CheckContext, name: PolicyName): boolean {
  const value = declaredPolicy(ctx.target, name);
  if (value === undefined) {
    ctx.note(`dtp_policies.${name} is not declared: tested as false (the default)`);
    return false;
  }
  if (typeof value !== "boolean") {
    ctx.skip(
      `dtp_policies.${name} is ${JSON.stringify(value)}, not a boolean: declare the policy in effect (DTP-DISC-011)`,
    );
  }
  return value;
}

/** `dtp_lifetimes.personal_token_max` as declared, or SKIP (the cap cannot be tested). */
export function personalTokenMax(ctx: CheckContext): number {
  const max = declaredLifetime(ctx.target, "personal_token_max", Number.NaN);
  if (!Number.isInteger(max) || max < 1) {
    ctx.skip(
      "the target metadata declares no integer dtp_lifetimes.personal_token_max: declare the cap (DTP-DISC-013)",
    );
  }
  return max;
}
