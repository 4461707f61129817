/**
 * DTP-DISC-008 (MUST, RFC 8414 §2):
 * "The metadata MUST list `me`, `login`, `tokens` and `service` in `scopes_supported`."
 */
import type { Check } from "../../src/check/check.ts";
import { expectListContaining, fetchMetadata } from "./metadata.ts";

const ID = "DTP-DISC-008";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "scopes_supported lists me, login, tokens and service",
    specRef: "RFC 8414 §2",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    expectListContaining(
      metadata,
      "scopes_supported",
      ["me", "login", "tokens", "service"],
      ID,
      res,
    );
  },
};
