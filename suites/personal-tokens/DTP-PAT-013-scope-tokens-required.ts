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
import { callResource, type TokenSet } from "../../src/client/legacy/index.ts";
import {
  type LiveHolder,
  refreshPair,
  serviceTokenHolder,
  trustedDevice,
  userSession,
  withLiveToken,
} from "../login/_helpers.ts";
import { createRaw, patUrl, readCreated, revokePat } from "./_helpers.ts";

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
    const device = await trustedDevice(ctx, ID, "pat-scope");
    const user = await userSession(ctx, device, ID);
    const name = "DTP-PAT-013 target";
    const pat = readCreated(
      ctx,
      await createRaw(
        ctx,
        user,
        { name, expires_in: 600 },
        "DTP-PAT-001",
        "create the target token",
      ),
      { name },
      "DTP-PAT-001",
    );
    const patTokens: TokenSet = {
      accessToken: pat.token,
      tokenType: "Bearer",
      expiresIn: 600,
      receivedAt: ctx.clock.now(),
      res: pat.res,
    };
    try {
      const operations = (label: string): HttpRequest[] => [
        {
          method: "POST",
          url: patUrl(ctx),
          json: { name: "must not be created", expires_in: 60 },
          label: `POST /personal-tokens ${label}`,
        },
        { method: "GET", url: patUrl(ctx), label: `GET /personal-tokens ${label}` },
        {
          method: "DELETE",
          url: patUrl(ctx, pat.id),
          label: `DELETE /personal-tokens/{id} ${label}`,
        },
      ];

      // No token at all.
      for (const req of operations("without a token")) {
        const res = await ctx.http.request(req);
        expectWwwAuthenticate(res, { scheme: "Bearer", error: null, status: 401 }, ID);
        notServed(res, req);
      }

      // Tokens without `tokens`.
      const holders: LiveHolder[] = [
        {
          what: "a device token",
          current: () => device.tokens,
          renew: () => refreshPair(ctx, device, device, ID, "device token"),
        },
        { what: "a personal token", current: () => patTokens, renew: async () => {} },
      ];
      if (ctx.target.features.has("client_credentials"))
        holders.push(await serviceTokenHolder(ctx, ID));
      else ctx.note("the target offers no client_credentials: not tested with a service token");

      for (const h of holders) {
        for (const req of operations(`with ${h.what}`)) {
          const res = await withLiveToken(ctx, req.label ?? "", h.current, h.renew, (t) =>
            ctx.http.request({
              ...req,
              headers: { ...req.headers, authorization: `Bearer ${t.accessToken}` },
            }),
          );
          expectWwwAuthenticate(
            res,
            { scheme: "Bearer", error: "insufficient_scope", status: 403 },
            ID,
          );
          notServed(res, req);
        }
      }

      // Nothing was revoked.
      const still = await callResource(
        ctx,
        patTokens,
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
      await revokePat(ctx, user, pat.id, ID, "revoke the target token (clean-up)");
    }

    function notServed(res: HttpResponse, req: HttpRequest): void {
      if (/dtp_pat_/.test(res.text)) {
        fail(ID, `nothing served for ${req.label}`, "a personal token secret in the answer", res);
      }
    }
  },
};
