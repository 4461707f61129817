/**
 * DTP-RES-050 (MUST, RFC 6750 §2.1):
 * "A protected resource MUST accept a valid access token that is not sender-constrained
 * when it is sent as `Authorization: Bearer <token>`."
 *
 * DTP-RES-051 (MUST, RFC 9110 §11.1; RFC 6750 §2.1):
 * "A protected resource MUST match the authentication scheme name case-insensitively
 * (`bearer`, `BEARER` and `Bearer` are one scheme)."
 *
 * A new device's access token (Bearer, not sender-constrained) is sent to the protected
 * resource as `Authorization: Bearer <token>`: it must be accepted (DTP-RES-050). Then the
 * same token with the scheme name written `bearer`, `BEARER` and `bEaReR`: each must be
 * answered as `Bearer` was (DTP-RES-051). At a DTP target the resource is `/me` and
 * accepted means 200; elsewhere the resource is the config's `resourceUrl`, whose scope the
 * kit does not know, so only a 401 counts as not accepted (another answer is noted). A
 * target that issues only DPoP-bound tokens is not claimed.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { endpoint, requireValid, type TokenSet } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";

const ID = "DTP-RES-050";

/** The scheme name in other letter cases (RFC 9110 §11.1: case-insensitive). */
const SPELLINGS = ["bearer", "BEARER", "bEaReR"];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-051"],
    level: "MUST",
    area: "resource",
    title:
      "A valid Bearer token in the Authorization header is accepted, whatever the case of the scheme name",
    specRef: "RFC 6750 §2.1; RFC 9110 §11.1",
    requires: ["resource", "admin"],
  },
  async run(ctx) {
    const { tokens } = await approvedDevice(ctx, { label: "bearer" });
    const pinned = tokens.tokens;
    if (pinned.tokenType.toLowerCase() !== "bearer") {
      return ctx.notClaimed(
        `the target issued a ${pinned.tokenType} token: no token that is not sender-constrained to present`,
      );
    }
    const strict = ctx.target.features.has("dtp");
    const first = await send(ctx, pinned, "Bearer");
    if (!accepted(ctx, first, strict, "Bearer")) {
      fail(ID, "the valid access token accepted (200)", describe(first), first);
    }
    for (const scheme of SPELLINGS) {
      await ctx.case(`Authorization: ${scheme} <token>`, async () => {
        const res = await send(ctx, pinned, scheme);
        if (!accepted(ctx, res, strict, scheme)) {
          fail(
            "DTP-RES-051",
            `the token accepted with the scheme name "${scheme}" as with "Bearer" (${first.status})`,
            describe(res),
            res,
          );
        }
      });
    }
  },
};

/** The resource with `Authorization: <scheme> <token>`, exactly as written. */
function send(ctx: CheckContext, tokens: TokenSet, scheme: string): Promise<HttpResponse> {
  requireValid(ctx, tokens, `the resource with "${scheme}"`);
  return ctx.http.request({
    method: "GET",
    url: endpoint(ctx.target, "dtp_resource_endpoint"),
    headers: { authorization: `${scheme} ${tokens.accessToken}` },
    label: `resource with Authorization: ${scheme} <token>`,
  });
}

/** 200 (`strict`), or at least not a 401 (an answer other than 2xx is noted). */
function accepted(ctx: CheckContext, res: HttpResponse, strict: boolean, scheme: string) {
  if (res.status >= 200 && res.status < 300) return true;
  if (strict || res.status === 401) return false;
  ctx.note(`"${scheme}": the resource answered ${res.status} (not a 401: not judged)`);
  return true;
}
