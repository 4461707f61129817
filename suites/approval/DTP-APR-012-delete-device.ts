/**
 * DTP-APR-012 (MUST, SAFEQ Cloud "Register device"):
 * "`DELETE /admin/devices/{client_id}` MUST answer 204 with an empty body for an existing
 * device, after which `GET /admin/devices/{client_id}` MUST answer 404; an unknown
 * `client_id` MUST be answered 404 with a problem body."
 *
 * DTP-APR-013 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "Deleting a device MUST immediately revoke every access and refresh token issued to it
 * and every user token obtained through it: afterwards those access tokens MUST be answered
 * 401 `invalid_token` at protected resources and those refresh tokens 400 `invalid_grant`
 * at `/token`."
 *
 * A device gets tokens, refreshes once (two live access tokens) and logs the configured
 * user in (a user token pair), where the target offers these. Every token is shown to work
 * first (`/me` 200; introspection by the administrator `active: true`). Then the device is
 * deleted (204, empty), is gone (404) and deleting it again is 404; right away every access
 * token is 401 `invalid_token` at `/me`, every refresh token 400 `invalid_grant`, and
 * introspection says `active: false` for all of them.
 *
 * Personal tokens are left out on purpose: DTP-PAT-014 says deleting the device MUST NOT
 * revoke them (the personal-tokens suite checks that), although the OpenAPI description of
 * deleteDevice says "personal tokens created with them" are revoked.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import {
  expectJson,
  expectOAuthError,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  type AdminApi,
  callResource,
  declaredLifetime,
  OWNERS,
  provablyValid,
  type TokenSet,
} from "../../src/client/index.ts";
import { adminApi, approvedDevice, loggedInUser } from "../../src/client/kit/index.ts";

const ID = "DTP-APR-012";
const APR013 = "DTP-APR-013";
/** A scenario whose tokens expired on their own before they were checked runs once more. */
const ATTEMPTS = 2;

interface Held {
  what: string;
  tokens: TokenSet;
  /** False when the refresh token was rotated away (only the access token is live). */
  refreshLive: boolean;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, APR013],
    level: "MUST",
    area: "approval",
    title: "Deleting a device: 204, then 404; every token it holds or obtained is revoked at once",
    specRef: 'SAFEQ Cloud "Register device"; DTP',
    requires: ["admin", "device_code", "resource"],
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    // Access tokens may be short-lived (seconds): a token that expired on its own before it
    // was presented proves nothing, so the scenario is run once more with a new device.
    let deleted: string | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const outcome = await scenario(ctx, admin);
      deleted ??= outcome.clientId;
      if (outcome.inconclusive.length === 0) break;
      const why = `${outcome.inconclusive.join(", ")} expired on its own before it could be checked`;
      if (attempt === ATTEMPTS) {
        ctx.skip(
          `${why} (${ATTEMPTS} attempts): lengthen dtp_lifetimes.access_token (now ${declaredLifetime(ctx.target, "access_token", 0)} s)`,
        );
      }
      ctx.note(`attempt ${attempt}: ${why}; trying again with a new device`);
    }
    const clientId = deleted!;

    // The device is gone; deleting it again, or an unknown one, is 404 with a problem body.
    await ctx.case("after the deletion: 404", async () => {
      const gone = await admin.device(clientId, { label: "get the deleted device" });
      expectStatus(gone, 404, ID);
      const again = await admin.deleteDevice(clientId, {
        label: "delete the deleted device again",
      });
      expectProblem(again, 404, ID);
    });
    await ctx.case("delete an unknown device: 404", async () => {
      const unknown = await admin.deleteDevice(ctx.clientId("never-registered"), {
        label: "delete an unknown device",
      });
      expectProblem(unknown, 404, ID);
    });
  },
};

/**
 * One device: tokens, a user login through it, a refresh; each token shown to work; the
 * deletion (204, empty); then every token shown dead. Returns the access tokens whose own
 * expiry came before they could be checked (their result proves nothing).
 */
async function scenario(
  ctx: CheckContext,
  admin: AdminApi,
): Promise<{ clientId: string; inconclusive: string[] }> {
  const f = ctx.target.features;
  const inconclusive: string[] = [];
  /** Still valid on its own when presented now? */
  const fresh = (h: Held) => provablyValid(h.tokens, ctx.clock.now());

  const issued = await approvedDevice(ctx, { register: { label: "register" } });
  const { device, tokens } = issued;
  const held: Held[] = [];
  if (f.has("login") && f.has("user_credentials")) {
    const user = await loggedInUser(ctx, { through: issued });
    held.push({
      what: "the user tokens obtained through the device",
      tokens: user.tokens.tokens,
      refreshLive: true,
    });
  }
  const first = tokens.tokens;
  if (f.has("refresh_token") && first.refreshToken !== undefined) {
    await tokens.renew();
    // The first refresh token was rotated away: only the new one stays live.
    held.unshift(
      { what: "the first device access token", tokens: first, refreshLive: false },
      { what: "the refreshed device tokens", tokens: tokens.tokens, refreshLive: true },
    );
  } else held.unshift({ what: "the device access token", tokens: first, refreshLive: true });
  const refreshOf = (h: Held) => (h.refreshLive ? h.tokens.refreshToken : undefined);

  // Before: every token works (refresh tokens: introspection says active).
  for (const h of held) {
    const res = await me(ctx, h.tokens.accessToken, `GET /me with ${h.what} (before the deletion)`);
    if (res.status !== 200) {
      if (!fresh(h)) {
        inconclusive.push(h.what);
        continue;
      }
      fail(
        APR013,
        `(precondition) ${h.what} accepted at the resource before the deletion (200)`,
        `status ${res.status}`,
        res,
      );
    }
  }
  const introspection = f.has("introspection");
  if (introspection) {
    for (const h of held) {
      const rt = refreshOf(h);
      if (rt === undefined) continue;
      const active = await introspectActive(admin, rt, `${h.what} (refresh, before)`);
      if (active.value !== true) {
        fail(
          APR013,
          `(precondition) introspection of ${h.what} (refresh) before the deletion: "active": true`,
          JSON.stringify(active.res.body).slice(0, 200),
          active.res,
        );
      }
    }
  }

  // The deletion: 204 with an empty body.
  const del = await admin.deleteDevice(device.clientId);
  const deletedAt = ctx.clock.now();
  expectStatus(del, 204, ID);
  if (del.text !== "") fail(ID, "204 with an empty body", `a body: ${del.text.slice(0, 120)}`, del);

  // Right away: access tokens are invalid_token at the resource (a 200 is a failure
  // whatever the timing; a 401 only counts when the token had not expired on its own).
  for (const h of held) {
    if (inconclusive.includes(h.what)) continue;
    const conclusive = fresh(h);
    const res = await me(ctx, h.tokens.accessToken, `GET /me with ${h.what} (after the deletion)`);
    expectWwwAuthenticate(res, { scheme: "Bearer", error: "invalid_token" }, APR013);
    if (!conclusive) inconclusive.push(h.what);
  }
  // Refresh tokens: invalid_grant.
  for (const h of held) {
    const rt = refreshOf(h);
    if (rt === undefined) continue;
    const res = await device.refresh(rt);
    expectOAuthError(res, { status: 400, error: "invalid_grant" }, APR013);
  }
  // Introspection: nothing is active any more.
  if (introspection) {
    for (const h of held) {
      const list: [string, string | undefined][] = [
        [`${h.what} (access)`, h.tokens.accessToken],
        [`${h.what} (refresh)`, refreshOf(h)],
      ];
      for (const [what, token] of list) {
        if (token === undefined) continue;
        const active = await introspectActive(admin, token, `${what} (after the deletion)`);
        if (active.value !== false) {
          fail(
            APR013,
            `introspection of ${what} after the device was deleted: "active": false`,
            JSON.stringify(active.res.body).slice(0, 200),
            active.res,
          );
        }
      }
    }
  }
  ctx.note(`tokens checked within ${ctx.clock.now() - deletedAt} ms of the deletion`);
  return { clientId: device.clientId, inconclusive };
}

function me(ctx: CheckContext, token: string, label: string): Promise<HttpResponse> {
  return callResource(ctx, { accessToken: token, tokenType: "Bearer" }, undefined, label);
}

/** Introspection by the administrator (RFC 7662 with the admin bearer): `active`. */
async function introspectActive(
  admin: AdminApi,
  token: string,
  what: string,
): Promise<{ value: unknown; res: HttpResponse }> {
  const res = await admin.introspect(token, `introspect ${what} (admin)`);
  expectStatus(res, 200, OWNERS.introspect);
  const body = expectJson(res, OWNERS.introspect);
  return { value: body.active, res };
}
