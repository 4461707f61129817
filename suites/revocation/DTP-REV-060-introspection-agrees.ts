/**
 * DTP-REV-060 (MUST, RFC 7662 §2.2, §4):
 * "Introspection MUST agree with what a token can still do: a refresh token the token
 * endpoint refuses as revoked, rotated away or expired, and an access token a protected
 * resource refuses as revoked or expired, MUST introspect `active` false from the next
 * request on."
 *
 * One family of a new device: the first refresh token is rotated away and introspected at
 * once, then presented again; when the token endpoint refuses it (400 `invalid_grant`), the
 * earlier introspection must have said `active` false (with a declared reuse grace period
 * the case is left out: within it the token is still good). Then every token of the family
 * that the token endpoint or the resource now refuses (reuse detection revokes the family,
 * RFC 9700 §4.14.2; a target that does not is judged on what it refuses) is introspected,
 * and with an access token of a second device, after waiting out its lifetime, when that
 * fits the wait budget. A target that neither rotates nor refuses a reused token gives
 * nothing to judge for that part (noted). Revoked tokens are introspected by DTP-REV-001;
 * an expired refresh token is not waited for (long lifetimes; DTP-EXP-003).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectJson, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  type Device,
  declaredGrace,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice, waitTokenExpired } from "../../src/client/kit/index.ts";

const ID = "DTP-REV-060";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "revocation",
    title:
      "Introspection agrees with the token and resource endpoints: a refused refresh or access token introspects inactive",
    specRef: "RFC 7662 §2.2, §4",
    requires: ["introspection", "refresh_token", "admin"],
    waits: true,
  },
  async run(ctx) {
    const resource = ctx.target.features.has("resource");
    const expired = resource ? expiredAccessToken(ctx) : undefined;
    expired?.catch(() => {}); // awaited below

    const { device, tokens } = await approvedDevice(ctx, { label: "agree" });
    const first = withRefreshToken(tokens.tokens);
    const second = withRefreshToken(await device.refreshed(first));
    const grace = ctx.target.features.has("dtp") ? declaredGrace(ctx.target) : 0;
    if (second.refreshToken === first.refreshToken) {
      ctx.note("the target does not rotate refresh tokens: no rotated-away token to introspect");
    } else if (grace > 0) {
      ctx.note(`a reuse grace period of ${grace} s is declared: the rotated-away case left out`);
    } else {
      await ctx.case("a rotated-away refresh token", async () => {
        const before = await device.introspect(first.refreshToken, {
          label: "introspect the rotated-away refresh token",
        });
        const reuse = await device.refresh(first.refreshToken);
        if (!refusedGrant(reuse)) {
          ctx.note(`the rotated-away refresh token was answered ${describe(reuse)}: not judged`);
          return;
        }
        expectInactive(before, "a refresh token the token endpoint refuses (rotated away)");
      });
    }

    // Whatever the token and resource endpoints now refuse introspects inactive.
    await ctx.case("the family's refresh token", () =>
      refreshAgrees(ctx, device, second.refreshToken),
    );
    if (resource) {
      for (const [pair, name] of [
        [first, "the first access token"],
        [second, "the second access token"],
      ] as const) {
        await ctx.case(name, () => accessAgrees(ctx, device, pair, name));
      }
      const exp = await expired;
      if (exp !== undefined) {
        await ctx.case("an expired access token", () =>
          accessAgrees(ctx, exp.device, exp.tokens, "an expired access token"),
        );
      }
    }
  },
};

/** A second device's access token, once its lifetime is over (undefined: does not fit). */
async function expiredAccessToken(
  ctx: CheckContext,
): Promise<{ device: Device; tokens: TokenSet } | undefined> {
  const { device, tokens } = await approvedDevice(ctx, { label: "agree-exp" });
  const pinned = tokens.tokens;
  if (pinned.expiresIn + 1 > ctx.waitBudget()) {
    ctx.note(
      `expired access token not tested: waiting ${pinned.expiresIn + 1} s does not fit --max-wait (shorten dtp_lifetimes.access_token)`,
    );
    return undefined;
  }
  await waitTokenExpired(ctx, pinned);
  return { device, tokens: pinned };
}

/** When the token endpoint refuses `refreshToken`, introspection must say inactive. */
async function refreshAgrees(ctx: CheckContext, device: Device, refreshToken: string) {
  const res = await device.refresh(refreshToken);
  if (!refusedGrant(res)) {
    ctx.note(`the family's refresh token is still accepted (${res.status}): not judged`);
    return;
  }
  const info = await device.introspect(refreshToken, { label: "introspect the refused refresh" });
  expectInactive(info, "a refresh token the token endpoint refuses");
}

/** When the resource refuses `tokens`, introspection must say inactive. */
async function accessAgrees(ctx: CheckContext, device: Device, tokens: TokenSet, name: string) {
  const res = await callResource(ctx, tokens, device.dpop, `resource with ${name}`);
  if (res.status !== 401) {
    ctx.note(`${name}: the resource answered ${res.status}, not a refusal: not judged`);
    return;
  }
  const info = await device.introspect(tokens.accessToken, { label: `introspect ${name}` });
  expectInactive(info, `an access token the resource refuses (${name})`);
}

function refusedGrant(res: HttpResponse): boolean {
  return (
    res.status === 400 && (res.body as { error?: unknown } | undefined)?.error === "invalid_grant"
  );
}

/** 200 with `active` false (the other members are DTP-REV-057/058's). */
function expectInactive(res: HttpResponse, what: string): void {
  if (res.status !== 200) fail(ID, `200 with "active": false for ${what}`, describe(res), res);
  const body = expectJson(res, ID);
  if (body.active !== false) {
    fail(ID, `"active": false for ${what}`, `"active": ${JSON.stringify(body.active)}`, res);
  }
}
