/**
 * DTP-RES-011 (MUST, RFC 6750 §2.2, §2.3; RFC 9700 §4.3.2):
 * "An access token sent in the URI query (`?access_token=`) or in a form body instead of
 * the `Authorization` header MUST NOT be accepted; such a request MUST be answered as one
 * without a token (401, no `error` attribute)."
 *
 * DTP-RES-010 (MUST, RFC 9457 §3; DTP):
 * "The body of every 401 and 403 answer of a protected resource that carries a Bearer or
 * DPoP challenge MUST be an `application/problem+json` document."
 *
 * With DTP-RES-010 (MUST): the 401 bodies are `application/problem+json`.
 *
 * A valid device token (shown to work in the header first) is sent as `?access_token=` and
 * as an `access_token` form parameter of the `GET /me` request.
 */

import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate } from "../../src/check/expect.ts";
import { endpoint, meOk, requireValid } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectChallengeProblem } from "./_helpers.ts";

const ID = "DTP-RES-011";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-010"],
    level: "MUST",
    area: "resource",
    title: "An access token in the query or the form body is not accepted: 401 without error",
    specRef: "RFC 6750 §2.2, §2.3; RFC 9700 §4.3.2",
    requires: ["resource", "admin"],
  },
  async run(ctx) {
    const { tokens } = await approvedDevice(ctx, { label: "query" });
    const pinned = tokens.tokens;
    const token = pinned.accessToken;
    await meOk(ctx, pinned, { requirement: ID, label: "GET /me with the token in the header" });
    const url = new URL(endpoint(ctx.target, "dtp_resource_endpoint"));
    url.searchParams.set("access_token", token);
    requireValid(ctx, pinned, "the requests with the token outside the header");
    // Deliberately outside the Authorization header: the transport's plain requests.
    await ctx.case("in the query", async () => {
      const inQuery = await ctx.http.request({
        method: "GET",
        url: url.href,
        label: "GET /me?access_token=…",
      });
      expectWwwAuthenticate(inQuery, { scheme: "Bearer", error: null, status: 401 }, ID);
      expectChallengeProblem(inQuery);
    });
    await ctx.case("in a form body", async () => {
      const inForm = await ctx.http.request({
        method: "GET",
        url: endpoint(ctx.target, "dtp_resource_endpoint"),
        form: { access_token: token },
        label: "GET /me with access_token in a form body",
      });
      expectWwwAuthenticate(inForm, { scheme: "Bearer", error: null, status: 401 }, ID);
      expectChallengeProblem(inForm);
    });
  },
};
