/**
 * DTP-PAT-014 (MUST, "Authentication in the API" (private tokens); DTP):
 * "A personal token belongs to the user, not to the device: deleting the device, revoking
 * or refreshing the user token used to create it, or revoking that token's family MUST NOT
 * revoke the personal token."
 *
 * The configured user logs in through a new device (user token pair U) and creates a
 * personal token P with U's access token. P must keep working at `/me` (200,
 * `token_kind` `personal`) after each of:
 * 1. refreshing U (rotation: a new pair U′);
 * 2. revoking U's access token (the one P was created with) through `/revoke`;
 * 3. revoking U′'s refresh token through `/revoke` (the whole family);
 * 4. deleting the device through the admin API (when the config has an admin token).
 * Each step is shown to have taken effect where that is observable (the revoked access
 * token is refused at `/me`; the device is gone: 204), so that P's survival means
 * something. P is short-lived (300 s): no user token is left at the end to revoke it with.
 *
 * Note: the OpenAPI description of deleteDevice says personal tokens "created with them"
 * are revoked; the requirement catalogue (normative for requirement texts) says they MUST
 * NOT be. This check follows DTP-PAT-014.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { expectInvalidToken } from "../../src/check/expect-oauth.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  OWNERS,
  provablyValid,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { adminApiOf, approvedDevice, loggedInUser } from "../../src/client/kit/index.ts";
import { readCreated } from "./_helpers.ts";

const ID = "DTP-PAT-014";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "personal-tokens",
    title:
      "A personal token survives refreshing and revoking the user token it was created with, its family, and deleting the device",
    specRef: '"Authentication in the API" (private tokens); DTP',
    requires: [
      "device_code",
      "admin",
      "login",
      "user_credentials",
      "personal_tokens",
      "resource",
      "refresh_token",
      "revocation",
    ],
  },
  async run(ctx) {
    const owner = await approvedDevice(ctx, { label: "pat-owner" });
    const { device } = owner;
    const user = await loggedInUser(ctx, { through: owner });
    const name = "DTP-PAT-014 survivor";
    const created = await user.createPersonalToken({ name, expires_in: 300 });
    // The access token P was created with (the holder may have renewed it just before).
    const creator: TokenSet = user.tokens.tokens;
    const pat = readCreated(ctx, created, { name }, "DTP-PAT-001");
    const survives = (after: string) => expectPersonal(ctx, pat.token, after);
    await survives("right after its creation");

    // 1. Refresh the user token.
    await user.tokens.renew();
    await survives("after the user token was refreshed");

    // 2. Revoke the access token it was created with.
    expectStatus(await device.revoke(creator.accessToken, "access_token"), 200, OWNERS.revoke);
    if (provablyValid(creator, ctx.clock.now())) {
      const gone = await callResource(
        ctx,
        creator,
        undefined,
        "GET /me with the revoked user token",
      );
      expectInvalidToken(gone, OWNERS.revoke);
    }
    await survives("after the user token it was created with was revoked");

    // 3. Revoke the family (the current refresh token).
    const family = withRefreshToken(user.tokens.tokens).refreshToken;
    expectStatus(await device.revoke(family, "refresh_token"), 200, OWNERS.revoke);
    await survives("after the user token's family was revoked");

    // 4. Delete the device.
    const admin = adminApiOf(ctx);
    if (admin === undefined) {
      ctx.note("no admin API credential in the config: deleting the device is not tested");
      return;
    }
    const del = await admin.deleteDevice(device.clientId, { label: "admin: delete the device" });
    if (del.status !== 204) {
      fail(OWNERS.adminDelete, "204 for deleting the device", describe(del), del);
    }
    await survives("after the device it was created through was deleted");
  },
};

async function expectPersonal(
  ctx: CheckContext,
  token: string,
  after: string,
): Promise<HttpResponse> {
  const res = await callResource(
    ctx,
    { accessToken: token, tokenType: "Bearer" },
    undefined,
    `GET /me with the personal token (${after})`,
  );
  if (res.status !== 200)
    fail(ID, `the personal token still accepted ${after}`, describe(res), res);
  const body = expectJson(res, ID);
  if (body.token_kind !== "personal") {
    fail(
      ID,
      `token_kind "personal" ${after}`,
      `token_kind ${JSON.stringify(body.token_kind)}`,
      res,
    );
  }
  return res;
}
