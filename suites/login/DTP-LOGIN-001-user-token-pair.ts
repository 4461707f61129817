/**
 * DTP-LOGIN-001 (MUST, SAFEQ Cloud "User and device tokens"):
 * "`POST /login` with a valid device access token that has scope `login` (`Authorization:
 * Bearer`, or `DPoP` with a proof for a DPoP-bound token) and the form parameters
 * `username` and `password` of a known user MUST be answered 200 with a token response
 * containing a user access token and a refresh token."
 *
 * DTP-LOGIN-002 (MUST, SAFEQ Cloud "User and device tokens"; RFC 9068 §2.2):
 * "A user access token MUST have `sub` equal to the user's id, `client_id` equal to the
 * device's `client_id`, `dtp_kind` `user` and scope `me tokens`."
 *
 * DTP-LOGIN-003 (MUST, DTP; RFC 9449 §6.1):
 * "When the device has a registered key, the user tokens MUST be DPoP-bound to the device
 * key: `token_type` `DPoP` and `cnf.jkt` equal to the device's `jkt`."
 *
 * The configured user logs in through an unkeyed device (Bearer) and, when the target
 * offers DPoP, through an Ed25519 and an EC P-256 keyed device (DPoP + proof). Each answer
 * is a 200 token response with an access and a refresh token; each access token's claims
 * say `dtp_kind` `user`, `client_id` the device, scope `me tokens`, and a `sub` that is the
 * user's id: the same through every device, not the device, and the one `/me` reports
 * for the token (`token_kind` `user`). Keyed devices get `token_type` `DPoP` and
 * `cnf.jkt` = the device key's thumbprint, and the token works at `/me` with a proof.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import {
  callResource,
  claimsOf,
  endpointOf,
  generateDeviceKey,
  loginThrough,
  provablyValid,
  readStepTokens,
  scopeList,
} from "../../src/client/index.ts";
import { approvedDevice, userCredentials } from "../../src/client/kit/index.ts";
import type { KeyKind } from "../../src/protocol/index.ts";

const ID = "DTP-LOGIN-001";
const CLAIMS = "DTP-LOGIN-002";
const BOUND = "DTP-LOGIN-003";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, CLAIMS, BOUND],
    level: "MUST",
    area: "login",
    title:
      "Login through a trusted device (Bearer or DPoP) gives a user token pair: sub = the user, client_id = the device, scope me tokens, bound to the device key",
    specRef: 'SAFEQ Cloud "User and device tokens"; RFC 9068 §2.2; RFC 9449 §6.1',
    requires: ["device_code", "admin", "login", "user_credentials", "refresh_token"],
  },
  async run(ctx) {
    const kinds: (KeyKind | undefined)[] = [undefined];
    if (ctx.target.features.has("dpop")) kinds.push("ed25519", "ec-p256");
    else ctx.note("the target offers no DPoP: DTP-LOGIN-003 (keyed devices) not tested");

    const subs: { what: string; sub: string }[] = [];
    for (const kind of kinds) {
      const what = kind ? `device with an ${kind} key (DPoP)` : "unkeyed device (Bearer)";
      await ctx.case(`through an ${what}`, async () => {
        subs.push({ what, sub: await loginVia(ctx, kind, what) });
      });
    }

    // The user's id: one sub for every device, and never the device itself.
    if (new Set(subs.map((l) => l.sub)).size > 1) {
      fail(
        CLAIMS,
        "the same sub (the user's id) in the user tokens obtained through every device",
        subs.map((l) => `${l.what}: sub ${JSON.stringify(l.sub)}`).join("; "),
      );
    }
  },
};

async function loginVia(
  ctx: CheckContext,
  kind: KeyKind | undefined,
  what: string,
): Promise<string> {
  const user = userCredentials(ctx);
  const { device, tokens: deviceTokens } = await approvedDevice(ctx, {
    label: kind ? `login-${kind}` : "login-bearer",
    ...(kind ? { key: await generateDeviceKey(kind) } : {}),
  });
  const key = device.key;
  const res = await loginThrough(
    ctx,
    deviceTokens,
    { username: user.username, password: user.password },
    `login through the ${what}`,
  );
  const tokens = readStepTokens(ctx, res, ID, `a login through the ${what}`);
  const body = res.body as Record<string, unknown>;
  if (tokens.refreshToken === undefined || tokens.refreshToken === "") {
    fail(ID, `a token response with a refresh_token (login through the ${what})`, "none", res);
  }
  const { accessToken, tokenType } = tokens;

  // DTP-LOGIN-002: the claims of the user access token.
  const claims = claimsOf(accessToken);
  if (!claims) {
    fail(CLAIMS, "a JWT user access token whose claims can be read", "not a compact JWS", res);
  }
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") {
    fail(CLAIMS, `a sub claim naming the user (${what})`, `sub = ${JSON.stringify(sub)}`, res);
  }
  if (sub === device.clientId) {
    fail(
      CLAIMS,
      "sub = the user's id, not the device's client_id",
      `sub = ${JSON.stringify(sub)}`,
      res,
    );
  }
  if (claims.client_id !== device.clientId) {
    fail(
      CLAIMS,
      `client_id = ${JSON.stringify(device.clientId)} (the device logged in through)`,
      `client_id = ${JSON.stringify(claims.client_id)}`,
      res,
    );
  }
  if (claims.dtp_kind !== "user") {
    fail(CLAIMS, 'dtp_kind = "user"', `dtp_kind = ${JSON.stringify(claims.dtp_kind)}`, res);
  }
  const scope = scopeList(claims.scope);
  if (scope?.join(" ") !== "me tokens") {
    fail(CLAIMS, 'scope = "me tokens"', `scope = ${JSON.stringify(claims.scope)}`, res);
  }

  // DTP-LOGIN-003: bound to the device key.
  if (key) {
    if (tokenType.toLowerCase() !== "dpop") {
      fail(
        BOUND,
        'token_type "DPoP" for a keyed device',
        `token_type = ${JSON.stringify(body.token_type)}`,
        res,
      );
    }
    const cnf = claims.cnf as Record<string, unknown> | undefined;
    if (cnf?.jkt !== key.jkt) {
      fail(
        BOUND,
        `cnf.jkt = ${JSON.stringify(key.jkt)} (the device key's thumbprint)`,
        `cnf = ${JSON.stringify(cnf)}`,
        res,
      );
    }
  }

  // The token is the user's at /me (the same sub), when the target has the resource.
  if (endpointOf(ctx.target, "dtp_resource_endpoint") !== undefined) {
    const r = await callResource(ctx, tokens, device.dpop, `GET /me with the user token (${what})`);
    // A 401 after the short-lived token may have expired (slow machine) proves nothing.
    if (r.status === 401 && !provablyValid(tokens, ctx.clock.now())) {
      ctx.note(`/me with the user token (${what}) not judged: the token may have expired`);
    } else {
      expectStatus(r, 200, ID);
      const who = expectJson(r, CLAIMS);
      if (who.sub !== sub || who.token_kind !== "user" || who.client_id !== device.clientId) {
        fail(
          CLAIMS,
          `/me: sub ${JSON.stringify(sub)}, token_kind "user", client_id ${JSON.stringify(device.clientId)}`,
          `sub ${JSON.stringify(who.sub)}, token_kind ${JSON.stringify(who.token_kind)}, client_id ${JSON.stringify(who.client_id)}`,
          r,
        );
      }
    }
  }
  return sub;
}
