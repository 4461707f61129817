/**
 * DTP-REF-005 (MUST, DTP; RFC 9700 §4.14.2):
 * "Within `dtp_refresh_token_reuse_grace_period` seconds after a rotation, presenting the
 * rotated refresh token again MUST NOT revoke the family; the server MAY answer it with a
 * new token pair or with 400 `invalid_grant`."
 *
 * The grace period is the one the target declares in its metadata (default 0). With 0 there
 * is no window to test (DTP-REF-002 then covers reuse right after a rotation) and the check
 * is SKIPPED, naming the setting.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import { declaredGrace, meOk, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectRefreshed } from "./_helpers.ts";

const ID = "DTP-REF-005";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title:
      "A rotated refresh token presented again within the declared grace period does not revoke the family",
    specRef: "RFC 9700 §4.14.2; DTP",
    requires: ["refresh_token", "resource", "admin"],
  },
  async run(ctx) {
    const grace = declaredGrace(ctx.target);
    if (grace === 0) {
      ctx.notClaimed(
        "the target declares dtp_refresh_token_reuse_grace_period = 0 (or nothing): there is no grace window to test; reuse right after a rotation is checked by DTP-REF-002",
      );
    }
    // Two attempts: a slow network may push the reuse past the window (then nothing can be
    // concluded about this requirement from that attempt).
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (await attemptWithinGrace(ctx, grace)) return;
      ctx.note(`attempt ${attempt}: the reuse did not complete within the ${grace} s window`);
    }
    ctx.skip(
      `could not present the rotated token within the declared ${grace} s grace period (the exchanges took longer): run closer to the target`,
    );
  },
};

/** One scenario; false when the reuse fell outside the window (inconclusive). */
async function attemptWithinGrace(ctx: CheckContext, grace: number): Promise<boolean> {
  const { device, tokens } = await approvedDevice(ctx, { label: "grace" });
  const issued = withRefreshToken(tokens.tokens);
  const sent = ctx.clock.now();
  const first = expectRefreshed(ctx, await device.refresh(issued.refreshToken), "DTP-REF-001");
  const reuse = await device.refresh(issued.refreshToken);
  if (ctx.clock.now() - sent >= grace * 1000) return false;

  let latest = first;
  const body = reuse.body as { error?: unknown } | undefined;
  if (reuse.status === 200) {
    latest = expectRefreshed(ctx, reuse, ID);
    ctx.note("the server answered the reuse within the grace period with a new token pair");
  } else if (!(reuse.status === 400 && body?.error === "invalid_grant")) {
    fail(
      ID,
      "a new token pair (200) or 400 invalid_grant for a reuse within the grace period",
      describe(reuse),
      reuse,
    );
  } else {
    ctx.note("the server answered the reuse within the grace period with invalid_grant");
  }
  // The family is alive: the access tokens issued so far work, and the latest refresh
  // token can be refreshed.
  await meOk(ctx, first, {
    dpop: device.dpop,
    requirement: ID,
    label: "GET /me (token from the rotation)",
  });
  if (latest !== first) {
    await meOk(ctx, latest, {
      dpop: device.dpop,
      requirement: ID,
      label: "GET /me (token from the reuse)",
    });
  }
  const next = await device.refresh(latest.refreshToken);
  if (next.status !== 200) {
    fail(
      ID,
      "the family to stay alive: the latest refresh token refreshes (200)",
      describe(next),
      next,
    );
  }
  return true;
}
