/**
 * DTP-DPOP-008 (MUST, RFC 9449 §4.3; RFC 3986 §6.2.2, §6.2.3):
 * "A proof whose `htu` differs from the request URI without query and fragment MUST be
 * rejected as an invalid proof; the comparison MUST ignore the case of scheme and host and
 * an explicit default port."
 *
 * The rejecting half is in the mutation properties (DTP-DPOP-003, DTP-DPOP-012). This check
 * is the accepting half: property over spellings of the token endpoint and resource URLs
 * that differ only by normalisable parts (scheme letters upper-cased, host letters
 * upper-cased when the host has letters, `:80`/`:443` added when the URL has no port). A
 * proof whose `htu` is such a spelling must be accepted: 200 for a refresh at `/token` and
 * for `GET` on the resource.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import {
  expectAccepted,
  htuSpellingArb,
  keyedDevice,
  readTokensInto,
  refreshRequest,
  resourceUrl,
  sendWithProof,
  spellHtu,
  tokenUrl,
  validProof,
  withFreshToken,
} from "./_dpop-helpers.ts";

const ID = "DTP-DPOP-008";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title: "An htu differing only in scheme/host case or an explicit default port is accepted",
    specRef: "RFC 9449 §4.3; RFC 3986 §6.2.2.1, §6.2.3",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
    property: true,
  },
  async run(ctx) {
    const dev = await keyedDevice(ctx, ID, {
      label: "dpop-htu",
      kind: "ed25519",
      rawEd25519: true,
    });
    const token = tokenUrl(ctx);
    const resource = resourceUrl(ctx);
    await fc.assert(
      fc.asyncProperty(htuSpellingArb(token), htuSpellingArb(resource), async (ts, rs) => {
        const tokenHtu = spellHtu(token, ts);
        const refreshed = await sendWithProof(
          ctx,
          dev.session,
          refreshRequest(ctx, dev, `refresh, proof htu ${tokenHtu}`),
          (nonce) =>
            validProof(dev.session, "POST", token, nonce, undefined, { htuClaim: tokenHtu }),
        );
        expectAccepted(refreshed, 200, ID, `a proof with htu ${JSON.stringify(tokenHtu)}`);
        readTokensInto(ctx, dev, refreshed, ID);

        const resourceHtu = spellHtu(resource, rs);
        const res = await withFreshToken(ctx, dev, ID, () => {
          const at = dev.tokens.accessToken;
          return sendWithProof(
            ctx,
            dev.session,
            { method: "GET", url: resource, label: `GET /me, proof htu ${resourceHtu}` },
            (nonce) =>
              validProof(dev.session, "GET", resource, nonce, at, { htuClaim: resourceHtu }),
            { accessToken: at },
          );
        });
        expectAccepted(res, 200, ID, `a proof with htu ${JSON.stringify(resourceHtu)}`);
      }),
      { ...ctx.fc, numRuns: Math.max(4, Math.ceil(ctx.fc.numRuns / 3)) },
    );
  },
};
