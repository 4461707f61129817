/**
 * DTP-REG-002 (MUST, RFC 6749 §2.3.1; RFC 8628 §3.1):
 * "The server MUST accept HTTP Basic client authentication from every client that was
 * issued a client secret (a DTP API key): the user name is the `client_id` and the password
 * the secret, each `application/x-www-form-urlencoded` encoded before base64 encoding."
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
import {
  clientSecretBasic,
  DEVICE_CODE_GRANT,
  type OAuthClient,
  sendAs,
} from "../../src/client/index.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, expectDeviceAuthorization } from "./_helpers.ts";

const ID = "DTP-REG-002";

/** The WHATWG form-urlencoding of one value (`~` → `%7E`). */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

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
    // The requirement is about HTTP Basic: this check authenticates with it on purpose.
    const encoded: OAuthClient = { clientId, auth: clientSecretBasic(clientId, apiKey, "whatwg") };

    await ctx.case("/register and /token with ~ form-urlencoded (%7E)", async () => {
      const res = await sendRegistrationForm(ctx, baseForm(clientId), {
        auth: encoded.auth,
        label: "register (Basic, form-urlencoded)",
      });
      const reg = expectDeviceAuthorization(ctx, res, {}, ID);
      // /token: the first poll of that registration (the client_id only in Basic).
      const poll = await sendAs(
        ctx,
        encoded,
        "token_endpoint",
        { grant_type: DEVICE_CODE_GRANT, device_code: reg.deviceCode },
        "poll (Basic, form-urlencoded)",
        { proof: false },
      );
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
    });

    await ctx.case("/register with ~ as is", async () => {
      const rawId = `${ctx.clientId("reg002")}~raw`;
      const raw = await sendRegistrationForm(ctx, baseForm(rawId), {
        auth: clientSecretBasic(rawId, apiKey),
        label: "register (Basic, ~ unencoded)",
      });
      expectDeviceAuthorization(ctx, raw, {}, ID);
    });

    const unknownToken = randomBytes(24).toString("base64url");
    if (ctx.target.features.has("revocation")) {
      await ctx.case("/revoke", async () => {
        const res = await sendAs(
          ctx,
          encoded,
          "revocation_endpoint",
          { token: unknownToken },
          "revoke an unknown token (Basic, form-urlencoded)",
        );
        expectStatus(res, 200, ID);
      });
    }
    if (ctx.target.features.has("introspection")) {
      await ctx.case("/introspect", async () => {
        const res = await sendAs(
          ctx,
          encoded,
          "introspection_endpoint",
          { token: unknownToken },
          "introspect an unknown token (Basic, form-urlencoded)",
        );
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
      });
    }
  },
};
