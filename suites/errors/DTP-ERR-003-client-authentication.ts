/**
 * DTP-ERR-003 (MUST, RFC 6749 §5.2):
 * "A request whose client authentication fails (unknown client, wrong secret, no client
 * authentication where the client must authenticate, or a method the client may not use)
 * MUST be answered with OAuth error `invalid_client`; when the client authenticated with
 * the `Authorization` header, the answer MUST be 401 with a `WWW-Authenticate` challenge of
 * the scheme the client used."
 *
 * DTP-ERR-004 (MUST, RFC 6749 §2.3):
 * "A request that uses more than one client authentication method (e.g. HTTP Basic and a
 * `client_secret` form parameter) MUST be answered 400 OAuth error `invalid_request`."
 *
 * DTP-ERR-017 (MUST, RFC 6749 §10.10; DTP):
 * "A server MUST limit failed client authentications with the API key per `client_id` and
 * source (the client's network address): once
 * `dtp_limits.failed_attempts.client_secret.max` of them have failed within its `window`,
 * every further client authentication for that `client_id` from that source, with a wrong
 * or the right key, MUST be answered 429 OAuth error `temporarily_unavailable` with a
 * `Retry-After` header until the window ends (instead of the `invalid_client` of
 * DTP-ERR-003 and DTP-ERR-050); the same key MUST NOT be refused for another `client_id`,
 * or from another source, because of them."
 *
 * DTP-ERR-050 (MUST, DTP; RFC 6749 §5.2):
 * "A DTP server MUST answer every failed client authentication 401 `invalid_client`, also
 * when the client authenticated in the request body or not at all."
 *
 * DTP-ERR-051 (MUST, DTP; RFC 6749 §5.2):
 * "A DTP server's challenge for a failed HTTP Basic client authentication MUST be
 * `WWW-Authenticate: Basic realm="dtp"`."
 *
 * Property: a valid, harmless request to `/register`, `/token`, `/revoke` or `/introspect`
 * with its client authentication replaced by a generated mistake: a wrong API key (HTTP
 * Basic or form), no credentials, a malformed Basic header → `invalid_client`: 401 with a
 * Basic challenge when Basic was used (at a DTP target `Basic realm="dtp"`, DTP-ERR-051),
 * otherwise 400 or 401 as RFC 6749 §5.2 allows (a DTP target: 401, DTP-ERR-050); or two
 * methods at once (Basic + `client_secret`, right or wrong; Basic + `client_assertion` at
 * the token endpoint, which supports private_key_jwt, with the client_credentials or the
 * refresh_token grant) → 400 `invalid_request`. Each wrong key is sent for a `client_id` of
 * its own (a server limits failures per `client_id`, DTP-ERR-017).
 *
 * Wrong actor (at the token endpoint): real credentials that are not the client's secret
 * presented as it in HTTP Basic: another configured client's secret (OAuth profile), the
 * device's own access token, the admin key (DTP) → 401 `invalid_client`.
 *
 * DTP-ERR-017 (MUST, RFC 6749 §10.10; DTP):
 * "A server MUST limit failed client authentications with the API key per `client_id` and
 * source (the client's network address): once
 * `dtp_limits.failed_attempts.client_secret.max` of them have failed within its `window`,
 * every further client authentication for that `client_id` from that source, with a wrong
 * or the right key, MUST be answered 429 OAuth error `temporarily_unavailable` with a
 * `Retry-After` header until the window ends (instead of the `invalid_client` of
 * DTP-ERR-003 and DTP-ERR-050); the same key MUST NOT be refused for another `client_id`,
 * or from another source, because of them."
 *
 * Then, for a DTP target: `max` wrong keys for a fresh `client_id` A (401 each), one more
 * (429 `temporarily_unavailable`, `Retry-After` within the window), the right key for A
 * (429), the right key for a fresh `client_id` B (accepted). The kit has one source, so
 * "from another source" is left to the server's own tests.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  anonymous,
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
  declaredFailureLimit,
} from "../../src/client/index.ts";
import { oauthClientPool, onlyPublicClients } from "../../src/client/kit/auth.ts";
import {
  clientSecret,
  harmlessRequest,
  type OAuthOperation,
  oauthOperations,
  type ProbeSession,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { type Challenge, parseChallenges } from "../../src/protocol/www-authenticate.ts";
import { describeShort, expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-003";
const ERR004 = "DTP-ERR-004";
const ERR017 = "DTP-ERR-017";
const ERR050 = "DTP-ERR-050";
const ERR051 = "DTP-ERR-051";

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
    requirements: [ID, ERR004, ERR017, ERR050, ERR051],
    level: "MUST",
    area: "errors",
    title:
      "Failed client authentication: 401 invalid_client; two methods at once: 400 invalid_request",
    specRef: "RFC 6749 §5.2, §2.3",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    if (onlyPublicClients(ctx.target)) {
      ctx.notClaimed(
        "the target's clients are public (token_endpoint_auth_methods_supported offers no secret method the config has): a client_id alone is their authentication, there is none to get wrong",
      );
    }
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
      let params = [...req.params];
      const headers: Record<string, string> = {};
      const right = clientSecret(ctx.target, req.clientId);
      let auth: ClientAuth = anonymous();
      let basic = false;
      // A wrong key goes with a client_id of its own (failures are limited per client_id).
      const own = () => {
        const id = ctx.clientId("err3-key");
        params = [...params.filter(([k]) => k !== "client_id"), ["client_id", id]];
        return id;
      };
      switch (m.kind) {
        case "wrong key (Basic)":
          auth = clientSecretBasic(own(), m.key);
          basic = true;
          break;
        case "wrong key (form)":
          auth = clientSecretPost(own(), m.key);
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
      if (!basic) {
        // Without the Authorization header RFC 6749 §5.2 allows 400 or 401; DTP says 401.
        expectOAuthErrorFormat(res, ID, { status: [400, 401], error: "invalid_client" });
        if (ctx.target.features.has("dtp") && res.status !== 401)
          fail(ERR050, `401 invalid_client (${m.kind})`, describeShort(res), res);
        return;
      }
      expectOAuthErrorFormat(res, ID, { status: 401, error: "invalid_client" });
      expectBasicChallenge(res, ctx.target.features.has("dtp"));
    };
    // Every kind of mistake at every endpoint is a case, then generated ones.
    for (const [op, m] of examples) {
      const grant = m.kind === "Basic + client_assertion" ? ` (grant_type ${m.grant})` : "";
      await ctx.case(`${op}: ${m.kind}${grant}`, () => judgeMistake(op, m));
    }
    // Wrong actor: a real credential of another client, or of another kind, as the secret.
    const op: OAuthOperation = ops.includes("token") ? "token" : ops[0]!;
    for (const w of realWrongSecrets(ctx, session, apiKey)) {
      await ctx.wrongActor(ID, `${op}: ${w.label} as the client secret (Basic)`, async () => {
        const req = harmlessRequest(ctx, session, op);
        const dtp = ctx.target.features.has("dtp");
        // Under DTP every client_id shares the API key: a fresh one keeps DTP-ERR-017's
        // per-client_id failure count away from the session's client.
        const clientId = dtp ? ctx.clientId("err3-actor") : req.clientId;
        const res = await sendProbe(ctx, req, {
          params: [...req.params.filter(([k]) => k !== "client_id"), ["client_id", clientId]],
          auth: clientSecretBasic(clientId, w.secret),
          label: `${op} with ${w.label} as ${clientId}'s secret`,
        });
        expectOAuthErrorFormat(res, ID, { status: 401, error: "invalid_client" });
      });
    }
    await ctx.property(
      "client authentication mistakes",
      fc.asyncProperty(fc.constantFrom(...ops), mistake, judgeMistake),
    );
    await checkFailureLimit(ctx, session, ops);
  },
};

/**
 * Real credentials that are not the client's secret: another configured client's secret
 * (OAuth profile), the device's own access token, the admin key (DTP).
 */
function realWrongSecrets(
  ctx: CheckContext,
  session: ProbeSession,
  apiKey: string,
): { label: string; secret: string }[] {
  const out: { label: string; secret: string }[] = [];
  if (ctx.target.profile === "oauth") {
    const other = oauthClientPool(ctx.target).find(
      (c) =>
        c.clientSecret !== undefined &&
        c.clientId !== session.device.clientId &&
        c.clientSecret !== apiKey,
    );
    if (other?.clientSecret)
      out.push({
        label: `another client's secret (${other.clientId})`,
        secret: other.clientSecret,
      });
    else ctx.note("one secret client configured: another client's secret is not presented");
  }
  const access = session.deviceTokens?.tokens.accessToken;
  if (access && access !== apiKey) out.push({ label: "the device's access token", secret: access });
  const admin = ctx.target.config.admin?.token;
  if (ctx.target.features.has("dtp") && admin && admin !== apiKey)
    out.push({ label: "the admin key", secret: admin });
  return out;
}

/**
 * The client used HTTP Basic: a challenge of that scheme (DTP-ERR-003, any realm: RFC 7617
 * §2 lets the server name its own), and at a DTP target `Basic realm="dtp"` (DTP-ERR-051).
 */
function expectBasicChallenge(res: HttpResponse, dtp: boolean): void {
  const header = res.headers["www-authenticate"];
  const actual =
    header === undefined ? "no WWW-Authenticate header" : `WWW-Authenticate: ${header}`;
  let challenges: Challenge[] = [];
  try {
    challenges = header === undefined ? [] : parseChallenges(header);
  } catch (err) {
    fail(
      ID,
      "a WWW-Authenticate challenge of the Basic scheme (the client used HTTP Basic)",
      `${actual} (${(err as Error).message})`,
      res,
    );
  }
  const basic = challenges.filter((c) => c.scheme.toLowerCase() === "basic");
  if (basic.length === 0)
    fail(
      ID,
      "a WWW-Authenticate challenge of the Basic scheme (the client used HTTP Basic)",
      actual,
      res,
    );
  if (dtp && !basic.some((c) => c.params.realm === "dtp"))
    fail(ERR051, 'WWW-Authenticate: Basic realm="dtp" (the client used HTTP Basic)', actual, res);
}

/** DTP-ERR-017 (see the comment at the top). */
async function checkFailureLimit(
  ctx: CheckContext,
  session: ProbeSession,
  ops: OAuthOperation[],
): Promise<void> {
  if (!ctx.target.features.has("dtp")) {
    ctx.note(
      `${ERR017} not tested: failed-attempt limits are DTP's (the target is not a DTP server)`,
    );
    return;
  }
  const metadata = ctx.target.metadata;
  const limit = declaredFailureLimit(ctx.target, "client_secret");
  if (!limit)
    fail(
      ERR017,
      '"dtp_limits.failed_attempts.client_secret" in the metadata (DTP-DISC-016): the limit applied',
      `"dtp_limits": ${JSON.stringify(metadata.dtp_limits) ?? "absent"}`,
    );
  const op = ops.includes("revokeToken") ? "revokeToken" : ops[0]!;
  const send = (clientId: string, key: string, what: string) => {
    const req = harmlessRequest(ctx, session, op);
    return sendProbe(ctx, req, {
      params: [...req.params.filter(([k]) => k !== "client_id"), ["client_id", clientId]],
      auth: clientSecretBasic(clientId, key),
      label: `${op}: ${what}`,
    });
  };
  const expectRefused = (res: Awaited<ReturnType<typeof send>>, what: string) => {
    expectOAuthErrorFormat(res, ERR017, { status: 429, error: "temporarily_unavailable" });
    const wait = Number(res.headers["retry-after"]);
    if (!Number.isInteger(wait) || wait < 1 || wait > limit.window)
      fail(
        ERR017,
        `${what}: Retry-After in seconds, at most the window (${limit.window})`,
        `Retry-After: ${res.headers["retry-after"] ?? "absent"}`,
        res,
      );
  };
  const a = ctx.clientId("err17-a");
  const key = (id: string) => clientSecret(ctx.target, id);
  for (let i = 1; i <= limit.max; i++) {
    const res = await send(a, `dtp-kit-wrong-${i}`, `wrong key #${i} of ${limit.max} for ${a}`);
    expectOAuthErrorFormat(res, ERR017, { status: 401, error: "invalid_client" });
  }
  expectRefused(
    await send(a, "dtp-kit-wrong-again", `wrong key #${limit.max + 1} for ${a}`),
    `wrong key #${limit.max + 1}`,
  );
  expectRefused(await send(a, key(a), `the right key for ${a}, past the limit`), "the right key");
  const b = ctx.clientId("err17-b");
  const other = await send(b, key(b), `the right key for another client_id ${b}`);
  if (other.status === 429 || other.status === 401)
    fail(
      ERR017,
      `the right key accepted for another client_id (${b})`,
      `status ${other.status}: ${JSON.stringify(other.body).slice(0, 200)}`,
      other,
    );
}
