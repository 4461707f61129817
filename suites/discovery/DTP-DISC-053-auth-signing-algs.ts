/**
 * DTP-DISC-053 (MUST, RFC 8414 §2):
 * "When `token_endpoint_auth_methods_supported`,
 * `revocation_endpoint_auth_methods_supported` or
 * `introspection_endpoint_auth_methods_supported` lists `private_key_jwt` or
 * `client_secret_jwt`, the matching `*_auth_signing_alg_values_supported` member MUST be
 * present; every `*_auth_signing_alg_values_supported` member MUST NOT contain `none`."
 *
 * One case per endpoint (token, revocation, introspection): when its methods list a JWT
 * method, its signing-algorithm member must be present as an array of strings (an empty one
 * is DTP-DISC-056's); and one case for every `*_auth_signing_alg_values_supported` member
 * the metadata carries: no `none` (alg values are case-sensitive, RFC 7518 §3.1).
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-053";
/** The metadata is fetched as DTP-DISC-001 says (a failure there blocks this check). */
const DISC001 = "DTP-DISC-001";
const JWT_METHODS = ["private_key_jwt", "client_secret_jwt"];
const ENDPOINTS = ["token_endpoint", "revocation_endpoint", "introspection_endpoint"];
const ALGS_MEMBER = /_auth_signing_alg_values_supported$/;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title:
      "JWT client authentication methods come with their signing algorithms, none of them `none`",
    specRef: "RFC 8414 §2",
    requires: [],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, DISC001);
    let applies = false;
    for (const endpoint of ENDPOINTS) {
      const methodsMember = `${endpoint}_auth_methods_supported`;
      const algsMember = `${endpoint}_auth_signing_alg_values_supported`;
      const methods = metadata[methodsMember];
      const jwt = Array.isArray(methods) ? JWT_METHODS.filter((m) => methods.includes(m)) : [];
      if (jwt.length === 0) continue;
      applies = true;
      await ctx.case(algsMember, async () => {
        const algs = metadata[algsMember];
        if (!Array.isArray(algs) || algs.some((a) => typeof a !== "string")) {
          fail(
            ID,
            `"${algsMember}": an array of JWS algorithms ("${methodsMember}" lists ${jwt.join(" and ")})`,
            `"${algsMember}": ${show(algs)}`,
            res,
          );
        }
      });
    }

    const algMembers = Object.keys(metadata).filter((k) => ALGS_MEMBER.test(k));
    if (!applies && algMembers.length === 0)
      ctx.note("no JWT client authentication method and no *_auth_signing_alg_values_supported");
    for (const member of algMembers) {
      await ctx.case(`${member} without none`, async () => {
        const algs = metadata[member];
        if (Array.isArray(algs) && algs.includes("none")) {
          fail(
            ID,
            `"${member}" without "none" (RFC 8414 §2: "The value "none" MUST NOT be used")`,
            `"${member}": ${show(algs)}`,
            res,
          );
        }
      });
    }
  },
};
