/**
 * DTP-DISC-052 (MUST, RFC 8414 §2):
 * "The metadata MUST contain `issuer`, `response_types_supported`, and `token_endpoint`
 * (unless the server supports only the implicit grant), and MUST contain
 * `authorization_endpoint` when the server supports a grant type that uses the
 * authorization endpoint. A server that supports no response type (device grant only) may
 * send `response_types_supported` as an empty array: RFC 8414 §2 requires the member and
 * §3.2 omits empty ones, which cannot both hold for it."
 *
 * DTP-DISC-057 (SHOULD, RFC 8414 §2):
 * "The metadata SHOULD contain `scopes_supported`."
 *
 * One case per member. The grants the server supports are `grant_types_supported`, or
 * RFC 8414 §2's default `["authorization_code", "implicit"]` when it is omitted; of the
 * registered grants, `authorization_code` and `implicit` use the authorization endpoint
 * (RFC 6749 §4.1, §4.2). `response_types_supported` must be an array of strings; it may be
 * empty only when neither of those grants is supported (the server then supports no
 * response type; with one of them it supports `code` or `token`, RFC 6749 §3.1.1).
 * `scopes_supported` is RECOMMENDED (a WARN when absent); only its presence is judged.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-052";
/** The metadata is fetched as DTP-DISC-001 says (a failure there blocks this check). */
const DISC001 = "DTP-DISC-001";
const SCOPES = "DTP-DISC-057";
/** RFC 8414 §2: the default of an omitted `grant_types_supported`. */
const DEFAULT_GRANTS = ["authorization_code", "implicit"];
/** Registered grant types that use the authorization endpoint (RFC 6749 §4.1, §4.2). */
const AUTHORIZATION_ENDPOINT_GRANTS = ["authorization_code", "implicit"];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, SCOPES],
    level: "MUST",
    area: "discovery",
    title:
      "The metadata contains issuer, response_types_supported, token_endpoint and, when needed, authorization_endpoint (and should contain scopes_supported)",
    specRef: "RFC 8414 §2",
    requires: [],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, DISC001);
    const declared = metadata.grant_types_supported;
    const grants = Array.isArray(declared)
      ? declared.filter((g): g is string => typeof g === "string")
      : DEFAULT_GRANTS;
    const grantsSaid = Array.isArray(declared)
      ? `"grant_types_supported": ${show(declared)}`
      : `"grant_types_supported" omitted (RFC 8414 §2 default: ${show(DEFAULT_GRANTS)})`;
    const usesAuthorizationEndpoint = grants.filter((g) =>
      AUTHORIZATION_ENDPOINT_GRANTS.includes(g),
    );

    await ctx.case("issuer", async () => expectUrlMember(metadata, "issuer", "", res));

    await ctx.case("response_types_supported", async () => {
      const value = metadata.response_types_supported;
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        fail(
          ID,
          '"response_types_supported": a JSON array of response_type values (REQUIRED)',
          `"response_types_supported": ${show(value)}`,
          res,
        );
      }
      if (value.length === 0 && usesAuthorizationEndpoint.length > 0) {
        fail(
          ID,
          `"response_types_supported" listing the response types of ${usesAuthorizationEndpoint.join(", ")} (${grantsSaid}); only a server supporting no response type may send it empty`,
          '"response_types_supported": []',
          res,
        );
      }
    });

    await ctx.case("token_endpoint", async () => {
      if (grants.length > 0 && grants.every((g) => g === "implicit")) {
        ctx.note(`token_endpoint not required: ${grantsSaid} (only the implicit grant)`);
        return;
      }
      expectUrlMember(metadata, "token_endpoint", ` (${grantsSaid})`, res);
    });

    await ctx.case("authorization_endpoint", async () => {
      if (usesAuthorizationEndpoint.length === 0) return;
      expectUrlMember(
        metadata,
        "authorization_endpoint",
        ` (${grantsSaid}: ${usesAuthorizationEndpoint.join(" and ")} use${usesAuthorizationEndpoint.length === 1 ? "s" : ""} the authorization endpoint)`,
        res,
      );
    });

    await ctx.case("scopes_supported", async () => {
      if (!("scopes_supported" in metadata)) {
        fail(
          SCOPES,
          '"scopes_supported" (RECOMMENDED, RFC 8414 §2)',
          '"scopes_supported" absent',
          res,
        );
      }
    });
  },
};

/** Fails unless `metadata[member]` is a non-empty string (its URL rules are DTP-DISC-003's). */
function expectUrlMember(
  metadata: Record<string, unknown>,
  member: string,
  why: string,
  res: HttpResponse,
): void {
  const value = metadata[member];
  if (typeof value !== "string" || value === "") {
    fail(ID, `"${member}": a URL (REQUIRED)${why}`, `"${member}": ${show(value)}`, res);
  }
}
