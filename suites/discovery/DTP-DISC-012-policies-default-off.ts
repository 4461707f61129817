/**
 * DTP-DISC-012 (SHOULD, SAFEQ Cloud "User and device tokens"):
 * "A server SHOULD run with both `dtp_policies` members `false` (their default) unless its
 * operator explicitly enables them."
 *
 * The kit cannot see the operator's intent: an enabled policy is reported as a warning.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "SHOULD",
    area: "discovery",
    title: "Both dtp_policies are off",
    specRef: 'SAFEQ Cloud "User and device tokens"',
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const p = metadata.dtp_policies as Record<string, unknown> | undefined;
    const on = ["allow_untrusted_endpoints", "allow_unauthenticated_requests"].filter(
      (k) => typeof p === "object" && p !== null && p[k] !== false,
    );
    if (typeof p !== "object" || p === null || on.length > 0) {
      fail(
        ID,
        '"dtp_policies": both members false (unless the operator enabled them on purpose)',
        `"dtp_policies": ${show(p)}`,
        res,
      );
    }
  },
};
