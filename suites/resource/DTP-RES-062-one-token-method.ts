/**
 * DTP-RES-062 (SHOULD, RFC 6750 §3.1):
 * "A protected resource that accepts the access token in more than one way SHOULD answer a
 * request that uses more than one of them 400 with `error="invalid_request"`."
 *
 * A new device's Bearer access token is sent to the protected resource in the
 * `Authorization` header, then without the header in each other way RFC 6750 §2 defines: the
 * `access_token` query parameter (§2.3, `GET`) and the `access_token` form parameter (§2.2,
 * `POST`, the method with a body). A way is accepted when the resource answers it 2xx, as it
 * answered the header. For each accepted way, one request carries the token both in the
 * header and that way: it should be answered 400 with a Bearer challenge
 * `error="invalid_request"` (a WARN otherwise). A resource that accepts only the header has
 * no such request (not claimed; at a DTP target that is DTP-RES-011's rule).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { endpoint, requireValid, type TokenSet } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { parseChallenges } from "../../src/protocol/www-authenticate.ts";

const ID = "DTP-RES-062";

/** RFC 6750 §2.2 and §2.3: the ways beside the header, as requests without the header. */
const WAYS: { name: string; request: (url: string, token: string) => HttpRequest }[] = [
  {
    name: "the access_token query parameter",
    request: (url, token) => {
      const u = new URL(url);
      u.searchParams.set("access_token", token);
      return { method: "GET", url: u.href };
    },
  },
  {
    name: "the access_token form parameter",
    request: (url, token) => ({ method: "POST", url, form: { access_token: token } }),
  },
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "SHOULD",
    area: "resource",
    title: "A token sent in two ways at once: 400 invalid_request",
    specRef: "RFC 6750 §3.1",
    requires: ["resource", "admin"],
  },
  async run(ctx) {
    const { tokens } = await approvedDevice(ctx, { label: "twoways" });
    const pinned = tokens.tokens;
    if (pinned.tokenType.toLowerCase() !== "bearer") {
      return ctx.notClaimed(
        `the target issued a ${pinned.tokenType} token: RFC 6750 §2's other ways carry Bearer tokens`,
      );
    }
    const url = endpoint(ctx.target, "dtp_resource_endpoint");
    const bearer = { authorization: `Bearer ${pinned.accessToken}` };
    const header = await send(
      ctx,
      pinned,
      { method: "GET", url, headers: bearer },
      "resource, token in the header",
    );
    if (header.status < 200 || header.status > 299) {
      return ctx.notClaimed(
        `the valid token in the Authorization header was answered ${describe(header)}: which other ways the resource accepts cannot be told`,
      );
    }
    const accepted: typeof WAYS = [];
    for (const way of WAYS) {
      const res = await send(
        ctx,
        pinned,
        way.request(url, pinned.accessToken),
        `resource, token in ${way.name} only`,
      );
      if (res.status >= 200 && res.status <= 299) accepted.push(way);
    }
    if (accepted.length === 0) {
      return ctx.notClaimed(
        "the resource accepts the token only in the Authorization header (not in the query or a form body)",
      );
    }
    for (const way of accepted) {
      await ctx.case(`the header and ${way.name}`, async () => {
        const both = way.request(url, pinned.accessToken);
        const res = await send(
          ctx,
          pinned,
          { ...both, headers: bearer },
          `resource, token in the header and ${way.name}`,
        );
        if (res.status !== 400 || !invalidRequest(res)) {
          fail(
            ID,
            `400 with a Bearer challenge error="invalid_request" (the token in the header and in ${way.name}, which the resource accepts alone)`,
            `${describe(res)}; WWW-Authenticate: ${JSON.stringify(res.headers["www-authenticate"]) ?? "absent"}`,
            res,
          );
        }
      });
    }
  },
};

function send(
  ctx: CheckContext,
  tokens: TokenSet,
  req: HttpRequest,
  label: string,
): Promise<HttpResponse> {
  requireValid(ctx, tokens, label);
  return ctx.http.request({ ...req, label });
}

/** A Bearer challenge with error="invalid_request". */
function invalidRequest(res: HttpResponse): boolean {
  const header = res.headers["www-authenticate"];
  if (header === undefined) return false;
  try {
    return parseChallenges(header).some(
      (c) => c.scheme.toLowerCase() === "bearer" && c.params.error === "invalid_request",
    );
  } catch {
    return false;
  }
}
