/**
 * DTP-REG-002 (MUST, RFC 6749 §2.3.1):
 * "The server MUST accept client authentication with HTTP Basic, where the user name is the
 * `client_id` and the password is the API key, each `application/x-www-form-urlencoded`
 * encoded before base64 encoding."
 *
 * The client_id contains `~`, which the form-urlencoding algorithm (RFC 6749 Appendix B,
 * WHATWG) writes as `%7E`: a server that does not decode the Basic user name sees another
 * client_id. The API key is encoded the same way (it changes only if it has characters
 * outside `A-Za-z0-9*-._`). Checked at every operation that takes the API key and can be
 * called without side effects: `/register` (a new registration), `/token` (a first poll of
 * that registration: `authorization_pending`, not a client-authentication error),
 * `/revoke` (an unknown token: 200) and `/introspect` (an unknown token: inactive).
 * Both encodings of `~` are sent to `/register`: `%7E` and the character as is.
 */
import { randomBytes } from "node:crypto";
import type { Check } from "../../src/check/check.ts";
import {
  describe,
  expectJson,
  expectOAuthError,
  expectStatus,
  fail,
} from "../../src/check/expect.ts";
import { DEVICE_CODE_GRANT } from "../../src/client/legacy/device.ts";
import { endpoint } from "../../src/client/legacy/endpoints.ts";
import {
  baseForm,
  expectDeviceAuthorization,
  formEncode,
  postRegistration,
  whatwgBasic,
} from "./_helpers.ts";

const ID = "DTP-REG-002";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title: "HTTP Basic client authentication with form-urlencoded client_id and API key",
    specRef: "RFC 6749 §2.3.1, Appendix B",
    requires: ["device_code"],
  },
  async run(ctx) {
    const apiKey = ctx.target.config.apiKey;
    const clientId = `${ctx.clientId("reg002")}~basic`;
    if (formEncode(clientId) === clientId) throw new Error("the client_id must need encoding");
    if (formEncode(apiKey) === apiKey) {
      ctx.note("the API key has no character that form-urlencoding changes");
    }

    // /register, `~` as %7E (the encoding algorithm's output).
    const encoded = await postRegistration(
      ctx,
      baseForm(clientId),
      { kind: "basic-whatwg", id: clientId },
      "register (Basic, form-urlencoded)",
    );
    const reg = expectDeviceAuthorization(ctx, encoded, {}, ID);

    // /register, `~` as is (what a decoder must accept too).
    const rawId = `${ctx.clientId("reg002")}~raw`;
    const raw = await postRegistration(
      ctx,
      baseForm(rawId),
      { kind: "basic", id: rawId },
      "register (Basic, ~ unencoded)",
    );
    expectDeviceAuthorization(ctx, raw, {}, ID);

    const authorization = whatwgBasic(clientId, apiKey);
    // /token: the first poll of the registration above.
    const poll = await ctx.http.request({
      method: "POST",
      url: endpoint(ctx.target, "token_endpoint"),
      headers: { authorization },
      form: { grant_type: DEVICE_CODE_GRANT, device_code: reg.deviceCode },
      label: "poll (Basic, form-urlencoded)",
    });
    if (
      poll.status === 401 ||
      (poll.body as { error?: unknown } | undefined)?.error === "invalid_client"
    ) {
      fail(
        ID,
        "the token endpoint to accept the form-urlencoded Basic credentials",
        describe(poll),
        poll,
      );
    }
    expectOAuthError(poll, { status: 400, error: "authorization_pending" }, ID);

    const unknownToken = randomBytes(24).toString("base64url");
    if (ctx.target.features.has("revocation")) {
      const res = await ctx.http.request({
        method: "POST",
        url: endpoint(ctx.target, "revocation_endpoint"),
        headers: { authorization },
        form: { token: unknownToken },
        label: "revoke an unknown token (Basic, form-urlencoded)",
      });
      expectStatus(res, 200, ID);
    }
    if (ctx.target.features.has("introspection")) {
      const res = await ctx.http.request({
        method: "POST",
        url: endpoint(ctx.target, "introspection_endpoint"),
        headers: { authorization },
        form: { token: unknownToken },
        label: "introspect an unknown token (Basic, form-urlencoded)",
      });
      expectStatus(res, 200, ID);
      const body = expectJson(res, ID);
      if (body.active !== false) {
        fail(
          ID,
          '{"active": false} for an unknown token',
          `"active": ${JSON.stringify(body.active)}`,
          res,
        );
      }
    }
  },
};
