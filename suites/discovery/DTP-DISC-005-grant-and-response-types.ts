/**
 * DTP-DISC-005 (MUST, RFC 8414 §2; RFC 8628 §4):
 * "The metadata MUST list `urn:ietf:params:oauth:grant-type:device_code`, `refresh_token`
 * and `client_credentials` in `grant_types_supported`, and MUST contain
 * `response_types_supported` equal to `["device_code"]`."
 */
import type { Check } from "../../src/check/check.ts";
import { expectEqual } from "../../src/check/expect.ts";
import { expectListContaining, fetchMetadata } from "./metadata.ts";

const ID = "DTP-DISC-005";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title:
      "grant_types_supported lists the three grants; response_types_supported is [device_code]",
    specRef: "RFC 8414 §2; RFC 8628 §4",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    expectListContaining(
      metadata,
      "grant_types_supported",
      ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token", "client_credentials"],
      ID,
      res,
    );
    expectEqual(
      metadata.response_types_supported,
      ["device_code"],
      ID,
      '"response_types_supported"',
      res,
    );
  },
};
