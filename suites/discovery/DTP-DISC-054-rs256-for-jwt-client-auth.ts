/**
 * DTP-DISC-054 (SHOULD, RFC 8414 §2):
 * "A server that lists `private_key_jwt` or `client_secret_jwt` in
 * `token_endpoint_auth_methods_supported` SHOULD list `RS256` in
 * `token_endpoint_auth_signing_alg_values_supported`."
 *
 * Judged when `token_endpoint_auth_methods_supported` lists a JWT method (otherwise not
 * claimed): `RS256` must be among the token endpoint's signing algorithms (alg values are
 * case-sensitive, RFC 7518 §3.1); an absent member lists nothing ("no default algorithms are
 * implied"; its absence is also DTP-DISC-053's FAIL). A WARN when it is not listed.
 *
 * At a DTP target the SHOULD is not claimed: DTP-DISC-006 requires exactly `["ES256"]`, a
 * deviation the catalogue records (the algorithm of the EC P-256 keys DTP's server devices
 * register), so a conforming DTP server never meets it.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-054";
/** The metadata is fetched as DTP-DISC-001 says (a failure there blocks this check). */
const DISC001 = "DTP-DISC-001";
const JWT_METHODS = ["private_key_jwt", "client_secret_jwt"];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "SHOULD",
    area: "discovery",
    title: "JWT client authentication at the token endpoint lists RS256",
    specRef: "RFC 8414 §2",
    requires: [],
  },
  async run(ctx) {
    if (ctx.target.features.has("dtp")) {
      ctx.notClaimed(
        'a DTP server lists exactly ["ES256"] (DTP-DISC-006, a deliberate deviation from this SHOULD)',
      );
    }
    const { res, metadata } = await fetchMetadata(ctx, DISC001);
    const methods = metadata.token_endpoint_auth_methods_supported;
    const jwt = Array.isArray(methods) ? JWT_METHODS.filter((m) => methods.includes(m)) : [];
    if (jwt.length === 0) {
      ctx.notClaimed(
        `"token_endpoint_auth_methods_supported" lists no JWT method (${show(methods)})`,
      );
    }
    const algs = metadata.token_endpoint_auth_signing_alg_values_supported;
    if (!Array.isArray(algs) || !algs.includes("RS256")) {
      fail(
        ID,
        `"token_endpoint_auth_signing_alg_values_supported" listing "RS256" ("token_endpoint_auth_methods_supported" lists ${jwt.join(" and ")}; RFC 8414 §2: servers SHOULD support RS256)`,
        `"token_endpoint_auth_signing_alg_values_supported": ${show(algs)}`,
        res,
      );
    }
  },
};
