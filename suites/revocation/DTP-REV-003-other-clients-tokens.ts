/**
 * DTP-REV-003 (MUST, RFC 7009 §2.1):
 * "A revocation request for a token issued to another client MUST NOT revoke the token."
 *
 * DTP-REV-010 (MUST, RFC 7662 §2.2):
 * "An introspection response MUST be 200 with an `application/json` object holding a
 * boolean `active`; when `active` is true, the other members it carries MUST describe the
 * token (`scope` a space-separated string of its scopes, `client_id` the client it was
 * issued to, `exp`, `iat` and `nbf` integer seconds since the epoch)."
 *
 * DTP-REV-012 (MUST, RFC 7662 §2.1, §4):
 * "A device MUST be able to introspect its own tokens; introspection by a device of a token
 * issued to another client MUST answer `{"active": false}`, while the admin bearer MUST be
 * able to introspect any token."
 *
 * DTP-REV-051 (MUST, DTP; RFC 7009 §2.1, §2.2):
 * "A DTP server MUST answer a revocation request for a token issued to another client 200,
 * as for an invalid token, not with an error."
 *
 * DTP-REV-056 (MUST, DTP; RFC 7662 §2.2):
 * "Introspection of an active token that the caller may see MUST answer `active` true with
 * `scope`, `client_id`, `sub`, `token_type`, `exp`, `iat`, `iss`, `jti` and `dtp_kind`,
 * plus `cnf` for a DPoP-bound token, matching the token's claims."
 *
 * Device A has an Ed25519 key (DPoP-bound tokens), device B none (Bearer). B revokes A's
 * access and refresh tokens (wrong-actor cases): A's tokens must keep working. Then each device introspects its
 * own and the other's tokens, and the administrator introspects A's.
 *
 * DTP's strengthenings: B's revocation of A's tokens is answered 200 (DTP-REV-051), and the
 * introspection of an active token carries every member DTP names, `dtp_kind` included
 * (DTP-REV-056); a member present with a wrong value is RFC 7662's (DTP-REV-010).
 *
 * Outside DTP (a target without the "dtp" feature) only what RFC 7009 / 7662 / 9449 say:
 * B's revocation may also be refused with an error (RFC 7009 §2.1: "the request is refused
 * and the client is informed of the error"), but A's tokens keep working; A's own tokens
 * introspect as active, with the right client_id, token_type and cnf.jkt when the server
 * states them (RFC 7662 §2.2 makes every member but "active" optional; RFC 9449 §6.2);
 * whether a client may introspect another client's token is the server's policy (RFC 7662
 * §2.1, §4), and there is no admin bearer.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectOAuthError, expectStatus, fail } from "../../src/check/expect.ts";
import { expectActive, expectInactive } from "../../src/check/expect-oauth.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  claimsOf,
  generateDeviceKey,
  issuerOf,
  requireValid,
  sameScope,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { adminApiOf, approvedDevice } from "../../src/client/kit/index.ts";

type Pair = TokenSet & { refreshToken: string };

const ID = "DTP-REV-003";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REV-010", "DTP-REV-012", "DTP-REV-051", "DTP-REV-056"],
    level: "MUST",
    area: "revocation",
    title:
      "Another client's revocation changes nothing; introspection shows a device its own tokens (all fields), not others'",
    specRef: "RFC 7009 §2.1; RFC 7662 §2.1, §2.2, §4",
    requires: ["revocation", "introspection", "refresh_token", "resource", "dpop", "admin"],
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    const key = await generateDeviceKey("ed25519");
    const devA = await approvedDevice(ctx, { label: "revA", key });
    const devB = await approvedDevice(ctx, { label: "revB" });
    const a = {
      clientId: devA.device.clientId,
      dpop: devA.device.dpop,
      tokens: withRefreshToken(devA.tokens.tokens),
    };
    const b = { clientId: devB.device.clientId, tokens: withRefreshToken(devB.tokens.tokens) };

    // B revokes A's tokens: 200, and nothing happens to them.
    for (const [token, hint] of [
      [a.tokens.accessToken, "access_token"],
      [a.tokens.refreshToken, "refresh_token"],
    ] as const) {
      await ctx.wrongActor(ID, `B (another approved client) revokes A's ${hint}`, async () => {
        const res = await devB.device.revoke(token, hint);
        if (dtp) expectStatus(res, 200, "DTP-REV-051");
        else if (res.status !== 400) expectStatus(res, 200, ID);
        else expectOAuthError(res, { status: 400, error: OAUTH_REFUSALS }, ID);
      });
    }
    requireValid(ctx, a.tokens, "checking that A's access token still works");
    const me = await callResource(ctx, a.tokens, a.dpop, "GET /me with A's token (must work)");
    if (me.status !== 200) {
      fail(ID, "A's access token to still work after B revoked it (200)", describe(me), me);
    }
    const a2 = withRefreshToken(await devA.device.refreshed(a.tokens, { requirement: ID }));

    // DTP-REV-010/012: each device introspects its own tokens.
    const issuer = issuerOf(ctx.target);
    requireValid(ctx, a2, "introspecting A's access token");
    const aAccess = await devA.device.introspect(a2.accessToken, { label: "A: own access token" });
    const aRefresh = await devA.device.introspect(a2.refreshToken, {
      label: "A: own refresh token",
    });
    if (!dtp) {
      checkRfcFields(aAccess, a2, a.clientId, key.jkt);
      checkRfcFields(aRefresh, undefined, a.clientId, undefined);
      requireValid(ctx, b.tokens, "introspecting B's access token");
      const own = await devB.device.introspect(b.tokens.accessToken, {
        label: "B: own access token",
      });
      checkRfcFields(own, b.tokens, b.clientId, undefined);
      return;
    }
    checkAccessFields(aAccess, a2, a.clientId, issuer, key.jkt);
    checkRefreshFields(ctx, aRefresh, a2, a.clientId, issuer, key.jkt);
    requireValid(ctx, b.tokens, "introspecting B's access token");
    const bAccess = await devB.device.introspect(b.tokens.accessToken, {
      label: "B: own access token",
    });
    checkAccessFields(bAccess, b.tokens, b.clientId, issuer, undefined);

    // Not one's own: {"active": false}.
    expectInactive(
      await devB.device.introspect(a2.accessToken, { label: "B introspects A's access token" }),
      "DTP-REV-012",
      dtp,
    );
    expectInactive(
      await devB.device.introspect(a2.refreshToken, { label: "B introspects A's refresh token" }),
      "DTP-REV-012",
      dtp,
    );
    expectInactive(
      await devA.device.introspect(b.tokens.accessToken, {
        label: "A introspects B's access token",
      }),
      "DTP-REV-012",
      dtp,
    );

    // The administrator introspects anyone's token.
    const admin = adminApiOf(ctx);
    if (admin === undefined) {
      ctx.note("the config has no admin token: introspection with the admin bearer not tested");
      return;
    }
    requireValid(ctx, a2, "the admin introspection");
    checkAccessFields(await admin.introspect(a2.accessToken), a2, a.clientId, issuer, key.jkt);
  },
};

type Info = Record<string, unknown>;

/** RFC 6749 §5.2 errors a refused revocation of another client's token may carry. */
const OAUTH_REFUSALS = ["invalid_request", "invalid_grant", "unauthorized_client"];

/**
 * Outside DTP: active, and the members RFC 7662 §2.2 defines (all optional) right when
 * present; a DPoP-bound access token's cnf.jkt (RFC 9449 §6.2) when the server states cnf.
 */
function checkRfcFields(
  res: HttpResponse,
  tokens: Pick<Pair, "tokenType"> | undefined,
  clientId: string,
  jkt: string | undefined,
): void {
  const info = expectActive(res, "DTP-REV-012");
  if (info.client_id !== undefined && info.client_id !== clientId) {
    fail(
      "DTP-REV-010",
      `"client_id": "${clientId}"`,
      `"client_id": ${JSON.stringify(info.client_id)}`,
      res,
    );
  }
  if (
    tokens !== undefined &&
    info.token_type !== undefined &&
    String(info.token_type).toLowerCase() !== tokens.tokenType.toLowerCase()
  ) {
    fail(
      "DTP-REV-010",
      `"token_type": "${tokens.tokenType}" (as in the token response)`,
      `"token_type": ${JSON.stringify(info.token_type)}`,
      res,
    );
  }
  if (jkt !== undefined && info.cnf !== undefined) checkCnf(res, info, jkt);
}

/** The RFC 7662 members DTP requires, compared with the access token's own claims. */
function checkAccessFields(
  res: HttpResponse,
  tokens: Pick<Pair, "accessToken" | "tokenType" | "scope" | "res">,
  clientId: string,
  issuer: string,
  jkt: string | undefined,
): void {
  const info = expectActive(res, "DTP-REV-012");
  const claims = claimsOf(tokens.accessToken);
  requireMembers(res, info, jkt !== undefined);
  const want: [string, unknown][] = [
    ["client_id", clientId],
    ["iss", issuer],
    ["dtp_kind", "device"],
  ];
  if (claims) {
    for (const k of ["sub", "exp", "iat", "jti"]) want.push([k, claims[k]]);
  } else {
    want.push(["sub", clientId]);
  }
  for (const [k, v] of want) {
    if (info[k] !== v) {
      fail(
        k === "dtp_kind" ? "DTP-REV-056" : "DTP-REV-010",
        `"${k}": ${JSON.stringify(v)}`,
        `"${k}": ${JSON.stringify(info[k])}`,
        res,
      );
    }
  }
  const scope = typeof claims?.scope === "string" ? claims.scope : tokens.scope;
  if (scope !== undefined && !sameScope(String(info.scope), scope)) {
    fail("DTP-REV-010", `"scope": "${scope}"`, `"scope": ${JSON.stringify(info.scope)}`, res);
  }
  if (String(info.token_type).toLowerCase() !== tokens.tokenType.toLowerCase()) {
    fail(
      "DTP-REV-010",
      `"token_type": "${tokens.tokenType}" (as in the token response)`,
      `"token_type": ${JSON.stringify(info.token_type)}`,
      res,
    );
  }
  checkCnf(res, info, jkt);
}

/** A refresh token has no readable claims: the members, the client, and the family's key. */
function checkRefreshFields(
  ctx: CheckContext,
  res: HttpResponse,
  tokens: Pick<Pair, "scope" | "res">,
  clientId: string,
  issuer: string,
  jkt: string,
): void {
  const info = expectActive(res, "DTP-REV-012");
  requireMembers(res, info, true);
  for (const [k, v] of [
    ["client_id", clientId],
    ["sub", clientId],
    ["iss", issuer],
    ["dtp_kind", "device"],
  ] as const) {
    if (info[k] !== v) {
      fail(
        k === "dtp_kind" ? "DTP-REV-056" : "DTP-REV-010",
        `"${k}": ${JSON.stringify(v)}`,
        `"${k}": ${JSON.stringify(info[k])}`,
        res,
      );
    }
  }
  if (typeof info.exp === "number" && info.exp * 1000 <= ctx.clock.now() - 5000) {
    fail("DTP-REV-010", '"exp" in the future for an active token', `"exp": ${info.exp}`, res);
  }
  if (tokens.scope !== undefined && !sameScope(String(info.scope), tokens.scope)) {
    fail(
      "DTP-REV-010",
      `"scope": "${tokens.scope}"`,
      `"scope": ${JSON.stringify(info.scope)}`,
      res,
    );
  }
  checkCnf(res, info, jkt);
}

function requireMembers(res: HttpResponse, info: Info, bound: boolean): void {
  const types: [string, string][] = [
    ["scope", "string"],
    ["client_id", "string"],
    ["sub", "string"],
    ["token_type", "string"],
    ["exp", "number"],
    ["iat", "number"],
    ["iss", "string"],
    ["jti", "string"],
    ["dtp_kind", "string"],
  ];
  if (bound) types.push(["cnf", "object"]);
  const bad = types.filter(([k, t]) => typeof info[k] !== t || info[k] === null);
  if (bad.length > 0) {
    fail(
      "DTP-REV-056",
      `the members ${types.map(([k, t]) => `${k} (${t})`).join(", ")}`,
      `missing or mistyped: ${bad.map(([k]) => `${k} = ${JSON.stringify(info[k])}`).join(", ")}`,
      res,
    );
  }
}

function checkCnf(res: HttpResponse, info: Info, jkt: string | undefined): void {
  const cnf = info.cnf as { jkt?: unknown } | undefined;
  if (jkt !== undefined && cnf?.jkt !== jkt) {
    fail("DTP-REV-010", `"cnf": {"jkt": "${jkt}"}`, `"cnf": ${JSON.stringify(info.cnf)}`, res);
  }
  if (jkt === undefined && info.cnf !== undefined) {
    fail("DTP-REV-010", 'no "cnf" for a Bearer token', `"cnf": ${JSON.stringify(info.cnf)}`, res);
  }
}
