/**
 * DTP-DISC-002 (MUST, RFC 8414 §2, §3.3):
 * "The metadata `issuer` MUST be identical to the issuer identifier from which the client
 * derived the metadata URL (the URL into which `/.well-known/oauth-authorization-server`
 * was inserted), and MUST have no query and no fragment component."
 */
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { issuerFromWellKnown } from "../../src/client/index.ts";
import { getMetadata, metadataUrl } from "./metadata.ts";

const ID = "DTP-DISC-002";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "issuer is identical to the URL the metadata was fetched from",
    specRef: "RFC 8414 §3.3",
    requires: [],
  },
  async run(ctx) {
    const res = await getMetadata(ctx);
    expectStatus(res, 200, ID);
    const metadata = expectJson(res, ID);
    const expected = issuerFromWellKnown(metadataUrl(ctx)) ?? ctx.target.baseUrl;
    const issuer = metadata.issuer;
    if (typeof issuer !== "string") {
      fail(
        ID,
        `"issuer": ${JSON.stringify(expected)}`,
        `"issuer" is ${JSON.stringify(issuer) ?? "absent"}`,
        res,
      );
    }
    if (issuer !== expected) {
      fail(ID, `"issuer": ${JSON.stringify(expected)}`, `"issuer": ${JSON.stringify(issuer)}`, res);
    }
    const u = new URL(issuer);
    if (u.search || u.hash || issuer.endsWith("/")) {
      fail(ID, "an issuer without query, fragment or trailing slash", JSON.stringify(issuer), res);
    }
  },
};
