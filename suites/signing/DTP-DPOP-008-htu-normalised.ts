/**
 * DTP-DPOP-008 (MUST, RFC 9449 §4.3):
 * "A proof whose `htu` does not match the request URI, ignoring its query and fragment,
 * MUST be rejected as an invalid proof."
 *
 * DTP-DPOP-050 (SHOULD, RFC 9449 §4.3):
 * "The server SHOULD apply syntax-based and scheme-based normalisation (RFC 3986 §6.2.2,
 * §6.2.3) before comparing a proof's `htu` with the request URI."
 *
 * DTP-DPOP-051 (MUST, DTP; RFC 3986 §6.2.2, §6.2.3):
 * "A DTP server MUST compare a proof's `htu` with the request URI ignoring the case of
 * scheme and host and an explicit default port."
 *
 * The rejecting half is in the mutation properties (DTP-DPOP-003, DTP-DPOP-012). This check
 * is the accepting half: property over spellings of the token endpoint and resource URLs
 * that differ only by normalisable parts (scheme letters upper-cased, host letters
 * upper-cased when the host has letters, `:80`/`:443` added when the URL has no port). A
 * proof whose `htu` is such a spelling must be accepted: 200 for a refresh at `/token` and
 * for `GET` on the resource. A refusal fails DTP-DPOP-051 on a DTP target; elsewhere it is
 * the SHOULD DTP-DPOP-050 (a WARN), as RFC 9449 §4.3 has it.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { absoluteEndpoint, readTokens } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { htuSpellingArb, spellHtu } from "../../src/protocol/dpop-mutations.ts";
import { expectAccepted, failAt } from "./_dpop.ts";

const ID = "DTP-DPOP-008";

/**
 * A normalisable spelling must be accepted: a MUST on a DTP target (DTP-DPOP-051), a SHOULD
 * of RFC 9449 §4.3 elsewhere (DTP-DPOP-050, a WARN).
 */
function expectSpellingAccepted(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (ctx.target.features.has("dtp")) {
    expectAccepted(res, 200, "DTP-DPOP-051", what);
  } else if (res.status !== 200) {
    failAt("SHOULD", "DTP-DPOP-050", `${what} accepted (status 200)`, `status ${res.status}`, res);
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-050", "DTP-DPOP-051"],
    level: "MUST",
    area: "signing",
    title: "An htu differing only in scheme/host case or an explicit default port is accepted",
    specRef: "RFC 9449 §4.3; RFC 3986 §6.2.2.1, §6.2.3",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
    property: true,
  },
  async run(ctx) {
    const { device, tokens } = await approvedDevice(ctx, {
      label: "dpop-htu",
      kind: "ed25519",
      rawEd25519: true,
    });
    const session = device.dpop!;
    const token = absoluteEndpoint(ctx.target, "token_endpoint");
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");
    await ctx.property(
      "htu spellings at /token and the resource",
      fc.asyncProperty(htuSpellingArb(token), htuSpellingArb(resource), async (ts, rs) => {
        const tokenHtu = spellHtu(token, ts);
        const refreshed = await device.refresh(
          tokens.tokens.refreshToken ?? "",
          {},
          {
            proof: (nonce) => session.proof("POST", token, { nonce, htuClaim: tokenHtu }),
            label: `refresh, proof htu ${tokenHtu}`,
          },
        );
        expectSpellingAccepted(ctx, refreshed, `a proof with htu ${JSON.stringify(tokenHtu)}`);
        tokens.tokens = readTokens(ctx, refreshed);

        const resourceHtu = spellHtu(resource, rs);
        const res = await tokens.use((t) =>
          session.send(
            ctx,
            { method: "GET", url: resource, label: `GET /me, proof htu ${resourceHtu}` },
            {
              build: (nonce) =>
                session.proof("GET", resource, {
                  nonce,
                  accessToken: t.accessToken,
                  htuClaim: resourceHtu,
                }),
              accessToken: t.accessToken,
            },
          ),
        );
        expectSpellingAccepted(ctx, res, `a proof with htu ${JSON.stringify(resourceHtu)}`);
      }),
      { numRuns: Math.max(4, Math.ceil(ctx.fc.numRuns / 3)) },
    );
  },
};
