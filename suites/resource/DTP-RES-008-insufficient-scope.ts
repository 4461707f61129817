/**
 * DTP-RES-008 (MUST, RFC 6750 §3.1):
 * "A valid token lacking the scope an operation requires (`me` for `/me`, `login` for
 * `/login`, `tokens` for the personal-token operations) MUST be answered 403 with
 * `WWW-Authenticate` `error="insufficient_scope"`."
 *
 * DTP-RES-009 (SHOULD, RFC 6750 §3):
 * "An `insufficient_scope` challenge SHOULD carry a `scope` attribute naming the required
 * scope (e.g. `scope="me"`)."
 *
 * DTP-RES-010 (MUST, RFC 9457 §3; DTP):
 * "The body of every 401 and 403 answer of a protected resource that carries a Bearer or
 * DPoP challenge MUST be an `application/problem+json` document."
 *
 * DTP-RES-060 (MUST, RFC 6750 §3):
 * "A protected resource MUST NOT serve a request whose access token lacks the scope the
 * resource requires, and MUST answer it with a `WWW-Authenticate` challenge."
 *
 * DTP-RES-061 (SHOULD, RFC 6750 §3.1):
 * "A request whose access token lacks the scope the resource requires SHOULD be answered
 * 403 with `error="insufficient_scope"` in the challenge."
 *
 * With:
 * DTP-RES-009 (SHOULD, RFC 6750 §3): "An `insufficient_scope` challenge SHOULD carry a
 * `scope` attribute naming the required scope (e.g. `scope="me"`)." (checked last, WARN)
 * DTP-RES-010 (MUST): the 403 bodies are `application/problem+json`.
 *
 * Tokens narrowed by refresh (RFC 6749 §6): a device token with only `login` at `/me`; a
 * device token with only `me` at `/login` (when the target has login); a user token with
 * only `me` at `GET /personal-tokens` and `POST /personal-tokens` (when it has personal
 * tokens and the config a user). Each must first not be served and carry a Bearer
 * challenge (DTP-RES-060, RFC 6750 §3), then, at a DTP target, be exactly DTP's 403
 * `insufficient_scope` with a problem body (which implies DTP-RES-061), and DTP-RES-009 is
 * judged last; at another target, after DTP-RES-060, the answer is judged for RFC 6750
 * §3.1's SHOULD (DTP-RES-061: 403 `insufficient_scope`, a WARN). The check stays outside
 * the OAuth profile: it needs DTP's scopes (a plain server's resource does not say which
 * scope it requires).
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  type Device,
  endpointOf,
  loginWith,
  presentToken,
  requireValid,
  sameScope,
  scopeOf,
  type TokenSet,
} from "../../src/client/index.ts";
import { approvedDevice, loggedInUser } from "../../src/client/kit/index.ts";
import { parseChallenges } from "../../src/protocol/www-authenticate.ts";
import { atLevel, expectChallengeProblem } from "./_helpers.ts";

const ID = "DTP-RES-008";
const SCOPE_SHOULD = "DTP-RES-061";

interface Refusal {
  what: string;
  required: string;
  res: HttpResponse;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-RES-009", "DTP-RES-010", "DTP-RES-060", SCOPE_SHOULD],
    level: "MUST",
    area: "resource",
    title:
      "A token without the required scope: 403 insufficient_scope (naming the scope), problem+json",
    specRef: "RFC 6750 §3, §3.1",
    requires: ["resource", "refresh_token", "admin"],
  },
  async run(ctx) {
    const refusals: Refusal[] = [];
    const f = ctx.target.features;
    const dtp = f.has("dtp");
    const refusal = async (
      what: string,
      required: string,
      tokens: TokenSet,
      send: () => Promise<HttpResponse>,
    ) => {
      await ctx.case(what, async () => {
        refusals.push(await refused(ctx, what, required, tokens, send, dtp));
      });
    };

    // A device token narrowed to `login`, at /me.
    const dev = await approvedDevice(ctx, { label: "scope-login" });
    const loginOnly = await narrowed(dev.device, dev.tokens.tokens, "login");
    await refusal("/me with a device token of scope login", "me", loginOnly, () =>
      callResource(ctx, loginOnly, undefined, "GET /me (scope login only)"),
    );

    // A device token narrowed to `me`, at /login.
    const user = ctx.target.config.user;
    if (f.has("login") && f.has("user_credentials") && user !== undefined) {
      const dev2 = await approvedDevice(ctx, { label: "scope-me" });
      const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
      // The user logs in first, while the device's first access token is fresh.
      const u = pats !== undefined ? await loggedInUser(ctx, { through: dev2 }) : undefined;
      const meOnly = await narrowed(dev2.device, dev2.tokens.tokens, "me");
      await refusal("/login with a device token of scope me", "login", meOnly, () =>
        loginWith(
          ctx,
          meOnly,
          undefined,
          { username: user.username, password: user.password },
          "POST /login (scope me only)",
        ),
      );
      // A user token narrowed to `me`, at the personal-token operations.
      if (pats !== undefined && u !== undefined) {
        const userMe = await narrowed(dev2.device, u.tokens.tokens, "me");
        await refusal("GET /personal-tokens with a user token of scope me", "tokens", userMe, () =>
          presentToken(ctx, userMe, undefined, {
            method: "GET",
            url: pats,
            label: "GET /personal-tokens (scope me only)",
          }),
        );
        await refusal("POST /personal-tokens with a user token of scope me", "tokens", userMe, () =>
          presentToken(ctx, userMe, undefined, {
            method: "POST",
            url: pats,
            json: { name: "insufficient scope", expires_in: 60, scope: "me" },
            label: "POST /personal-tokens (scope me only)",
          }),
        );
      } else ctx.note("no personal tokens: scope tokens not tested");
    } else ctx.note("no login or no user in the config: scopes login and tokens not tested");

    // DTP-RES-009 (SHOULD), after every MUST held.
    for (const r of dtp ? refusals : []) {
      await ctx.case(`the scope named in the challenge of ${r.what}`, () =>
        atLevel("SHOULD", () => {
          const c = expectWwwAuthenticate(r.res, { scheme: "Bearer", status: 403 }, "DTP-RES-009");
          if (c.params.scope === undefined || !c.params.scope.split(" ").includes(r.required)) {
            fail(
              "DTP-RES-009",
              `scope="${r.required}" in the insufficient_scope challenge of ${r.what}`,
              JSON.stringify(r.res.headers["www-authenticate"]),
              r.res,
            );
          }
        }),
      );
    }
  },
};

/** Refreshes `tokens` with a narrower `scope`; the new access token must have exactly it. */
async function narrowed(device: Device, tokens: TokenSet, scope: string): Promise<TokenSet> {
  const pair = await device.refreshed(tokens, { extra: { scope }, requirement: "DTP-REF-006" });
  const granted = pair.scope ?? scopeOf(pair);
  if (granted !== undefined && !sameScope(granted, scope)) {
    fail("DTP-REF-006", `an access token of scope "${scope}"`, `scope "${granted}"`, pair.res);
  }
  return pair;
}

async function refused(
  ctx: CheckContext,
  what: string,
  required: string,
  tokens: TokenSet,
  send: () => Promise<HttpResponse>,
  dtp: boolean,
): Promise<Refusal> {
  requireValid(ctx, tokens, what);
  const res = await send();
  // DTP-RES-060 (RFC 6750 §3): not served, and refused with a challenge.
  if (res.status >= 200 && res.status < 300) {
    fail("DTP-RES-060", `a refusal with a challenge for ${what}`, describe(res), res);
  }
  expectWwwAuthenticate(res, { scheme: "Bearer", status: res.status }, "DTP-RES-060");
  if (!dtp) {
    // DTP-RES-061 (SHOULD, RFC 6750 §3.1), after the MUST: a WARN.
    const c = bearerChallenge(res);
    if (res.status !== 403 || c?.params.error !== "insufficient_scope") {
      fail(
        SCOPE_SHOULD,
        `403 with a Bearer challenge error="insufficient_scope" for ${what} (RFC 6750 §3.1)`,
        `${describe(res)}; WWW-Authenticate: ${JSON.stringify(res.headers["www-authenticate"]) ?? "absent"}`,
        res,
      );
    }
    return { what, required, res };
  }
  if (res.status !== 403) {
    fail(ID, `403 insufficient_scope for ${what}`, describe(res), res);
  }
  expectWwwAuthenticate(res, { scheme: "Bearer", error: "insufficient_scope", status: 403 }, ID);
  expectChallengeProblem(res);
  return { what, required, res };
}

/** The Bearer challenge of `res`, if it has a well-formed one. */
function bearerChallenge(res: HttpResponse): { params: Record<string, string> } | undefined {
  const header = res.headers["www-authenticate"];
  if (header === undefined) return undefined;
  try {
    return parseChallenges(header).find((c) => c.scheme.toLowerCase() === "bearer");
  } catch {
    return undefined;
  }
}
