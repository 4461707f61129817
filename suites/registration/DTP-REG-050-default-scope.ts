/**
 * DTP-REG-050 (MUST, RFC 6749 §3.3; RFC 8628 §3.1):
 * "A device authorization request (or a `client_credentials` token request) without `scope`
 * MUST either be processed with the server's default scope or fail with OAuth error
 * `invalid_scope`."
 *
 * Cases: a valid device authorization request without `scope` (DTP: a fresh device with the
 * API key; OAuth profile: the kit's client, authenticated its registered way); and, when the
 * target offers `client_credentials` and the kit has an assertion client (DTP: an approved
 * `server` device; OAuth: the configured `private_key_jwt` client), a valid assertion
 * request without `scope`. Each answer must be 200 (the default scope) or 400
 * `invalid_scope`; any other answer (e.g. 400 `invalid_request` for the missing parameter)
 * fails.
 */
import type { Check } from "../../src/check/check.ts";
import { describe, expectJson, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { sendAssertion } from "../../src/client/index.ts";
import {
  clientAuthFor,
  oauthAssertionClient,
  sendRegistrationForm,
  serviceClient,
} from "../../src/client/kit/index.ts";
import { baseForm } from "./_helpers.ts";

const ID = "DTP-REG-050";

/** 200 (processed with the default scope) or 400 `invalid_scope`; anything else fails. */
function expectDefaultOrInvalidScope(res: HttpResponse, what: string): void {
  if (res.status === 200) return;
  const error = res.status === 400 ? (expectJson(res, ID) as { error?: unknown }).error : undefined;
  if (error !== "invalid_scope") {
    fail(
      ID,
      `${what} without scope: processed with the default scope (200) or 400 invalid_scope`,
      describe(res),
      res,
    );
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title: "A request without scope gets the default scope or invalid_scope",
    specRef: "RFC 6749 §3.3; RFC 8628 §3.1",
    requires: ["device_code"],
  },
  async run(ctx) {
    await ctx.case("device authorization without scope", async () => {
      const clientId = ctx.clientId("reg050");
      const form = ctx.target.profile === "oauth" ? {} : baseForm(clientId);
      const res = await sendRegistrationForm(ctx, form, {
        auth: clientAuthFor(ctx.target, clientId),
        label: "device authorization without scope",
      });
      if (res.status === 200) {
        const code = (res.body as { device_code?: unknown } | undefined)?.device_code;
        if (typeof code === "string") ctx.http.addSecret(code, "device_code");
      }
      expectDefaultOrInvalidScope(res, "a device authorization request");
    });

    const f = ctx.target.features;
    const assertions =
      f.has("client_credentials") &&
      (ctx.target.profile === "oauth"
        ? oauthAssertionClient(ctx.target) !== undefined
        : f.has("admin") && f.has("api_key"));
    if (!assertions) {
      ctx.note(
        "client_credentials without scope not exercised: the target does not offer client_credentials or the kit has no assertion client for it",
      );
      return;
    }
    await ctx.case("client_credentials without scope", async () => {
      const client = await serviceClient(ctx, { label: "reg050-svc" });
      const res = await sendAssertion(ctx, client.assertion(), {
        label: "service token without scope",
      });
      expectDefaultOrInvalidScope(res, "a client_credentials token request");
    });
  },
};
