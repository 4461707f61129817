/**
 * DTP-RES-004 (MUST, RFC 6750 §3; RFC 9110 §15.5.2):
 * "A request to a protected resource without any access token MUST be answered 401 with a
 * `WWW-Authenticate` header carrying a `Bearer` challenge (at a resource that accepts only
 * DPoP-bound tokens, a `DPoP` challenge)."
 *
 * DTP-RES-010 (MUST, RFC 9457 §3; DTP):
 * "The body of every 401 and 403 answer of a protected resource that carries a Bearer or
 * DPoP challenge MUST be an `application/problem+json` document."
 *
 * DTP-RES-053 (MUST, DTP; RFC 6750 §3):
 * "A DTP protected resource MUST answer a request without any access token with
 * `WWW-Authenticate: Bearer realm="dtp"` carrying no `error` attribute."
 *
 * Every protected operation of the requirement the target offers: `GET /me`, and (with
 * personal tokens) `POST /personal-tokens`, `GET /personal-tokens` and
 * `DELETE /personal-tokens/{id}`, each sent without credentials. The exact challenge,
 * `Bearer realm="dtp"` without `error`, is DTP's (DTP-RES-053), judged at a DTP target.
 */

import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpRequest } from "../../src/check/http.ts";
import { endpoint, endpointOf } from "../../src/client/index.ts";
import { expectChallengeProblem } from "./_helpers.ts";

const ID = "DTP-RES-004";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-010", "DTP-RES-053"],
    level: "MUST",
    area: "resource",
    title: 'No token at a protected resource: 401, Bearer realm="dtp" without error, problem+json',
    specRef: "RFC 6750 §3, §3.1; RFC 9457 §3",
    requires: ["resource"],
  },
  async run(ctx) {
    const requests: HttpRequest[] = [
      { method: "GET", url: endpoint(ctx.target, "dtp_resource_endpoint"), label: "GET /me" },
    ];
    const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    if (pats !== undefined) {
      requests.push(
        {
          method: "POST",
          url: pats,
          json: { name: "no token", expires_in: 60, scope: "me" },
          label: "POST /personal-tokens",
        },
        { method: "GET", url: pats, label: "GET /personal-tokens" },
        {
          method: "DELETE",
          url: `${pats}/unknown-token-id`,
          label: "DELETE /personal-tokens/{id}",
        },
      );
    } else ctx.note("no dtp_personal_tokens_endpoint: only /me tested");
    // Deliberately without any token: the transport's plain request.
    for (const req of requests) {
      await ctx.case(`${req.label} without a token`, async () => {
        const res = await ctx.http.request({ ...req, label: `${req.label} without a token` });
        const challenge = expectWwwAuthenticate(res, { scheme: "Bearer" }, ID);
        if (!ctx.target.features.has("dtp")) return;
        expectWwwAuthenticate(res, { scheme: "Bearer", error: null }, "DTP-RES-053");
        if (challenge.params.realm !== "dtp") {
          fail(
            "DTP-RES-053",
            'a Bearer challenge with realm="dtp"',
            `realm=${JSON.stringify(challenge.params.realm)} in ${JSON.stringify(res.headers["www-authenticate"])}`,
            res,
          );
        }
        expectChallengeProblem(res);
      });
    }
  },
};
