/**
 * DTP-REG-022 (MUST, DTP):
 * "An unsigned registration for a `client_id` that already has an approved device MUST
 * start a new `pending` registration and MUST NOT revoke or change the existing device or
 * its tokens before that registration is approved."
 *
 * DTP-REG-023 (MUST, DTP):
 * "When a registration for a `client_id` that already has an approved device is approved
 * (by an administrator or by a valid signature), the new registration MUST replace the
 * device record, and every token of the previous record (its device tokens and the user
 * tokens obtained through it) MUST be revoked."
 *
 * A keyless `printer` device gets tokens (and, when the target has a login endpoint and the
 * config a user, a user token pair through it). The same client_id then registers again,
 * unsigned, as a `mobile_device` with an Ed25519 key:
 * - before approval (-022): the new registration is listed as pending, the device record
 *   (admin API) is unchanged, the device and user access tokens still work at the resource
 *   (while their lifetime lasts) and every old token introspects as active (admin bearer);
 * - after approval (-023): the device record is the new one (type, description, `jkt`), the
 *   old access tokens are refused at the resource (`invalid_token`) and every old token
 *   (access and refresh, device and user) introspects as inactive.
 * (Approval by signature is the signing suite's.)
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import {
  expectEqual,
  expectJson,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { endpoint } from "../../src/client/legacy/endpoints.ts";
import {
  callResource,
  login,
  obtainDeviceTokens,
  readTokens,
  type TokenSet,
  userCredentials,
} from "../../src/client/legacy/tokens.ts";
import {
  generateDeviceKey,
  normalizeUserCode,
  registrationKeyFields,
} from "../../src/protocol/index.ts";
import {
  adminApi,
  baseForm,
  expectDeviceAuthorization,
  getDevice,
  listRegistrations,
  postRegistration,
} from "./_helpers.ts";

const ID = "DTP-REG-022";
const REPLACE = "DTP-REG-023";

/** The members of an approved device record (spec Device schema). */
const RECORD_FIELDS = [
  "client_id",
  "client_type",
  "client_description",
  "key_type",
  "jkt",
  "scope",
  "approved_at",
] as const;

interface Held {
  what: string;
  tokens: TokenSet;
}

/** True while `tokens.accessToken` is surely unexpired at the server (1.5 s margin). */
function fresh(ctx: CheckContext, tokens: TokenSet): boolean {
  const issuedBy = tokens.receivedAt - tokens.res.durationMs;
  return ctx.clock.now() + 1500 < issuedBy + tokens.expiresIn * 1000;
}

/** `POST /introspect` with the admin bearer (which may introspect any token). */
async function introspectAsAdmin(
  ctx: CheckContext,
  token: string,
  what: string,
): Promise<HttpResponse> {
  const { token: admin } = adminApi(ctx);
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "introspection_endpoint"),
    headers: { authorization: `Bearer ${admin}` },
    form: { token },
    label: `introspect ${what} (admin)`,
  });
}

async function expectActive(
  ctx: CheckContext,
  token: string,
  what: string,
  active: boolean,
  requirement: string,
): Promise<void> {
  const res = await introspectAsAdmin(ctx, token, what);
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (body.active !== active) {
    fail(
      requirement,
      `the ${what} ${active ? "still active (the new registration is not approved yet)" : "revoked (introspection active: false)"}`,
      `"active": ${JSON.stringify(body.active)}`,
      res,
    );
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, REPLACE],
    level: "MUST",
    area: "registration",
    title:
      "Re-registering an approved client_id: nothing changes until approval; approval replaces the device and revokes all its tokens",
    specRef: "DTP",
    requires: ["device_code", "admin", "resource", "introspection"],
  },
  async run(ctx) {
    adminApi(ctx);
    const clientId = ctx.clientId("reg022");
    const old = await obtainDeviceTokens(ctx, ID, {
      clientId,
      clientType: "printer",
      description: "DTP kit: first registration",
    });
    const held: Held[] = [{ what: "device tokens", tokens: old.tokens }];
    if (ctx.target.features.has("login") && ctx.target.features.has("user_credentials")) {
      const user = userCredentials(ctx);
      const res = await login(ctx, old, { username: user.username, password: user.password });
      held.push({ what: "user tokens", tokens: readTokens(ctx, res, "DTP-LOGIN-001") });
    } else {
      ctx.note(
        "no user token obtained through the device (needs a login endpoint and a user in the config)",
      );
    }
    const before = await getDevice(ctx, clientId);
    expectStatus(before, 200, ID);
    const recordBefore = expectJson(before, ID);

    // The unsigned re-registration.
    const newKey = await generateDeviceKey("ed25519");
    const res = await postRegistration(
      ctx,
      {
        ...baseForm(clientId),
        client_type: "mobile_device",
        client_description: "DTP kit: second registration",
        ...(await registrationKeyFields(newKey, "ed25519")),
      },
      { kind: "basic", id: clientId },
      "register again (unsigned)",
    );
    const second = expectDeviceAuthorization(ctx, res, {}, ID);

    // DTP-REG-022: nothing changes before approval.
    for (const h of held) {
      if (!fresh(ctx, h.tokens)) {
        ctx.note(
          `the ${h.what}' access token expired before it could be used again: not probed at the resource`,
        );
        continue;
      }
      const me = await callResource(
        ctx,
        h.tokens,
        undefined,
        `GET /me (${h.what}, before approval)`,
      );
      if (me.status !== 200) {
        fail(
          ID,
          `the old ${h.what}' access token still accepted (200) before the new registration is approved`,
          `status ${me.status}`,
          me,
        );
      }
    }
    for (const h of held) {
      if (h.tokens.refreshToken !== undefined) {
        await expectActive(ctx, h.tokens.refreshToken, `old ${h.what}' refresh token`, true, ID);
      }
    }
    const pending = await listRegistrations(ctx, "pending", ID);
    if (
      !pending.registrations.some(
        (r) =>
          r.client_id === clientId &&
          typeof r.user_code === "string" &&
          normalizeUserCode(r.user_code) === normalizeUserCode(second.userCode),
      )
    ) {
      fail(
        ID,
        `the new registration ${second.userCode} listed as pending`,
        "not listed",
        pending.res,
      );
    }
    const unchanged = await getDevice(ctx, clientId);
    expectStatus(unchanged, 200, ID);
    const recordNow = expectJson(unchanged, ID);
    for (const k of RECORD_FIELDS) {
      expectEqual(
        recordNow[k],
        recordBefore[k],
        ID,
        `the device's "${k}" before approval`,
        unchanged,
      );
    }

    // DTP-REG-023: approval replaces the record and revokes every old token.
    await ctx.approval.approve(second.userCode);
    const after = await getDevice(ctx, clientId);
    expectStatus(after, 200, REPLACE);
    const record = expectJson(after, REPLACE);
    const want = {
      client_type: "mobile_device",
      client_description: "DTP kit: second registration",
      jkt: newKey.jkt,
    };
    for (const [k, v] of Object.entries(want)) {
      if (record[k] !== v) {
        fail(
          REPLACE,
          `the new device record: "${k}": ${JSON.stringify(v)}`,
          `"${k}": ${JSON.stringify(record[k])}`,
          after,
        );
      }
    }
    for (const h of held) {
      const me = await callResource(
        ctx,
        h.tokens,
        undefined,
        `GET /me (${h.what}, after approval)`,
      );
      expectWwwAuthenticate(me, { scheme: "Bearer", error: "invalid_token" }, REPLACE);
      await expectActive(ctx, h.tokens.accessToken, `old ${h.what}' access token`, false, REPLACE);
      if (h.tokens.refreshToken !== undefined) {
        await expectActive(
          ctx,
          h.tokens.refreshToken,
          `old ${h.what}' refresh token`,
          false,
          REPLACE,
        );
      }
    }
  },
};
