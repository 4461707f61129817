/**
 * DTP-DISC-002 (MUST, RFC 8414 §2, §3.3):
 * "The metadata `issuer` MUST be identical to the issuer identifier from which the client
 * derived the metadata URL (the URL into which `/.well-known/oauth-authorization-server`
 * was inserted), and MUST have no query and no fragment component."
 *
 * DTP-DISC-051 (MUST, DTP):
 * "A DTP server's `issuer` MUST NOT end with a slash."
 */
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { issuerFromWellKnown } from "../../src/client/index.ts";
import { getMetadata, metadataUrl } from "./metadata.ts";

const ID = "DTP-DISC-002";
/** DTP: no trailing slash (RFC 8414 §3.1 strips one before inserting the well-known path). */
const NO_SLASH = "DTP-DISC-051";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_SLASH],
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
    // A DTP issuer with a trailing slash is named as such before the identity comparison
    // (the kit derives the expected issuer without one).
    if (ctx.target.features.has("dtp") && issuer.endsWith("/")) {
      fail(NO_SLASH, "a DTP issuer without a trailing slash", JSON.stringify(issuer), res);
    }
    if (issuer !== expected) {
      fail(ID, `"issuer": ${JSON.stringify(expected)}`, `"issuer": ${JSON.stringify(issuer)}`, res);
    }
    const u = new URL(issuer);
    if (u.search || u.hash || issuer.includes("#")) {
      fail(ID, "an issuer without query or fragment", JSON.stringify(issuer), res);
    }
  },
};
