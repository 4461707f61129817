/**
 * DTP-REV-009 (MUST, RFC 7662 §2.1, §2.3, §4; RFC 6749 §5.2):
 * "`POST /introspect` MUST require the caller's authorization: a request without
 * credentials MUST NOT be answered with introspection data; where the endpoint
 * authenticates clients, a request without client authentication MUST be answered with
 * OAuth error `invalid_client`, and one with invalid client credentials 401
 * `invalid_client`."
 *
 * DTP-REV-059 (MUST, DTP; RFC 6750 §3.1):
 * "A DTP introspection endpoint MUST also accept the admin bearer, and MUST answer a wrong
 * admin bearer 401 `invalid_token`."
 *
 * DTP-REV-061 (MUST, DTP; RFC 7662 §2.1):
 * "At the introspection endpoint an unsupported `token_type_hint` value MUST be ignored,
 * not answered with an error."
 *
 * DTP-REV-062 (MUST, RFC 7662 §2.3; RFC 6750 §3):
 * "Where the introspection endpoint authorizes callers with a bearer access token, a call
 * whose token is invalid or lacks the privileges to introspect MUST be answered 401 as a
 * protected resource answers it (a `WWW-Authenticate: Bearer` challenge, DTP-RES-005)."
 *
 * Property: generated wrong admin bearers (401 `invalid_token`); and requests without
 * credentials, with or without a `client_id` in the form (401 `invalid_client`). The token
 * asked about is a random string (the answer must not depend on it). The admin bearer is
 * DTP's: outside DTP only requests without credentials are sent. Wrong admin bearers count
 * against the source's limit (DTP-APR-014) that the whole run shares: at most a quarter of
 * the declared `dtp_limits.failed_attempts.admin_key.max` are sent.
 *
 * A wrong admin bearer must get a Bearer challenge (DTP-REV-062) and `invalid_token`
 * (DTP-REV-059); the configured admin bearer introspects a random token (`{"active":
 * false}`, DTP-REV-059) and, with unsupported hints (`id_token`, `device_code`, …), the
 * same random token and (with approval configured) a device's active access token: the
 * hint changes nothing (DTP-REV-061). Outside DTP, when the endpoint takes a client's own
 * access token as a bearer credential (tried once, with approval configured), the same
 * token with one character changed must get a 401 Bearer challenge (DTP-REV-062); an
 * endpoint that does not take bearer tokens is noted, nothing to judge.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectOAuthError, expectWwwAuthenticate } from "../../src/check/expect.ts";
import { expectActive, expectInactive } from "../../src/check/expect-oauth.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  anonymous,
  failureBudget,
  none as publicClient,
  requireValid,
  sendAs,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";

const ID = "DTP-REV-009";

type Caller = { kind: "none"; clientId: boolean } | { kind: "wrong-admin"; bearer: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REV-059", "DTP-REV-061", "DTP-REV-062"],
    level: "MUST",
    area: "revocation",
    title:
      "/introspect without credentials is invalid_client; a wrong bearer gets a Bearer challenge; the admin bearer works, whatever the hint",
    specRef: "RFC 7662 §2.1, §2.3",
    requires: ["introspection"],
    property: true,
  },
  async run(ctx) {
    const admin = ctx.target.config.admin?.token;
    const none = fc.record({ kind: fc.constant("none" as const), clientId: fc.boolean() });
    const caller: fc.Arbitrary<Caller> = !ctx.target.features.has("dtp")
      ? none
      : fc.oneof(
          none,
          fc.record({
            kind: fc.constant("wrong-admin" as const),
            bearer: fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,64}$/).filter((s) => s !== admin),
          }),
        );
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/);
    const budget = failureBudget(ctx.target, "admin_key");
    let guesses = 0;
    await ctx.property(
      "introspection without credentials or with a wrong admin bearer",
      fc.asyncProperty(caller, token, async (c, t) => {
        if (c.kind === "wrong-admin" && ++guesses > budget) {
          if (guesses === budget + 1)
            ctx.note(`wrong admin bearers capped at ${budget} (a quarter of the declared limit)`);
          return;
        }
        // No client authentication at all: a client_id alone, or nothing.
        const id = ctx.clientId("nocreds");
        const client = {
          clientId: id,
          auth: c.kind === "none" && c.clientId ? publicClient(id) : anonymous(),
        };
        const res = await sendAs(
          ctx,
          client,
          "introspection_endpoint",
          { token: t },
          c.kind === "none" ? "introspect without credentials" : "introspect, wrong admin bearer",
          c.kind === "wrong-admin" ? { headers: { authorization: `Bearer ${c.bearer}` } } : {},
        );
        if (c.kind === "none") {
          expectOAuthError(res, { status: 401, error: "invalid_client" }, ID);
          return;
        }
        expectWwwAuthenticate(res, { scheme: "Bearer", status: 401 }, "DTP-REV-062");
        expectOAuthError(res, { status: 401, error: "invalid_token" }, "DTP-REV-059");
      }),
    );
    if (ctx.target.features.has("dtp")) await adminBearer(ctx, admin);
    else await clientBearer(ctx);
  },
};

/** Token type hints RFC 7009 / 7662 do not define (DTP-REV-061: ignored). */
const UNSUPPORTED_HINTS = ["id_token", "device_code", "ACCESS_TOKEN", "personal_token", "x"];

/** Introspection with `Authorization: Bearer <bearer>` and no client authentication. */
function introspectWith(
  ctx: CheckContext,
  bearer: string,
  form: Record<string, string | undefined>,
  label: string,
): Promise<HttpResponse> {
  const client = { clientId: "", auth: anonymous() };
  return sendAs(ctx, client, "introspection_endpoint", form, label, {
    headers: { authorization: `Bearer ${bearer}` },
  });
}

/** DTP: the admin bearer is accepted (DTP-REV-059), and unsupported hints are ignored. */
async function adminBearer(ctx: CheckContext, admin: string | undefined): Promise<void> {
  if (admin === undefined) {
    ctx.note("the config has no admin token: the admin bearer and the hints not tested");
    return;
  }
  const random = randomToken();
  await ctx.case("the admin bearer", async () => {
    const res = await introspectWith(ctx, admin, { token: random }, "introspect, admin bearer");
    expectInactive(res, "DTP-REV-059", true);
  });
  const active = ctx.target.features.has("admin")
    ? withRefreshToken((await approvedDevice(ctx, { label: "hint" })).tokens.tokens)
    : undefined;
  if (active === undefined) ctx.note("no approval configured: hints tried on a random token only");
  for (const hint of UNSUPPORTED_HINTS) {
    await ctx.case(`token_type_hint=${hint}`, async () => {
      const label = `introspect, admin bearer, token_type_hint=${hint}`;
      const unknown = { token: random, token_type_hint: hint };
      expectInactive(await introspectWith(ctx, admin, unknown, label), "DTP-REV-061", true);
      if (active === undefined) return;
      requireValid(ctx, active, label);
      const res = await introspectWith(
        ctx,
        admin,
        { token: active.accessToken, token_type_hint: hint },
        `${label} (an active access token)`,
      );
      expectActive(res, "DTP-REV-061");
    });
  }
}

/**
 * Outside DTP: does the endpoint take a client's access token as the caller's bearer
 * credential? If it does, a changed token must get a 401 Bearer challenge (DTP-REV-062).
 */
async function clientBearer(ctx: CheckContext): Promise<void> {
  const f = ctx.target.features;
  if (!f.has("admin") || !f.has("device_code")) {
    ctx.note("no approval configured: introspection with a bearer access token not tried");
    return;
  }
  const tokens = (await approvedDevice(ctx, { label: "bearer" })).tokens.tokens;
  if (tokens.tokenType.toLowerCase() !== "bearer") {
    ctx.note(`the access token is ${tokens.tokenType}, not Bearer: bearer callers not tried`);
    return;
  }
  requireValid(ctx, tokens, "introspection with a bearer access token");
  const token = tokens.accessToken;
  const own = await introspectWith(ctx, token, { token }, "introspect, own access token as bearer");
  if (own.status !== 200) {
    ctx.note(`a bearer access token as credential: ${own.status} (nothing for DTP-REV-062)`);
    return;
  }
  const last = token.at(-1) === "A" ? "B" : "A";
  const changed = `${token.slice(0, -1)}${last}`;
  await ctx.case("a changed bearer access token", async () => {
    const res = await introspectWith(ctx, changed, { token }, "introspect, changed bearer");
    expectWwwAuthenticate(res, { scheme: "Bearer", status: 401 }, "DTP-REV-062");
  });
}
