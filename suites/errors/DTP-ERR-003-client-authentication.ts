/**
 * DTP-ERR-003 (MUST, RFC 6749 §5.2):
 * "A failed client authentication MUST be answered 401 OAuth error `invalid_client`, with
 * `WWW-Authenticate: Basic realm="dtp"` when the client used HTTP Basic."
 *
 * DTP-ERR-004 (MUST, RFC 6749 §2.3):
 * "A request that uses more than one client authentication method (e.g. HTTP Basic and a
 * `client_secret` form parameter) MUST be answered 400 OAuth error `invalid_request`."
 *
 * Property: a valid, harmless request to `/register`, `/token`, `/revoke` or `/introspect`
 * with its client authentication replaced by a generated mistake: a wrong API key (HTTP
 * Basic or form), no credentials, a malformed Basic header → 401 `invalid_client` (with
 * `WWW-Authenticate: Basic realm="dtp"` when Basic was used); or two methods at once
 * (Basic + `client_secret`, right or wrong; Basic + `client_assertion` at the token
 * endpoint, which supports private_key_jwt, with the client_credentials or the
 * refresh_token grant) → 400 `invalid_request`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import {
  anonymous,
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
} from "../../src/client/index.ts";
import {
  clientSecret,
  harmlessRequest,
  type OAuthOperation,
  oauthOperations,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { parseChallenges } from "../../src/protocol/www-authenticate.ts";
import { expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-003";
const ERR004 = "DTP-ERR-004";

const SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

type Mistake =
  | { kind: "wrong key (Basic)"; key: string }
  | { kind: "wrong key (form)"; key: string }
  | { kind: "no credentials" }
  | { kind: "malformed Basic"; header: string }
  | { kind: "Basic + client_secret"; right: boolean; key: string }
  | { kind: "Basic + client_assertion"; grant: "client_credentials" | "refresh_token" };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR004],
    level: "MUST",
    area: "errors",
    title:
      "Failed client authentication: 401 invalid_client; two methods at once: 400 invalid_request",
    specRef: "RFC 6749 §5.2, §2.3",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const ops = oauthOperations(ctx, session).filter((op) => op !== "login");
    const apiKey = clientSecret(ctx.target, session.device.clientId);
    const wrongKey = fc
      .string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 1, maxLength: 48 })
      .filter((k) => k !== apiKey);
    const mistake: fc.Arbitrary<Mistake> = fc.oneof(
      wrongKey.map((key) => ({ kind: "wrong key (Basic)" as const, key })),
      wrongKey.map((key) => ({ kind: "wrong key (form)" as const, key })),
      fc.constant({ kind: "no credentials" as const }),
      fc
        .oneof(
          fc.constant("Basic"),
          fc.constant("Basic !!!"),
          fc.base64String({ minLength: 4, maxLength: 40 }).map((b) => `Basic ${b}`),
          fc
            .string({ unit: fc.constantFrom(...SECRET_CHARS), maxLength: 20 })
            .map((s) => `Basic ${Buffer.from(s).toString("base64")}`),
        )
        .filter((h) => !Buffer.from(h.slice(6), "base64").toString("latin1").includes(":"))
        .map((header) => ({ kind: "malformed Basic" as const, header })),
      fc.oneof(fc.constant(apiKey), wrongKey).map((key) => ({
        kind: "Basic + client_secret" as const,
        right: key === apiKey,
        key,
      })),
      fc
        .constantFrom("client_credentials" as const, "refresh_token" as const)
        .map((grant) => ({ kind: "Basic + client_assertion" as const, grant })),
    );
    // Every kind of mistake at every endpoint once, then generated ones.
    const someKey = fc.sample(wrongKey, { seed: ctx.fc.seed, numRuns: 1 })[0]!;
    const kinds: Mistake[] = [
      { kind: "wrong key (Basic)", key: someKey },
      { kind: "wrong key (form)", key: someKey },
      { kind: "no credentials" },
      { kind: "malformed Basic", header: "Basic !!!" },
      { kind: "Basic + client_secret", right: true, key: apiKey },
      { kind: "Basic + client_assertion", grant: "client_credentials" },
      { kind: "Basic + client_assertion", grant: "refresh_token" },
    ];
    const examples = ops.flatMap((op) =>
      kinds
        .filter((k) => k.kind !== "Basic + client_assertion" || op === "token")
        .map((k) => [op, k] as [OAuthOperation, Mistake]),
    );
    // The mistakes are in the client authentication itself: each method is named on purpose.
    const judgeMistake = async (op: OAuthOperation, m: Mistake) => {
      if (m.kind === "Basic + client_assertion" && op !== "token") return;
      const req = harmlessRequest(ctx, session, op);
      const params = [...req.params];
      const headers: Record<string, string> = {};
      const right = clientSecret(ctx.target, req.clientId);
      let auth: ClientAuth = anonymous();
      let basic = false;
      switch (m.kind) {
        case "wrong key (Basic)":
          auth = clientSecretBasic(req.clientId, m.key);
          basic = true;
          break;
        case "wrong key (form)":
          auth = clientSecretPost(req.clientId, m.key);
          break;
        case "no credentials":
          break;
        case "malformed Basic":
          headers.authorization = m.header;
          basic = true;
          break;
        case "Basic + client_secret":
          auth = clientSecretBasic(req.clientId, right);
          params.push(["client_secret", m.right ? right : m.key]);
          break;
        case "Basic + client_assertion":
          auth = clientSecretBasic(req.clientId, right);
          if (m.grant === "client_credentials")
            params.splice(0, params.length, ["grant_type", "client_credentials"]);
          params.push(
            ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
            ["client_assertion", `eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.${randomToken(64)}`],
          );
          break;
      }
      const res = await sendProbe(ctx, req, {
        params,
        auth,
        headers,
        label: `${op} with ${m.kind}${m.kind === "Basic + client_assertion" ? ` (grant_type ${m.grant})` : ""}`,
      });
      if (m.kind === "Basic + client_secret" || m.kind === "Basic + client_assertion") {
        expectOAuthErrorFormat(res, ERR004, { status: 400, error: "invalid_request" });
        return;
      }
      if (m.kind === "malformed Basic" && !ctx.target.features.has("dtp") && res.status === 400) {
        // Outside DTP: a malformed Authorization header is also "otherwise malformed"
        // (RFC 6749 §5.2 invalid_request); DTP chose invalid_client.
        expectOAuthErrorFormat(res, ID, { status: 400, error: "invalid_request" });
        return;
      }
      expectOAuthErrorFormat(res, ID, { status: 401, error: "invalid_client" });
      // The realm value is DTP's; a plain OAuth server names its own (RFC 7617 §2).
      if (basic && ctx.target.features.has("dtp")) {
        const header = res.headers["www-authenticate"];
        const ok =
          header !== undefined &&
          (() => {
            try {
              return parseChallenges(header).some(
                (c) => c.scheme.toLowerCase() === "basic" && c.params.realm === "dtp",
              );
            } catch {
              return false;
            }
          })();
        if (!ok) {
          fail(
            ID,
            'WWW-Authenticate: Basic realm="dtp" (the client used HTTP Basic)',
            header === undefined ? "no WWW-Authenticate header" : `WWW-Authenticate: ${header}`,
            res,
          );
        }
      }
    };
    // Every kind of mistake at every endpoint is a case, then generated ones.
    for (const [op, m] of examples) {
      const grant = m.kind === "Basic + client_assertion" ? ` (grant_type ${m.grant})` : "";
      await ctx.case(`${op}: ${m.kind}${grant}`, () => judgeMistake(op, m));
    }
    await ctx.property(
      "client authentication mistakes",
      fc.asyncProperty(fc.constantFrom(...ops), mistake, judgeMistake),
    );
  },
};
