/**
 * DTP-EXP-003 (MUST, RFC 6749 §5.2; RFC 9700 §4.14.2; SAFEQ Cloud "User and device tokens"):
 * "A refresh token MUST be rejected with 400 OAuth error `invalid_grant` once
 * `dtp_lifetimes.refresh_token` seconds have passed since the original grant of its family
 * (rotation does not extend the family's lifetime)."
 *
 * A device gets tokens; halfway through the declared refresh-token lifetime it refreshes
 * (rotation: the new refresh token must not get a fresh lifetime). Once the lifetime has
 * passed since the kit received the ORIGINAL grant (plus 2 s for whole-second rounding, no
 * clock skew: DTP-EXP-006), the latest refresh token is answered 400 `invalid_grant`.
 * SKIPs before doing anything when the declared lifetime does not fit --max-wait.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import { OWNERS } from "../../src/client/index.ts";
import {
  approvedDevice,
  declaredLifetimeOrSkip,
  EXPIRY_MARGIN_MS,
  requireWait,
  sleepUntil,
  waitLifetime,
} from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-003";
const SETTING = "dtp_lifetimes.refresh_token";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title: "A refresh token family expires refresh_token seconds after the original grant",
    specRef: "RFC 6749 §5.2; RFC 9700 §4.14.2",
    requires: ["dtp", "device_code", "admin", "refresh_token"],
    waits: true,
  },
  async run(ctx) {
    const lifetime = declaredLifetimeOrSkip(ctx, "refresh_token");
    requireWait(ctx, lifetime + EXPIRY_MARGIN_MS / 1000 + 1, SETTING);
    const { device, tokens } = await approvedDevice(ctx);
    const first = tokens.tokens;
    const grantedAt = first.receivedAt;

    // Rotate halfway: the rotated token belongs to the same family and its deadline.
    await sleepUntil(ctx, grantedAt + (lifetime * 1000) / 2);
    const next = await device.refreshed(first);
    if (!next.refreshToken) {
      fail(OWNERS.refresh, "a rotated refresh_token", "none", next.res);
    }

    await waitLifetime(ctx, grantedAt, lifetime, SETTING);
    const late = await device.refresh(next.refreshToken);
    expectOAuthError(late, { status: 400, error: "invalid_grant" }, ID);
  },
};
