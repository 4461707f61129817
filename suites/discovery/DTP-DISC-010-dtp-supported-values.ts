/**
 * DTP-DISC-010 (MUST, DTP; SAFEQ Cloud "Register device"):
 * "A DTP server's metadata MUST contain `dtp_client_types_supported` (`printer`,
 * `chrome_extension`, `desktop_client`, `mobile_device`, `server`),
 * `dtp_key_types_supported` (`rsa`, `x509`, `ed25519`) and
 * `dtp_http_signature_algs_supported` (`ed25519`, `rsa-pss-sha512`, `rsa-v1_5-sha256`,
 * `ecdsa-p256-sha256`)."
 */
import type { Check } from "../../src/check/check.ts";
import { expectListContaining, fetchMetadata } from "./metadata.ts";

const ID = "DTP-DISC-010";

const LISTS = [
  [
    "dtp_client_types_supported",
    ["printer", "chrome_extension", "desktop_client", "mobile_device", "server"],
  ],
  ["dtp_key_types_supported", ["rsa", "x509", "ed25519"]],
  [
    "dtp_http_signature_algs_supported",
    ["ed25519", "rsa-pss-sha512", "rsa-v1_5-sha256", "ecdsa-p256-sha256"],
  ],
] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "Client types, key types and HTTP signature algorithms are advertised",
    specRef: 'DTP; SAFEQ Cloud "Register device"',
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    for (const [member, values] of LISTS) {
      expectListContaining(metadata, member, values, ID, res);
    }
  },
};
