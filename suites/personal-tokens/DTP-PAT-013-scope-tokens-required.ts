/**
 * DTP-PAT-013 (MUST, RFC 6750 §3.1):
 * "The personal-token operations MUST require an access token with scope `tokens`: a
 * device, service or personal token MUST be answered 403 `insufficient_scope`, and a
 * request without a token 401 with a challenge without `error`."
 *
 * The configured user creates a personal token P (the target of the DELETEs below). Then
 * `POST /personal-tokens` (a valid body), `GET /personal-tokens` and
 * `DELETE /personal-tokens/{P}` are each sent
 * - without any token → 401 with a Bearer challenge carrying no `error`;
 * - with a device token (scope `me login`), with P itself (scope `me`) and, when the
 *   target offers client_credentials, with a service token → 403 with a Bearer challenge
 *   carrying `error="insufficient_scope"`.
 * None of them creates a token, lists P or revokes it: P still works at `/me` afterwards.
 * A 401 while a short-lived device or service token may have expired on the way (a slow
 * machine) is retried with a fresh token, never judged.
 */

import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { callResource, type TokenHolder } from "../../src/client/index.ts";
import { approvedDevice, loggedInUser, serviceClient } from "../../src/client/kit/index.ts";
import { readCreated } from "./_helpers.ts";

const ID = "DTP-PAT-013";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "personal-tokens",
    title:
      "Personal-token operations need scope tokens: no token → 401 challenge without error; device, personal or service token → 403 insufficient_scope",
    specRef: "RFC 6750 §3.1",
    requires: [
      "device_code",
      "admin",
      "login",
      "user_credentials",
      "personal_tokens",
      "resource",
      "refresh_token",
    ],
  },
  async run(ctx) {
    const device = await approvedDevice(ctx, { label: "pat-scope" });
    const user = await loggedInUser(ctx, { through: device });
    const name = "DTP-PAT-013 target";
    const target = await user.personalToken({ name, expiresIn: 600 });
    const pat = readCreated(ctx, target.res, { name }, "DTP-PAT-001");
    try {
      const operations = (label: string): HttpRequest[] => [
        {
          method: "POST",
          url: user.url(),
          json: { name: "must not be created", expires_in: 60 },
          label: `POST /personal-tokens ${label}`,
        },
        { method: "GET", url: user.url(), label: `GET /personal-tokens ${label}` },
        {
          method: "DELETE",
          url: user.url(pat.id),
          label: `DELETE /personal-tokens/{id} ${label}`,
        },
      ];

      // No token at all (the transport's plain request).
      for (const req of operations("without a token")) {
        await ctx.case(req.label!, async () => {
          const res = await ctx.http.request(req);
          expectWwwAuthenticate(res, { scheme: "Bearer", error: null, status: 401 }, ID);
          notServed(res, req);
        });
      }

      // Real tokens of the wrong kinds (no scope `tokens`), kept live by their holders.
      const holders: [string, TokenHolder][] = [
        ["a device token", device.tokens],
        ["a personal token", target.holder],
      ];
      if (ctx.target.features.has("client_credentials"))
        holders.push(["a service token", await (await serviceClient(ctx)).token()]);
      else ctx.note("the target offers no client_credentials: not tested with a service token");

      for (const [what, holder] of holders) {
        for (const req of operations(`with ${what}`)) {
          await ctx.wrongActor(ID, req.label!, async () => {
            const res = await holder.send(req);
            expectWwwAuthenticate(
              res,
              { scheme: "Bearer", error: "insufficient_scope", status: 403 },
              ID,
            );
            notServed(res, req);
          });
        }
      }

      // Nothing was revoked.
      const still = await callResource(
        ctx,
        target.holder.tokens,
        undefined,
        "GET /me with the target token (still valid)",
      );
      if (still.status !== 200) {
        fail(
          ID,
          "the personal token still valid after the refused DELETEs",
          `status ${still.status}`,
          still,
        );
      }
    } finally {
      await user.revokePersonalToken(pat.id, "revoke the target token (clean-up)");
    }

    function notServed(res: HttpResponse, req: HttpRequest): void {
      if (/dtp_pat_/.test(res.text)) {
        fail(ID, `nothing served for ${req.label}`, "a personal token secret in the answer", res);
      }
    }
  },
};
