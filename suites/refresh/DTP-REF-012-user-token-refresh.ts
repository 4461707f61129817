/**
 * DTP-REF-012 (MUST, SAFEQ Cloud "User and device tokens"; "API authentication" (DeviceToken)):
 * "Refreshing a user token (authenticated as the device it was obtained through) MUST
 * return a user token with the same `sub`, `client_id` and `dtp_kind` `user`."
 *
 * The configured user logs in through a new device; the device refreshes the user token.
 * The claims are compared by introspection (the device introspects its own tokens).
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { expectActive } from "../../src/check/expect-oauth.ts";
import { withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice, loggedInUser } from "../../src/client/kit/index.ts";
import { expectRefreshed } from "./_helpers.ts";

const ID = "DTP-REF-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title: "Refreshing a user token returns a user token with the same sub and client_id",
    specRef: 'SAFEQ Cloud "User and device tokens"; "API authentication" (DeviceToken)',
    requires: ["refresh_token", "login", "user_credentials", "introspection", "admin"],
  },
  async run(ctx) {
    const dev = await approvedDevice(ctx, { label: "user" });
    const { device } = dev;
    const user = withRefreshToken((await loggedInUser(ctx, { through: dev })).tokens.tokens);
    const before = expectActive(
      await device.introspect(user.accessToken, { label: "introspect user token" }),
      ID,
    );
    if (before.dtp_kind !== "user" || before.client_id !== device.clientId) {
      fail(
        ID,
        `a user token for client_id ${device.clientId} from /login`,
        `dtp_kind ${JSON.stringify(before.dtp_kind)}, client_id ${JSON.stringify(before.client_id)}`,
      );
    }
    const next = expectRefreshed(ctx, await device.refresh(user.refreshToken), ID);
    const after = expectActive(
      await device.introspect(next.accessToken, { label: "introspect refreshed user token" }),
      ID,
    );
    for (const [field, want] of [
      ["sub", before.sub],
      ["client_id", device.clientId],
      ["dtp_kind", "user"],
    ] as const) {
      if (after[field] !== want || want === undefined) {
        fail(
          ID,
          `the refreshed token's ${field} = ${JSON.stringify(want)}`,
          `${field} = ${JSON.stringify(after[field])}`,
          next.res,
        );
      }
    }
  },
};
