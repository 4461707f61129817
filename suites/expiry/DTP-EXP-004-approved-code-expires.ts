/**
 * DTP-EXP-004 (MUST, RFC 8628 §3.2, §3.5):
 * "A `device_code` MUST expire `expires_in` seconds after registration even when it was
 * approved but not yet redeemed: a later poll MUST be answered 400 `expired_token` and MUST
 * NOT return tokens."
 *
 * Register, approve at once, never poll; once `expires_in` has passed since the kit
 * received the registration response (plus 2 s for whole-second rounding, no clock skew:
 * DTP-EXP-006), the first poll must be 400 `expired_token`, not tokens.
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import {
  EXPIRY_MARGIN_MS,
  registeredDevice,
  requireWait,
  waitLifetime,
} from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-004";
const SETTING = "dtp_lifetimes.device_code";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title: "An approved but unredeemed device code expires: expired_token, no tokens",
    specRef: "RFC 8628 §3.2, §3.5",
    requires: ["device_code", "admin"],
    waits: true,
  },
  async run(ctx) {
    const { device, reg } = await registeredDevice(ctx, {
      register: { label: "register (approved, never polled)" },
    });
    const registeredAt = ctx.clock.now();
    requireWait(ctx, reg.expiresIn + EXPIRY_MARGIN_MS / 1000, SETTING);
    await ctx.approval.approve(reg.userCode);

    await waitLifetime(ctx, registeredAt, reg.expiresIn, SETTING);
    const res = await device.poll(reg, { label: `poll (${reg.expiresIn} s after registration)` });
    if (res.status === 200) {
      fail(
        ID,
        "400 expired_token: the approved code expired before it was redeemed",
        `tokens were issued for a device code ${reg.expiresIn} s (its expires_in) after registration`,
        res,
      );
    }
    expectOAuthError(res, { status: 400, error: "expired_token" }, ID);
  },
};
