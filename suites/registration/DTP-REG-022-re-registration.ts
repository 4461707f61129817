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

import type { Check } from "../../src/check/check.ts";
import {
  expectEqual,
  expectJson,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import {
  type AdminApi,
  callResource,
  liveMargin,
  OWNERS,
  provablyValid,
  type TokenSet,
} from "../../src/client/index.ts";
import {
  adminApi,
  approvedDevice,
  loggedInUser,
  sendRegistrationForm,
} from "../../src/client/kit/index.ts";
import {
  generateDeviceKey,
  normalizeUserCode,
  registrationKeyFields,
} from "../../src/protocol/index.ts";
import { baseForm, expectDeviceAuthorization } from "./_helpers.ts";

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

/** The device record as the admin API shows it (the admin API's own requirement judges the read). */
async function record(admin: AdminApi, clientId: string) {
  const res = await admin.device(clientId);
  expectStatus(res, 200, OWNERS.adminDevice);
  return { res, body: expectJson(res, OWNERS.adminDevice) };
}

/** Introspected with the admin bearer (which may introspect any token): active as `active`? */
async function expectActive(
  admin: AdminApi,
  token: string,
  what: string,
  active: boolean,
  requirement: string,
): Promise<void> {
  const res = await admin.introspect(token, `introspect ${what} (admin)`);
  expectStatus(res, 200, OWNERS.introspect);
  const body = expectJson(res, OWNERS.introspect);
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
    const admin = adminApi(ctx);
    const old = await approvedDevice(ctx, {
      label: "reg022",
      clientType: "printer",
      register: { description: "DTP kit: first registration" },
    });
    const clientId = old.device.clientId;
    // The old tokens exactly as issued: never renewed (a renewal would be a new token).
    const held: Held[] = [{ what: "device tokens", tokens: old.tokens.tokens }];
    if (ctx.target.features.has("login") && ctx.target.features.has("user_credentials")) {
      const user = await loggedInUser(ctx, { through: old });
      held.push({ what: "user tokens", tokens: user.tokens.tokens });
    } else {
      ctx.note(
        "no user token obtained through the device (needs a login endpoint and a user in the config)",
      );
    }
    const recordBefore = (await record(admin, clientId)).body;

    // The unsigned re-registration.
    const newKey = await generateDeviceKey("ed25519");
    const res = await sendRegistrationForm(
      ctx,
      {
        ...baseForm(clientId),
        client_type: "mobile_device",
        client_description: "DTP kit: second registration",
        ...(await registrationKeyFields(newKey, "ed25519")),
      },
      { label: "register again (unsigned)" },
    );
    const second = expectDeviceAuthorization(ctx, res, {}, ID);

    await ctx.case("before approval: nothing changes", async () => {
      for (const h of held) {
        if (!provablyValid(h.tokens, ctx.clock.now() + liveMargin(h.tokens))) {
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
          await expectActive(
            admin,
            h.tokens.refreshToken,
            `old ${h.what}' refresh token`,
            true,
            ID,
          );
        }
      }
      const pending = await admin.registrations("pending", { requirement: ID });
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
      const now = await record(admin, clientId);
      for (const k of RECORD_FIELDS) {
        expectEqual(
          now.body[k],
          recordBefore[k],
          ID,
          `the device's "${k}" before approval`,
          now.res,
        );
      }
    });

    // DTP-REG-023: approval replaces the record and revokes every old token.
    await ctx.approval.approve(second.userCode);
    await ctx.case("after approval: the device replaced, every old token revoked", async () => {
      const after = await record(admin, clientId);
      const want = {
        client_type: "mobile_device",
        client_description: "DTP kit: second registration",
        jkt: newKey.jkt,
      };
      for (const [k, v] of Object.entries(want)) {
        if (after.body[k] !== v) {
          fail(
            REPLACE,
            `the new device record: "${k}": ${JSON.stringify(v)}`,
            `"${k}": ${JSON.stringify(after.body[k])}`,
            after.res,
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
        await expectActive(
          admin,
          h.tokens.accessToken,
          `old ${h.what}' access token`,
          false,
          REPLACE,
        );
        if (h.tokens.refreshToken !== undefined) {
          await expectActive(
            admin,
            h.tokens.refreshToken,
            `old ${h.what}' refresh token`,
            false,
            REPLACE,
          );
        }
      }
    });
  },
};
