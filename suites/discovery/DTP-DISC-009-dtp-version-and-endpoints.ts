/**
 * DTP-DISC-009 (MUST, DTP):
 * "A DTP server's metadata MUST contain `dtp_version` equal to `"2.0"` and the absolute
 * URLs `dtp_login_endpoint` (`/login`), `dtp_personal_tokens_endpoint`
 * (`/personal-tokens`), `dtp_resource_endpoint` (`/me`) and `dtp_admin_endpoint` (`/admin`)
 * under the issuer."
 *
 * A server is a DTP server when its metadata has `dtp_version` (the "dtp" feature).
 */
import type { Check } from "../../src/check/check.ts";
import { expectEqual } from "../../src/check/expect.ts";
import { expectEndpointUrl, fetchMetadata, issuerIn } from "./metadata.ts";

const ID = "DTP-DISC-009";

const ENDPOINTS = [
  ["dtp_login_endpoint", "/login"],
  ["dtp_personal_tokens_endpoint", "/personal-tokens"],
  ["dtp_resource_endpoint", "/me"],
  ["dtp_admin_endpoint", "/admin"],
] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title:
      'dtp_version is "2.0"; the login, personal-tokens, resource and admin URLs are advertised',
    specRef: "DTP",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    expectEqual(metadata.dtp_version, "2.0", ID, '"dtp_version"', res);
    const issuer = issuerIn(ctx, metadata);
    for (const [member, path] of ENDPOINTS) {
      expectEndpointUrl(metadata, member, issuer, path, ID, res);
    }
  },
};
