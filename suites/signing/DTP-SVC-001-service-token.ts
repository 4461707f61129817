/**
 * DTP-SVC-001 (MUST, RFC 7523 §2.2; RFC 6749 §4.4; LoginID "API Service Tokens"):
 * "The server MUST accept `grant_type=client_credentials` with
 * `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and a
 * valid `client_assertion` from an approved device with `client_type=server` and an EC
 * P-256 key, answering 200 with a token response."
 *
 * DTP-SVC-002 (MUST, RFC 6749 §4.4.3; DTP):
 * "A service token response MUST have `token_type` `Bearer` and MUST NOT contain a
 * `refresh_token`; its access token MUST have `dtp_kind` `service` and `sub` and
 * `client_id` equal to the device's `client_id`."
 *
 * DTP-SVC-003 (MUST, RFC 6749 §3.3, §4.4.2):
 * "The `scope` of a service token request MUST be optional and default to `me service`; a
 * `scope` containing any other value MUST be rejected with 400 OAuth error
 * `invalid_scope`."
 *
 * DTP-SVC-002 (MUST, RFC 6749 §4.4.3): "A service token response MUST have `token_type`
 * `Bearer` and MUST NOT contain a `refresh_token`; its access token MUST have `dtp_kind`
 * `service` and `sub` and `client_id` equal to the device's `client_id`."
 * DTP-SVC-003 (MUST, RFC 6749 §3.3, §4.4.2): "The `scope` of a service token request MUST
 * be optional and default to `me service`; a `scope` containing any other value MUST be
 * rejected with 400 OAuth error `invalid_scope`."
 *
 * One `server` device with an EC P-256 key registered as an x509 certificate. Without a
 * scope: 200, Bearer, no refresh token, a service token for the device with scope
 * `me service`. Property: any non-empty subset of `me service` (any order, with or without
 * `client_id` in the form) is granted as asked; a scope with any other value (generated
 * names, near misses like `ME`, `login`, `tokens`) → 400 `invalid_scope`. The token's claims
 * come from the JWT (RFC 9068) or, for an opaque token, from introspection.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectJson, expectOAuthError, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  claimsOf,
  introspect,
  readTokens,
  type ServiceClient,
  sendAssertion,
} from "../../src/client/index.ts";
import { clientAuthFor, serviceClient } from "../../src/client/kit/index.ts";

const ID = "DTP-SVC-001";
const SVC_002 = "DTP-SVC-002";
const SVC_003 = "DTP-SVC-003";

const scopeSet = (s: unknown): string[] =>
  typeof s === "string" ? [...new Set(s.split(" ").filter((x) => x !== ""))].sort() : [];

/** The access token's claims: the JWT payload, or the introspection answer. */
async function tokenClaims(
  ctx: CheckContext,
  client: ServiceClient,
  token: string,
): Promise<Record<string, unknown>> {
  const jwt = claimsOf(token);
  if (jwt) return jwt;
  const res = await introspect(
    ctx,
    { clientId: client.clientId, auth: clientAuthFor(ctx.target, client.clientId) },
    token,
  );
  const body = expectJson(res, SVC_002);
  if (body.active !== true) {
    fail(SVC_002, "an opaque service token that introspects as active", JSON.stringify(body), res);
  }
  return body;
}

/** Verifies a successful service token response; returns the granted scope (sorted). */
async function expectServiceToken(
  ctx: CheckContext,
  client: ServiceClient,
  res: HttpResponse,
  requested: string[] | undefined,
): Promise<void> {
  const tokens = readTokens(ctx, res, ID);
  const body = res.body as Record<string, unknown>;
  if (tokens.tokenType.toLowerCase() !== "bearer") {
    fail(SVC_002, "token_type Bearer", `token_type ${JSON.stringify(tokens.tokenType)}`, res);
  }
  if ("refresh_token" in body) {
    fail(SVC_002, "no refresh_token in a service token response", "a refresh_token", res);
  }
  const claims = await tokenClaims(ctx, client, tokens.accessToken);
  for (const [claim, want] of [
    ["dtp_kind", "service"],
    ["sub", client.clientId],
    ["client_id", client.clientId],
  ] as const) {
    if (claims[claim] !== want) {
      fail(
        SVC_002,
        `the access token's ${claim} = ${JSON.stringify(want)}`,
        `${claim} = ${JSON.stringify(claims[claim])}`,
        res,
      );
    }
  }
  const want = requested ?? ["me", "service"];
  const what = requested
    ? `the requested scope "${requested.join(" ")}"`
    : 'the default scope "me service"';
  const granted = scopeSet(claims.scope);
  if (JSON.stringify(granted) !== JSON.stringify([...want].sort())) {
    fail(SVC_003, `${what} in the access token`, `scope ${JSON.stringify(claims.scope)}`, res);
  }
  if (
    body.scope !== undefined &&
    JSON.stringify(scopeSet(body.scope)) !== JSON.stringify(granted)
  ) {
    fail(SVC_003, `the response's scope to be ${what}`, `scope ${JSON.stringify(body.scope)}`, res);
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, SVC_002, SVC_003],
    level: "MUST",
    area: "signing",
    title:
      "client_credentials with a valid ES256 assertion → Bearer service token, no refresh token, scope me service by default; other scopes → invalid_scope",
    specRef: 'RFC 7523 §2.2; RFC 6749 §3.3, §4.4; LoginID "API Service Tokens"',
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const client = await serviceClient(ctx, { label: "svc001" });
    const res = await sendAssertion(ctx, client.assertion(), {
      label: "service token (no scope)",
    });
    await expectServiceToken(ctx, client, res, undefined);

    // Valid scopes: few distinct inputs, each run issues a token.
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom("me", "service"), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (scope, withClientId) => {
          const r = await sendAssertion(ctx, client.assertion(), {
            scope: scope.join(" "),
            ...(withClientId ? { clientId: client.clientId } : {}),
            label: `service token (scope "${scope.join(" ")}"${withClientId ? ", client_id" : ""})`,
          });
          await expectServiceToken(ctx, client, r, scope);
        },
      ),
      { ...ctx.fc, numRuns: Math.max(4, Math.ceil(ctx.fc.numRuns / 5)) },
    );

    const foreign = fc.oneof(
      fc.constantFrom("login", "tokens", "admin", "openid", "ME", "Service", "me:read", "services"),
      fc.stringMatching(/^[a-z][a-z0-9_:.-]{0,15}$/).filter((s) => s !== "me" && s !== "service"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom("me", "service"), { maxLength: 2 }),
        fc.uniqueArray(foreign, { minLength: 1, maxLength: 2 }),
        fc.nat(),
        async (valid, extra, shift) => {
          const all = [...valid, ...extra];
          const k = shift % all.length;
          const scope = [...all.slice(k), ...all.slice(0, k)].join(" ");
          const r = await sendAssertion(ctx, client.assertion(), {
            scope,
            label: `service token (scope "${scope}")`,
          });
          expectOAuthError(r, { status: 400, error: "invalid_scope" }, SVC_003);
        },
      ),
      {
        ...ctx.fc,
        examples: [
          [[], ["login"], 0],
          [["me"], ["tokens"], 0],
          [["me", "service"], ["ME"], 0],
        ],
      },
    );
  },
};
