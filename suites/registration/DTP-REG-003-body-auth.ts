/**
 * DTP-REG-003 (MAY, RFC 6749 §2.3.1):
 * "The server MAY accept client authentication with `client_id` and `client_secret` (the
 * API key) as form body parameters; if it does, it MUST list `client_secret_post` in
 * `token_endpoint_auth_methods_supported`."
 *
 * Sends `client_id` + `client_secret` in the form (no Basic) to `/register`, `/token` (a
 * first poll of a registration: `authorization_pending`), `/revoke` and `/introspect`
 * (unknown tokens). Not accepting it anywhere is allowed (noted); accepting it somewhere
 * without listing `client_secret_post` in the metadata fails the conditional MUST.
 */
import { randomBytes } from "node:crypto";
import type { Check } from "../../src/check/check.ts";
import { describe } from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { clientSecretPost, DEVICE_CODE_GRANT, sendAs } from "../../src/client/index.ts";
import { registeredDevice, sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, expectDeviceAuthorization } from "./_helpers.ts";

const ID = "DTP-REG-003";

const rejectedAuth = (res: HttpResponse) =>
  res.status === 401 || (res.body as { error?: unknown } | undefined)?.error === "invalid_client";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MAY",
    area: "registration",
    title: "client_secret in the form body: if accepted, client_secret_post is advertised",
    specRef: "RFC 6749 §2.3.1; RFC 8414 §2",
    requires: ["device_code"],
  },
  async run(ctx) {
    const apiKey = ctx.target.config.apiKey;
    const accepted: { where: string; res: HttpResponse }[] = [];

    // The requirement is about the secret in the form: this check sends it there on purpose.
    const clientId = ctx.clientId("reg003");
    const post = { clientId, auth: clientSecretPost(clientId, apiKey) };
    const reg = await sendRegistrationForm(ctx, baseForm(clientId), {
      auth: post.auth,
      label: "register (client_secret_post)",
    });
    if (reg.status === 200) {
      expectDeviceAuthorization(ctx, reg, {});
      accepted.push({ where: "/register", res: reg });
    }

    // A registration made the usual way, polled with the API key in the form.
    const { device, reg: made } = await registeredDevice(ctx, { label: "reg003" });
    const { deviceCode } = expectDeviceAuthorization(ctx, made.res, {});
    const poll = await sendAs(
      ctx,
      { clientId: device.clientId, auth: clientSecretPost(device.clientId, apiKey) },
      "token_endpoint",
      { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: device.clientId },
      "poll (client_secret_post)",
    );
    if (!rejectedAuth(poll)) accepted.push({ where: "/token", res: poll });

    const token = randomBytes(24).toString("base64url");
    for (const [feature, name, where] of [
      ["revocation", "revocation_endpoint", "/revoke"],
      ["introspection", "introspection_endpoint", "/introspect"],
    ] as const) {
      if (!ctx.target.features.has(feature)) continue;
      const res = await sendAs(ctx, post, name, { token }, `${where} (client_secret_post)`);
      if (res.status === 200) accepted.push({ where, res });
    }
    if (accepted.length === 0) {
      ctx.note("the target does not accept client_secret in the form body (allowed: MAY)");
      return;
    }
    const methods = ctx.target.metadata.token_endpoint_auth_methods_supported;
    if (!Array.isArray(methods) || !methods.includes("client_secret_post")) {
      throw new CheckFailure({
        requirement: ID,
        level: "MUST",
        expected: `"client_secret_post" in token_endpoint_auth_methods_supported (the API key in the form is accepted at ${accepted.map((a) => a.where).join(", ")})`,
        actual: `token_endpoint_auth_methods_supported: ${JSON.stringify(methods)}; ${accepted[0]!.where}: ${describe(accepted[0]!.res)}`,
        evidence: accepted.map((a) => a.res.exchange),
      });
    }
  },
};
