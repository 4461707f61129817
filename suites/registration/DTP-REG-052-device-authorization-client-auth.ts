/**
 * DTP-REG-052 (MUST, RFC 8628 §3.1; RFC 6749 §3.2.1):
 * "The device authorization endpoint MUST accept a client's authentication in the same
 * manner as the token endpoint (every method the client may use there, HTTP Basic
 * included), and a public client's `client_id` parameter."
 *
 * One case per client authentication method the target's metadata advertises
 * (`token_endpoint_auth_methods_supported`; `client_secret_basic` when absent) among
 * `client_secret_basic`, `client_secret_post` and `none`, with a client that may use it: on
 * a DTP target a fresh device authenticated with the API key; under the OAuth profile the
 * first configured client registered with that method. Each sends a valid device
 * authorization request (DTP: `client_type` and `response_type`; OAuth: the configured
 * `scope`) authenticated that way only: with HTTP Basic the `client_id` is in the
 * `Authorization` header alone, with `client_secret_post` the `client_id` and secret are in
 * the body, a public client sends its `client_id` alone. The answer must be 200 with a
 * `device_code`; a client-authentication refusal (401, `invalid_client`,
 * `unauthorized_client`) fails. Another refusal (e.g. `invalid_scope`) says nothing about
 * client authentication and leaves the case untested.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { ClientAuth } from "../../src/client/auth.ts";
import { clientSecretBasic, clientSecretPost, none } from "../../src/client/auth.ts";
import { offeredAuthMethods, sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm } from "./_helpers.ts";

const ID = "DTP-REG-052";

const METHODS = ["client_secret_basic", "client_secret_post", "none"] as const;
type Method = (typeof METHODS)[number];

/** The client that uses `method`, or undefined when the target has none for it. */
function clientFor(ctx: CheckContext, method: Method): ClientAuth | undefined {
  if (ctx.target.profile !== "oauth") {
    // DTP: every device authenticates with the API key (it has no public clients).
    const clientId = ctx.clientId(`reg052-${method === "client_secret_basic" ? "b" : "p"}`);
    const apiKey = ctx.target.config.apiKey;
    if (method === "client_secret_basic") return clientSecretBasic(clientId, apiKey);
    if (method === "client_secret_post") return clientSecretPost(clientId, apiKey);
    return undefined;
  }
  const c = ctx.target.config.oauth?.clients.find((x) => x.authMethod === method);
  if (!c) return undefined;
  if (method === "none") return none(c.clientId);
  const secret = c.clientSecret ?? "";
  return method === "client_secret_basic"
    ? clientSecretBasic(c.clientId, secret)
    : clientSecretPost(c.clientId, secret);
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "registration",
    title:
      "The device authorization endpoint accepts each advertised client authentication (Basic alone, the body, a public client_id)",
    specRef: "RFC 8628 §3.1; RFC 6749 §2.3.1, §3.2.1",
    requires: ["device_code"],
  },
  async run(ctx) {
    const offered = offeredAuthMethods(ctx.target.metadata);
    const methods = METHODS.filter((m) => offered.includes(m));
    const usable = methods.filter((m) => clientFor(ctx, m) !== undefined);
    if (usable.length === 0) {
      ctx.skip(
        methods.length === 0
          ? `the target advertises none of ${METHODS.join(", ")} (token_endpoint_auth_methods_supported: ${offered.join(", ")})`
          : `no configured client uses ${methods.join(" or ")}, the methods the target advertises`,
      );
    }
    for (const m of methods.filter((x) => !usable.includes(x))) {
      ctx.note(`${m} is advertised but no configured client uses it: not exercised`);
    }
    const untested: string[] = [];
    for (const method of usable) {
      await ctx.case(method, async () => {
        const auth = clientFor(ctx, method)!;
        // The client_id comes from the authentication alone (Basic: the header only).
        const { client_id: _named, ...dtpForm } = baseForm(auth.clientId);
        const form =
          ctx.target.profile === "oauth" ? { scope: ctx.target.config.oauth?.scope } : dtpForm;
        const res = await sendRegistrationForm(ctx, form, {
          auth,
          label: `device authorization (${method}${method === "client_secret_basic" ? ", client_id in the header only" : ""})`,
        });
        const error = (res.body as { error?: unknown } | undefined)?.error;
        if (res.status === 401 || error === "invalid_client" || error === "unauthorized_client") {
          fail(
            ID,
            `the device authorization endpoint to accept ${method} as the token endpoint does (200)`,
            describe(res),
            res,
          );
        }
        if (res.status !== 200) {
          // Refused for another reason: nothing to judge about client authentication.
          untested.push(`${method}: ${describe(res)}`);
          ctx.note(
            `${method}: refused for another reason than client authentication (${describe(res)})`,
          );
          return;
        }
        const deviceCode = (res.body as { device_code?: unknown } | undefined)?.device_code;
        if (typeof deviceCode !== "string") {
          fail(ID, "a device authorization response with a device_code", describe(res), res);
        }
        ctx.http.addSecret(deviceCode, "device_code");
      });
    }
    if (untested.length === usable.length) {
      ctx.skip(`no device authorization request was judged: ${untested.join("; ")}`);
    }
  },
};
