/**
 * DTP-REV-063 (MUST, RFC 7009 §2.1; RFC 7662 §2.1; RFC 6749 §2.3.1; RFC 8414 §2):
 * "The revocation endpoint, and an introspection endpoint that authenticates clients, MUST
 * accept client authentication by each method its metadata lists
 * (`revocation_endpoint_auth_methods_supported`, `client_secret_basic` when omitted;
 * `introspection_endpoint_auth_methods_supported`) from a client registered for that
 * method, HTTP Basic with the `client_id` in the `Authorization` header alone included."
 *
 * DTP-REV-063 (MUST, RFC 7009 §2.1; RFC 7662 §2.1; RFC 6749 §2.3.1; RFC 8414 §2):
 * (quoted from the catalogue by npm run gen:headers)
 *
 * One case per endpoint and per client authentication method its metadata lists
 * (`revocation_endpoint_auth_methods_supported`, `client_secret_basic` when omitted — nothing,
 * when the token endpoint offers no Basic client either;
 * `introspection_endpoint_auth_methods_supported`, the token endpoint's methods when
 * omitted) among `client_secret_basic`, `client_secret_post`, `none` and `private_key_jwt`,
 * with a client that may use it: on a DTP target a fresh client_id with the API key (and a
 * registered `server` device for private_key_jwt); under the OAuth profile the first
 * configured client registered with that method. Each revokes, or introspects, a random
 * token, authenticated that way only (HTTP Basic: the `client_id` in the `Authorization`
 * header alone). The answer must be 200 (RFC 7009 §2.2 and RFC 7662 §2.2 answer an unknown
 * token so); a client-authentication refusal (401, `invalid_client`, `unauthorized_client`)
 * fails. Another refusal says nothing about client authentication and is noted; a method
 * advertised but used by no configured client is noted, not exercised.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import {
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
  none,
  privateKeyJwt,
} from "../../src/client/auth.ts";
import { sendAs } from "../../src/client/index.ts";
import {
  type AuthEndpoint,
  endpointAuthMethods,
  oauthAssertionClient,
  offeredAuthMethods,
  otherAuthEndpoints,
  serviceClient,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";

const ID = "DTP-REV-063";

const METHODS = ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"] as const;
type Method = (typeof METHODS)[number];

/** The client that uses `method`, or undefined when the kit has none for it. */
async function clientFor(ctx: CheckContext, method: Method): Promise<ClientAuth | undefined> {
  if (ctx.target.profile !== "oauth") {
    // DTP: every device authenticates with the API key; assertions come from server devices.
    const apiKey = ctx.target.config.apiKey;
    if (method === "client_secret_basic")
      return clientSecretBasic(ctx.clientId("rev063-b"), apiKey);
    if (method === "client_secret_post") return clientSecretPost(ctx.clientId("rev063-p"), apiKey);
    if (method === "private_key_jwt" && ctx.target.features.has("admin")) {
      const svc = await serviceClient(ctx, { label: "rev063-svc" });
      return privateKeyJwt(svc.clientId, svc.key.privateKey);
    }
    return undefined;
  }
  if (method === "private_key_jwt") {
    const a = oauthAssertionClient(ctx.target);
    return a ? privateKeyJwt(a.clientId, a.key.privateKey) : undefined;
  }
  const c = ctx.target.config.oauth?.clients.find((x) => x.authMethod === method);
  if (!c) return undefined;
  if (method === "none") return none(c.clientId);
  const secret = c.clientSecret ?? "";
  return method === "client_secret_basic"
    ? clientSecretBasic(c.clientId, secret)
    : clientSecretPost(c.clientId, secret);
}

const WHAT: Record<
  Exclude<AuthEndpoint, "token">,
  { member: "revocation_endpoint" | "introspection_endpoint"; verb: string }
> = {
  revocation: { member: "revocation_endpoint", verb: "revoke" },
  introspection: { member: "introspection_endpoint", verb: "introspect" },
};

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "revocation",
    title:
      "The revocation and introspection endpoints accept each client authentication their metadata advertises",
    specRef: "RFC 7009 §2.1; RFC 7662 §2.1; RFC 6749 §2.3.1; RFC 8414 §2",
    requires: [],
  },
  async run(ctx) {
    const endpoints = otherAuthEndpoints(ctx.target.metadata);
    if (endpoints.length === 0) {
      ctx.notClaimed("the target metadata names no revocation_endpoint or introspection_endpoint");
    }
    let exercised = 0;
    let judged = 0;
    let failed = 0;
    let unclaimed = 0;
    const m = ctx.target.metadata;
    for (const endpoint of endpoints) {
      const offered = endpointAuthMethods(m, endpoint);
      if (
        endpoint === "revocation" &&
        !Array.isArray(m.revocation_endpoint_auth_methods_supported) &&
        !offeredAuthMethods(m).includes("client_secret_basic")
      ) {
        // RFC 8414 §2's default, client_secret_basic, for a server whose token endpoint takes
        // no Basic client: no client can have that method, so the default claims nothing.
        unclaimed++;
        ctx.note(
          "revocation: no revocation_endpoint_auth_methods_supported (RFC 8414 default client_secret_basic), and the token endpoint offers no client_secret_basic: nothing advertised to exercise",
        );
        continue;
      }
      for (const method of METHODS.filter((m) => offered.includes(m))) {
        const auth = await clientFor(ctx, method);
        if (!auth) {
          ctx.note(
            `${endpoint}: ${method} is advertised but the kit has no client using it: not exercised`,
          );
          continue;
        }
        exercised++;
        const { member, verb } = WHAT[endpoint];
        const label = `${verb} a random token (${method}${method === "client_secret_basic" ? ", client_id in the header only" : ""})`;
        await ctx.case(`${endpoint}: ${method}`, async () => {
          const res = await sendAs(
            ctx,
            { clientId: auth.clientId, auth },
            member,
            { token: randomToken() },
            label,
          );
          const error = (res.body as { error?: unknown } | undefined)?.error;
          if (res.status === 401 || error === "invalid_client" || error === "unauthorized_client") {
            failed++;
            fail(
              ID,
              `the ${endpoint} endpoint to accept ${method}, which its metadata advertises (200 for an unknown token)`,
              describe(res),
              res,
            );
          }
          if (res.status !== 200) {
            ctx.note(
              `${endpoint} ${method}: refused for another reason than client authentication (${describe(res)})`,
            );
            return;
          }
          judged++;
        });
      }
    }
    if (exercised === 0 && unclaimed === endpoints.length) {
      ctx.notClaimed(
        "the revocation endpoint advertises no method (RFC 8414's default client_secret_basic) that the token endpoint offers, and there is no introspection endpoint",
      );
    }
    if (exercised === 0) {
      ctx.skip(
        `the kit has no client using a method the ${endpoints.join(" and ")} endpoint${endpoints.length > 1 ? "s advertise" : " advertises"} (${endpoints.map((e) => `${e}: ${endpointAuthMethods(ctx.target.metadata, e).join(", ")}`).join("; ")})`,
      );
    }
    if (judged === 0 && failed === 0) {
      ctx.skip("no request was answered in a way that judges client authentication");
    }
  },
};
