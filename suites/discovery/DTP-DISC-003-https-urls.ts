/**
 * DTP-DISC-003 (MUST, RFC 8414 §2):
 * "The `issuer` and every endpoint URL in the metadata MUST be an absolute `https` URL;
 * plain `http` MUST only be used when the host is a loopback address (`localhost`,
 * `127.0.0.1` or `[::1]`)."
 *
 * DTP-DISC-050 (MUST, RFC 6749 §3.2; RFC 7009 §2.1):
 * "The `token_endpoint` and `revocation_endpoint` URLs MUST NOT include a fragment
 * component."
 *
 * The endpoint URLs are `jwks_uri` and every member whose name ends in `_endpoint`
 * (RFC 8414's and DTP's).
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-003";
/** RFC 6749 §3.2, RFC 7009 §2.1: these two endpoint URLs carry no fragment. */
const NO_FRAGMENT = "DTP-DISC-050";
const NO_FRAGMENT_MEMBERS = new Set(["token_endpoint", "revocation_endpoint"]);
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_FRAGMENT],
    level: "MUST",
    area: "discovery",
    title: "issuer and endpoint URLs are absolute https URLs (http only on loopback)",
    specRef: "RFC 8414 §2",
    requires: [],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const members = Object.keys(metadata).filter(
      (k) => k === "issuer" || k === "jwks_uri" || k.endsWith("_endpoint"),
    );
    if (!members.includes("issuer")) fail(ID, 'an "issuer" URL', '"issuer" is absent', res);
    for (const member of members) {
      const value = metadata[member];
      const expected = `"${member}": an absolute https URL (http only for localhost, 127.0.0.1, [::1])`;
      if (typeof value !== "string") fail(ID, expected, `"${member}": ${show(value)}`, res);
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        fail(ID, expected, `"${member}": ${JSON.stringify(value)} is not an absolute URL`, res);
      }
      const ok =
        url.protocol === "https:" ||
        (url.protocol === "http:" && LOOPBACK.has(url.hostname.toLowerCase()));
      if (!ok) fail(ID, expected, `"${member}": ${JSON.stringify(value)}`, res);
    }
    for (const member of members.filter((m) => NO_FRAGMENT_MEMBERS.has(m))) {
      const value = metadata[member] as string;
      if (value.includes("#")) {
        fail(
          NO_FRAGMENT,
          `"${member}": a URL without a fragment component`,
          `"${member}": ${JSON.stringify(value)}`,
          res,
        );
      }
    }
  },
};
