/**
 * DTP-DISC-004 (MUST, RFC 8414 §2; RFC 8628 §4; RFC 7009 §2; RFC 7662 §2):
 * "The metadata MUST contain `token_endpoint`, `device_authorization_endpoint` (the URL of
 * `POST /register`), `revocation_endpoint`, `introspection_endpoint` and `jwks_uri`, each
 * the absolute URL of the corresponding operation under the issuer."
 *
 * The operations' paths are those of spec/dtp.openapi.yaml, whose server URL is the issuer:
 * `/token`, `/register`, `/revoke`, `/introspect`, `/jwks`.
 *
 * Requires the "dtp" feature: a plain OAuth server may lack some of these endpoints and is
 * then tested on the areas it offers (the missing ones are skipped, not failed).
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { expectEndpointUrl, fetchMetadata, issuerIn } from "./metadata.ts";

const ID = "DTP-DISC-004";

const ENDPOINTS = [
  ["token_endpoint", "/token"],
  ["device_authorization_endpoint", "/register"],
  ["revocation_endpoint", "/revoke"],
  ["introspection_endpoint", "/introspect"],
  ["jwks_uri", "/jwks"],
] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "Metadata names the token, registration, revocation, introspection and JWKS URLs",
    specRef: "RFC 8414 §2; RFC 8628 §4; RFC 7009 §2; RFC 7662 §2",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const missing = ENDPOINTS.filter(([k]) => typeof metadata[k] !== "string").map(([k]) => k);
    if (missing.length > 0) {
      fail(
        ID,
        `${ENDPOINTS.map(([k]) => k).join(", ")} in the metadata`,
        `missing: ${missing.join(", ")}`,
        res,
      );
    }
    const issuer = issuerIn(ctx, metadata);
    for (const [member, path] of ENDPOINTS) {
      expectEndpointUrl(metadata, member, issuer, path, ID, res);
    }
  },
};
