/**
 * DTP-DISC-004 (MUST, RFC 8414 §2; RFC 8628 §4; RFC 7009 §2; RFC 7662 §2):
 * "The metadata MUST contain `token_endpoint`, `device_authorization_endpoint` (the URL of
 * `POST /register`), `revocation_endpoint`, `introspection_endpoint` and `jwks_uri`, each
 * the absolute URL of the corresponding operation under the issuer."
 *
 * Requires the "dtp" feature: a plain OAuth server may lack some of these endpoints and is
 * then tested on the areas it offers (the missing ones are skipped, not failed).
 */
import type { Check } from "../../src/runner/check.ts";
import { expectJson, expectStatus, fail } from "../../src/runner/expect.ts";
import { getMetadata } from "./metadata.ts";

const ID = "DTP-DISC-004";

const ENDPOINTS = [
  "token_endpoint",
  "device_authorization_endpoint",
  "revocation_endpoint",
  "introspection_endpoint",
  "jwks_uri",
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
    const res = await getMetadata(ctx);
    expectStatus(res, 200, ID);
    const metadata = expectJson(res, ID);
    const missing = ENDPOINTS.filter((k) => typeof metadata[k] !== "string");
    if (missing.length > 0) {
      fail(ID, `${ENDPOINTS.join(", ")} in the metadata`, `missing: ${missing.join(", ")}`, res);
    }
    const issuer = typeof metadata.issuer === "string" ? metadata.issuer : ctx.target.baseUrl;
    for (const k of ENDPOINTS) {
      const value = metadata[k] as string;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        fail(ID, `"${k}" to be an absolute URL`, `"${k}": ${JSON.stringify(value)}`, res);
      }
      if (!`${url.origin}${url.pathname}`.startsWith(`${issuer}/`)) {
        fail(ID, `"${k}" under the issuer ${issuer}`, `"${k}": ${JSON.stringify(value)}`, res);
      }
    }
  },
};
