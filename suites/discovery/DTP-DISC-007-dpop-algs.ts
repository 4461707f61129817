/**
 * DTP-DISC-007 (MUST, RFC 9449 §5.1; RFC 8725 §3.2):
 * "The metadata MUST contain `dpop_signing_alg_values_supported` listing `ES256`, `EdDSA`,
 * `RS256` and `PS256`, and this list MUST NOT contain `none` or any symmetric (`HS*`)
 * algorithm."
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { expectListContaining, fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-007";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "dpop_signing_alg_values_supported lists ES256, EdDSA, RS256, PS256 and no none/HS*",
    specRef: "RFC 9449 §5.1; RFC 8725 §3.2",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const list = expectListContaining(
      metadata,
      "dpop_signing_alg_values_supported",
      ["ES256", "EdDSA", "RS256", "PS256"],
      ID,
      res,
    );
    const forbidden = list.filter((alg) => alg.toLowerCase() === "none" || /^hs/i.test(alg));
    if (forbidden.length > 0) {
      fail(
        ID,
        '"dpop_signing_alg_values_supported" without none or symmetric (HS*) algorithms',
        `${show(list)} contains ${forbidden.join(", ")}`,
        res,
      );
    }
  },
};
