/**
 * DTP-ERR-054 (MUST, RFC 6749 §5.2):
 * "A token request by an authenticated client with a grant type that client is not allowed
 * to use MUST be answered 400 OAuth error `unauthorized_client`."
 *
 * A complete `grant_type=client_credentials` request (no scope, nothing else a grant could
 * find wrong) by a client that authenticates correctly but is a device-flow client:
 *
 * - DTP target: a device (approved when approval is configured) with the API key, by HTTP
 *   Basic and in the body; DTP gives client_credentials only to `server` devices that
 *   authenticate with a client assertion (DTP-SVC-001), so the answer must be 400
 *   `unauthorized_client`.
 * - OAuth profile: the first configured client of each secret method the metadata offers
 *   (client_secret_basic, client_secret_post; public clients do not authenticate). The kit
 *   cannot know which grants the server lets such a client use: tokens (the client may use
 *   client_credentials) or `invalid_scope` (RFC 6749 §3.3: no default scope for it) leave
 *   the case unjudged and noted; any other answer must be 400 `unauthorized_client`
 *   (`invalid_grant`, `invalid_request` or `invalid_client` name another mistake than the
 *   one made). The check SKIPs when no case was judged.
 *
 * Not claimed when the metadata's `grant_types_supported` lacks client_credentials: there is
 * then no grant the kit knows its clients could be refused.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { type ClientAuth, clientSecretBasic, clientSecretPost } from "../../src/client/auth.ts";
import { endpointOf } from "../../src/client/index.ts";
import {
  approvedDevice,
  clientAuthFor,
  clientSecret,
  oauthClientPool,
  registeredDevice,
} from "../../src/client/kit/index.ts";
import { describeShort, expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-054";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title: "A grant type the authenticated client may not use: 400 unauthorized_client",
    specRef: "RFC 6749 §5.2",
    requires: ["device_code"],
  },
  async run(ctx) {
    const grants = ctx.target.metadata.grant_types_supported;
    if (!Array.isArray(grants) || !grants.includes("client_credentials")) {
      ctx.notClaimed(
        "grant_types_supported does not offer client_credentials: the kit knows no grant type the server would refuse its device clients",
      );
    }
    const dtp = ctx.target.features.has("dtp");
    const clients = dtp ? await dtpClients(ctx) : oauthClients(ctx);
    if (clients.length === 0) {
      ctx.skip(
        "no configured client authenticates with a secret the target offers (client_secret_basic or client_secret_post): a public client is not an authenticated client",
      );
    }
    let judged = 0;
    for (const { auth, what } of clients) {
      const label = `client_credentials by ${what}`;
      await ctx.case(label, async () => {
        const res = await ctx.http.request({
          method: "POST",
          url: endpointOf(ctx.target, "token_endpoint")!,
          ...withAuth(ctx, auth, { grant_type: "client_credentials" }),
          label,
        });
        const error = (res.body as { error?: unknown } | undefined)?.error;
        if (!dtp && (res.status === 200 || error === "invalid_scope")) {
          ctx.note(
            `${label}: ${res.status === 200 ? "tokens issued (the client may use client_credentials)" : "invalid_scope (the scope was judged first)"}; nothing for ${ID} to judge`,
          );
          return;
        }
        judged++;
        if (res.status === 200)
          fail(
            ID,
            `400 unauthorized_client: DTP gives client_credentials only to server devices with a client assertion (${what})`,
            describeShort(res),
            res,
          );
        expectOAuthErrorFormat(res, ID, { status: 400, error: "unauthorized_client" });
      });
    }
    if (judged === 0 && !dtp)
      ctx.skip(
        "every client the kit has may use client_credentials (or the scope was refused first): no refusal for an unauthorized grant type to judge",
      );
  },
};

/** A DTP device authenticated with the API key, by HTTP Basic and in the body. */
async function dtpClients(ctx: CheckContext): Promise<{ auth: ClientAuth; what: string }[]> {
  const opts = { register: { label: "register (a device-flow client)" } };
  const { device } = ctx.target.features.has("admin")
    ? await approvedDevice(ctx, opts)
    : await registeredDevice(ctx, opts);
  const key = clientSecret(ctx.target, device.clientId);
  return [
    { auth: clientSecretBasic(device.clientId, key), what: "a device with the API key (Basic)" },
    { auth: clientSecretPost(device.clientId, key), what: "a device with the API key (body)" },
  ];
}

/** The first configured client of each secret method the target offers. */
function oauthClients(ctx: CheckContext): { auth: ClientAuth; what: string }[] {
  const out: { auth: ClientAuth; what: string }[] = [];
  for (const method of ["client_secret_basic", "client_secret_post"] as const) {
    const client = oauthClientPool(ctx.target).find((c) => c.authMethod === method);
    if (client)
      out.push({
        auth: clientAuthFor(ctx.target, client.clientId),
        what: `${client.clientId} (${method})`,
      });
  }
  return out;
}

/** The request's headers and form body with the client's authentication applied. */
function withAuth(
  ctx: CheckContext,
  auth: ClientAuth,
  params: Record<string, string>,
): { headers: Record<string, string>; form: Record<string, string | undefined> } {
  const headers: Record<string, string> = {};
  const form: Record<string, string | undefined> = { ...params };
  auth.apply({ headers, form }, ctx.target, Math.floor(ctx.clock.now() / 1000));
  return { headers, form };
}
