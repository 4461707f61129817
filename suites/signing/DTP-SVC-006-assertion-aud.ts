/**
 * DTP-SVC-006 (MUST, RFC 7523 §3 (item 3), §3.2):
 * "A client assertion whose `aud` does not identify the server (neither its issuer nor its
 * token endpoint URL) MUST be rejected with OAuth error `invalid_client`."
 *
 * DTP-SVC-052 (MUST, DTP; draft-ietf-oauth-rfc7523bis):
 * "A DTP client assertion's `aud` MUST be a single string exactly equal to the issuer; an
 * assertion whose `aud` is the token endpoint URL, an array or any other value MUST be
 * rejected with 401 `invalid_client`."
 *
 * One approved `server` device. Property: an otherwise valid assertion whose `aud` is the
 * token endpoint URL, an array (holding the issuer alone, with another audience, or the
 * token endpoint), the issuer re-spelled (trailing slash, other case, other scheme, a
 * path), another URL, an empty string, a non-string value, or absent → 401
 * `invalid_client`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { endpoint, issuerOf, sendAssertion } from "../../src/client/index.ts";
import { serviceClient } from "../../src/client/kit/index.ts";
import { expectInvalidClient, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-006";
/** DTP: aud is the issuer as a single string (the token endpoint URL and arrays refused). */
const AUD_ISSUER = "DTP-SVC-052";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, AUD_ISSUER],
    level: "MUST",
    area: "signing",
    title:
      "Assertion aud must be exactly the issuer string (token endpoint, arrays, re-spellings → 401 invalid_client)",
    specRef: "RFC 7523 §3 (item 3); draft-ietf-oauth-rfc7523bis",
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const issuer = issuerOf(ctx.target);
    const tokenEndpoint = endpoint(ctx.target, "token_endpoint");
    const client = await serviceClient(ctx, { label: "svc006" });
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, client.assertion(), {
        label: "control: valid assertion",
      }),
    );
    const swapScheme = issuer.startsWith("https:")
      ? `http:${issuer.slice(6)}`
      : issuer.replace(/^http:/, "https:");
    const url = new URL(issuer);
    const fixed: unknown[] = [
      tokenEndpoint,
      [issuer],
      [issuer, "https://other.example"],
      ["https://other.example", issuer],
      [tokenEndpoint],
      [],
      `${issuer}/`,
      `${issuer}/register`,
      swapScheme,
      issuer.toUpperCase(),
      `${url.protocol}//${url.host.toUpperCase()}${url.pathname === "/" ? "" : url.pathname}`,
      ` ${issuer}`,
      `${issuer} `,
      "",
      "https://other.example",
      1,
      true,
      { aud: issuer },
      null,
      undefined,
    ].filter((a) => a !== issuer);
    const aud = fc.oneof(
      fc.constantFrom(...fixed),
      fc.webUrl().filter((u) => u !== issuer),
      fc.stringMatching(/^[ -~]{0,40}$/).filter((s) => s !== issuer),
    );

    await fc.assert(
      fc.asyncProperty(aud, fc.boolean(), async (a, withClientId) => {
        const assertion = client.assertion({ overrides: { claims: { aud: a } } });
        const res = await sendAssertion(ctx, assertion, {
          ...(withClientId ? { clientId: client.clientId } : {}),
          label: `service token: aud ${a === undefined ? "absent" : JSON.stringify(a)}`,
        });
        // RFC 7523 lets the token endpoint URL (or an array holding an audience that
        // identifies the server) pass; DTP does not.
        const rfcAllows =
          a === tokenEndpoint ||
          (Array.isArray(a) && a.some((x) => x === issuer || x === tokenEndpoint));
        expectInvalidClient(res, rfcAllows ? AUD_ISSUER : ID);
      }),
      { ...ctx.fc, examples: fixed.map((a): [unknown, boolean] => [a, false]) },
    );
  },
};
