/**
 * DTP-EXP-002 (MUST, RFC 6750 §3.1; seed 002):
 * "A personal token presented after its `expires_at` MUST be answered 401 with
 * `WWW-Authenticate: Bearer` `error="invalid_token"`."
 *
 * A user logs in through a device and creates a personal token with a short explicit
 * lifetime (5 s); it works at `/me`, then
 * after `expires_at − created_at` seconds from when the kit received it (plus 2 s for
 * whole-second rounding, no clock skew: DTP-EXP-006) it is answered 401 invalid_token.
 */

import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import { endpoint } from "../../src/client/legacy/endpoints.ts";
import { callResource } from "../../src/client/legacy/tokens.ts";
import { deviceTokens, userTokens } from "../tokens/_helpers.ts";
import { EXPIRY_MARGIN_MS, waitLifetime } from "./_helpers.ts";

const ID = "DTP-EXP-002";
const LIFETIME = 5;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title: "An expired personal token is answered 401 Bearer invalid_token",
    specRef: "RFC 6750 §3.1; seed 002",
    requires: ["device_code", "admin", "login", "user_credentials", "personal_tokens", "resource"],
    waits: true,
  },
  async run(ctx) {
    const needed = LIFETIME + EXPIRY_MARGIN_MS / 1000;
    if (needed > ctx.waitBudget()) {
      ctx.skip(
        `needs to wait ${needed} s for a ${LIFETIME} s personal token to expire but --max-wait leaves ${Math.floor(ctx.waitBudget())} s: raise --max-wait`,
      );
    }
    const { device } = await deviceTokens(ctx, ID);
    const user = await userTokens(ctx, ID, device);
    const sentAt = ctx.clock.now();
    const created = await ctx.http.request({
      method: "POST",
      url: endpoint(ctx.target, "dtp_personal_tokens_endpoint"),
      headers: { authorization: `Bearer ${user.tokens.accessToken}` },
      json: { name: "expires soon", expires_in: LIFETIME, scope: "me" },
      label: `create a personal token (expires_in ${LIFETIME})`,
    });
    const receivedAt = ctx.clock.now();
    expectStatus(created, 201, "DTP-PAT-001");
    const body = expectJson(created, "DTP-PAT-001");
    const { token, created_at, expires_at } = body;
    if (
      typeof token !== "string" ||
      typeof created_at !== "number" ||
      typeof expires_at !== "number"
    ) {
      fail(
        "DTP-PAT-001",
        "token, created_at and expires_at in the answer",
        JSON.stringify(Object.keys(body)),
        created,
      );
    }
    ctx.http.addSecret(token, "personal token");
    const pat = { accessToken: token, tokenType: "Bearer" };

    const valid = await callResource(
      ctx,
      pat,
      undefined,
      "GET /me with the personal token (valid)",
    );
    if (valid.status !== 200) {
      // Judged only while the token is certainly valid (created after the request left).
      if (ctx.clock.now() >= sentAt + (LIFETIME - 1) * 1000) {
        ctx.skip(
          `the machine was too slow to use a ${LIFETIME} s personal token before it expired`,
        );
      }
      expectStatus(valid, 200, ID);
    }

    const lifetime = Math.max(LIFETIME, expires_at - created_at);
    await waitLifetime(ctx, receivedAt, lifetime, "the personal token's expires_at");
    const expired = await callResource(
      ctx,
      pat,
      undefined,
      "GET /me with the personal token (expired)",
    );
    expectWwwAuthenticate(expired, { scheme: "Bearer", error: "invalid_token" }, ID);
  },
};
