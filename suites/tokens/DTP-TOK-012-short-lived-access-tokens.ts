/**
 * DTP-TOK-012 (SHOULD, RFC 9700 §4.14.2; SAFEQ Cloud "User and device tokens"):
 * "Access tokens SHOULD be short-lived: `dtp_lifetimes.access_token` SHOULD NOT exceed 3600
 * seconds, and `dtp_lifetimes.refresh_token` SHOULD NOT exceed 7776000 seconds (90 days)."
 *
 * The declared lifetimes, and the `expires_in` of a device token actually issued.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { deviceIssued } from "../../src/client/kit/index.ts";

const ID = "DTP-TOK-012";
const MAX_ACCESS = 3600;
const MAX_REFRESH = 7_776_000;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "SHOULD",
    area: "tokens",
    title: "Access tokens live at most 1 h and refresh tokens at most 90 days",
    specRef: 'RFC 9700 §4.14.2; SAFEQ Cloud "User and device tokens"',
    requires: ["dtp", "device_code", "admin"],
  },
  async run(ctx) {
    const lifetimes = ctx.target.metadata.dtp_lifetimes as Record<string, unknown> | undefined;
    const access = lifetimes?.access_token;
    const refresh = lifetimes?.refresh_token;
    if (typeof access !== "number" || typeof refresh !== "number") {
      fail(
        ID,
        "dtp_lifetimes.access_token and dtp_lifetimes.refresh_token (seconds) in the metadata",
        `dtp_lifetimes: ${JSON.stringify(lifetimes) ?? "absent"}`,
      );
    }
    if (access > MAX_ACCESS) {
      fail(ID, `dtp_lifetimes.access_token ≤ ${MAX_ACCESS} s`, `${access} s`);
    }
    if (refresh > MAX_REFRESH) {
      fail(ID, `dtp_lifetimes.refresh_token ≤ ${MAX_REFRESH} s (90 days)`, `${refresh} s`);
    }
    const { issued } = await deviceIssued(ctx);
    if (issued.tokens.expiresIn > MAX_ACCESS) {
      fail(
        ID,
        `an issued access token to live ≤ ${MAX_ACCESS} s`,
        `expires_in ${issued.tokens.expiresIn}`,
        issued.res,
      );
    }
  },
};
