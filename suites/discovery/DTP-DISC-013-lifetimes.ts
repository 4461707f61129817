/**
 * DTP-DISC-013 (MUST, DTP):
 * "A DTP server's metadata MUST contain `dtp_lifetimes`, an object whose members
 * `access_token`, `refresh_token`, `device_code`, `interval`, `personal_token_max`,
 * `dpop_proof_max_age`, `assertion_max_lifetime` and `signature_max_age` are positive
 * integers (seconds) equal to the lifetimes in effect, and MUST contain
 * `dtp_refresh_token_reuse_grace_period` and `dtp_clock_skew` (non-negative integers,
 * seconds) and `dtp_dpop_nonce_required` (boolean)."
 *
 * DTP-DISC-016 (MUST, DTP):
 * "A DTP server's metadata MUST contain `dtp_limits`, an object whose `failed_attempts`
 * member has `client_secret` and `password` (DTP-ERR-017, DTP-LOGIN-013), and `admin_key`
 * and `user_code` when the server applies those limits (DTP-APR-014, DTP-APR-010), each
 * `{"max": <integer 1 to 100>, "window": <integer of at least 60, seconds>}`, and
 * `pending_registrations`, a positive integer, when it caps pending registrations
 * (DTP-REG-026); the server MUST apply the limits it advertises."
 *
 * Its shape is checked here; that the limits are applied, by the checks of DTP-ERR-017
 * (DTP-ERR-003's) and DTP-LOGIN-013 (DTP-LOGIN-004's).
 *
 * "In effect" is checked here for the lifetimes one registration shows (`device_code` =
 * `expires_in`, `interval`) and for `access_token` (the `expires_in` of a device token) when
 * approval is configured; the other lifetimes are checked against the declared values by the
 * suites that exercise them (tokens, expiry, refresh, signing, personal tokens).
 */

import type { Check } from "../../src/check/check.ts";
import { expectJson, fail } from "../../src/check/expect.ts";
import { approvedDevice, registeredDevice } from "../../src/client/kit/index.ts";
import { fetchMetadata, show } from "./metadata.ts";

const ID = "DTP-DISC-013";
const DISC016 = "DTP-DISC-016";

const LIFETIMES = [
  "access_token",
  "refresh_token",
  "device_code",
  "interval",
  "personal_token_max",
  "dpop_proof_max_age",
  "assertion_max_lifetime",
  "signature_max_age",
] as const;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, DISC016],
    level: "MUST",
    area: "discovery",
    title:
      "dtp_lifetimes, reuse grace period, clock skew, nonce policy and limits are declared as in effect",
    specRef: "DTP",
    requires: ["dtp"],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, ID);
    const lifetimes = metadata.dtp_lifetimes;
    if (typeof lifetimes !== "object" || lifetimes === null || Array.isArray(lifetimes)) {
      fail(ID, `"dtp_lifetimes": an object of ${LIFETIMES.join(", ")}`, show(lifetimes), res);
    }
    const l = lifetimes as Record<string, unknown>;
    for (const member of LIFETIMES) {
      if (!isInt(l[member]) || (l[member] as number) <= 0) {
        fail(
          ID,
          `"dtp_lifetimes.${member}": a positive integer (seconds)`,
          `"dtp_lifetimes.${member}": ${show(l[member])}`,
          res,
        );
      }
    }
    for (const member of ["dtp_refresh_token_reuse_grace_period", "dtp_clock_skew"]) {
      const v = metadata[member];
      if (!isInt(v) || v < 0) {
        fail(ID, `"${member}": a non-negative integer (seconds)`, `"${member}": ${show(v)}`, res);
      }
    }
    if (typeof metadata.dtp_dpop_nonce_required !== "boolean") {
      fail(
        ID,
        '"dtp_dpop_nonce_required": a boolean',
        `"dtp_dpop_nonce_required": ${show(metadata.dtp_dpop_nonce_required)}`,
        res,
      );
    }

    checkLimits(metadata.dtp_limits, res);

    // In effect: what a registration and a device token show.
    const f = ctx.target.features;
    if (!f.has("device_code") || !f.has("api_key")) {
      ctx.skip(
        "the declared values have the right types; comparing them with a registration needs the device_code grant and an API key",
      );
    }
    if (!f.has("admin")) {
      const { reg } = await registeredDevice(ctx, { label: "lifetimes" });
      compareRegistration(expectJson(reg.res, ID), l, reg.res);
      ctx.skip(
        "device_code and interval are as declared; comparing access_token with a device token needs approval configured",
      );
    }
    const { reg, tokens } = await approvedDevice(ctx, { label: "lifetimes" });
    compareRegistration(expectJson(reg.res, ID), l, reg.res);
    const body = expectJson(tokens.tokens.res, ID);
    if (body.expires_in !== l.access_token) {
      fail(
        ID,
        `a device token's "expires_in" equal to dtp_lifetimes.access_token (${l.access_token})`,
        `"expires_in": ${show(body.expires_in)}`,
        tokens.tokens.res,
      );
    }
  },
};

function compareRegistration(
  body: Record<string, unknown>,
  l: Record<string, unknown>,
  res: Parameters<typeof fail>[3],
): void {
  if (body.expires_in !== l.device_code) {
    fail(
      ID,
      `a registration's "expires_in" equal to dtp_lifetimes.device_code (${l.device_code})`,
      `"expires_in": ${show(body.expires_in)}`,
      res,
    );
  }
  if (body.interval !== l.interval) {
    fail(
      ID,
      `a registration's "interval" equal to dtp_lifetimes.interval (${l.interval})`,
      `"interval": ${show(body.interval)}`,
      res,
    );
  }
}

/** DTP-DISC-016: the shape of `dtp_limits`. */
function checkLimits(limits: unknown, res: Parameters<typeof fail>[3]): void {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(limits) || !isObject(limits.failed_attempts)) {
    fail(
      DISC016,
      '"dtp_limits": {"failed_attempts": {"client_secret": {"max", "window"}, "password": {…}, …}, …}',
      `"dtp_limits": ${show(limits)}`,
      res,
    );
  }
  const failed = limits.failed_attempts as Record<string, unknown>;
  for (const kind of ["client_secret", "password", "admin_key", "user_code"]) {
    const l = failed[kind];
    if (l === undefined && (kind === "admin_key" || kind === "user_code")) continue;
    const ok =
      isObject(l) &&
      isInt(l.max) &&
      l.max >= 1 &&
      l.max <= 100 &&
      isInt(l.window) &&
      l.window >= 60;
    if (!ok) {
      fail(
        DISC016,
        `"dtp_limits.failed_attempts.${kind}": {"max": 1 to 100, "window": at least 60 (seconds)}`,
        `"dtp_limits.failed_attempts.${kind}": ${show(l)}`,
        res,
      );
    }
  }
  const pending = limits.pending_registrations;
  if (pending !== undefined && (!isInt(pending) || pending < 1)) {
    fail(
      DISC016,
      '"dtp_limits.pending_registrations": a positive integer (when present)',
      `"dtp_limits.pending_registrations": ${show(pending)}`,
      res,
    );
  }
}
