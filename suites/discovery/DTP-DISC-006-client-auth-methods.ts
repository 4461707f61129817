/**
 * DTP-DISC-006 (MUST, RFC 8414 §2):
 * "The metadata MUST list `client_secret_basic`, `client_secret_post` and `private_key_jwt`
 * in `token_endpoint_auth_methods_supported`, MUST contain
 * `token_endpoint_auth_signing_alg_values_supported` equal to `["ES256"]`, and MUST contain
 * `revocation_endpoint_auth_methods_supported` and
 * `introspection_endpoint_auth_methods_supported`, each listing at least
 * `client_secret_basic`."
 */
import type { Check } from "../../src/check/check.ts";
import { expectEqual } from "../../src/check/expect.ts";
import { expectListContaining, fetchMetadata } from "./metadata.ts";

const ID = "DTP-DISC-006";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "Client authentication methods and assertion algorithms are advertised",
    specRef: "RFC 8414 §2",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    expectListContaining(
      metadata,
      "token_endpoint_auth_methods_supported",
      ["client_secret_basic", "client_secret_post", "private_key_jwt"],
      ID,
      res,
    );
    expectEqual(
      metadata.token_endpoint_auth_signing_alg_values_supported,
      ["ES256"],
      ID,
      '"token_endpoint_auth_signing_alg_values_supported"',
      res,
    );
    for (const member of [
      "revocation_endpoint_auth_methods_supported",
      "introspection_endpoint_auth_methods_supported",
    ]) {
      expectListContaining(metadata, member, ["client_secret_basic"], ID, res);
    }
  },
};
