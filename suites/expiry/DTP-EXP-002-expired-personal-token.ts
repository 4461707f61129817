/**
 * DTP-EXP-002 (MUST, RFC 6750 §3.1; "Authentication in the API" (private tokens)):
 * "A personal token presented after its `expires_at` MUST be answered 401 with
 * `WWW-Authenticate: Bearer` `error="invalid_token"`."
 *
 * A user logs in through a device and creates a personal token with a short explicit
 * lifetime (5 s); it works at `/me`, then
 * after `expires_at − created_at` seconds from when the kit received it (plus 2 s for
 * whole-second rounding, no clock skew: DTP-EXP-006) it is answered 401 invalid_token.
 */

import type { Check } from "../../src/check/check.ts";
import { expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import { callResource, OWNERS } from "../../src/client/index.ts";
import { EXPIRY_MARGIN_MS, loggedInUser, waitLifetime } from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-002";
const LIFETIME = 5;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title: "An expired personal token is answered 401 Bearer invalid_token",
    specRef: 'RFC 6750 §3.1; "Authentication in the API" (private tokens)',
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
    const user = await loggedInUser(ctx);
    const sentAt = ctx.clock.now();
    const created = await user.personalToken({
      name: "expires soon",
      expiresIn: LIFETIME,
      scope: "me",
    });
    const receivedAt = created.holder.tokens.receivedAt;
    const body = created.res.body as Record<string, unknown>;
    const { created_at, expires_at } = body;
    if (typeof created_at !== "number" || typeof expires_at !== "number") {
      fail(
        OWNERS.personalToken,
        "created_at and expires_at in the answer",
        JSON.stringify(Object.keys(body)),
        created.res,
      );
    }
    const pat = created.holder.tokens;

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
