/**
 * DTP-REF-006 (MUST, RFC 6749 §6):
 * "When a refresh issues a new refresh token, its scope MUST be identical to the scope of
 * the presented refresh token, also when the request narrows the access token's scope."
 *
 * DTP-REF-007 (MUST, RFC 6749 §6, §5.2):
 * "A refresh request with a `scope` containing a value outside the presented refresh
 * token's scope MUST be answered 400 OAuth error `invalid_scope`."
 *
 * Property: for a generated subset (in any order) of the granted scope, and a generated
 * scope with at least one value outside it, on one device whose refresh chain continues
 * from run to run. The scopes of the new tokens are read by introspection (and the token
 * response's `scope`, when present, must say the same).
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import { expectActive } from "../../src/check/expect-oauth.ts";
import { type Device, scopeList, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectRefreshed, type Pair } from "./_helpers.ts";

/** Space-separated scope as a sorted set string, for comparisons ("login me"). */
const scopeSet = (scope: string): string => (scopeList(scope) ?? []).join(" ");

const ID = "DTP-REF-006";
const GRANTED = ["me", "login"];
const OUTSIDE = ["tokens", "service", "admin", "openid", "offline_access", "me:write", "Me"];

interface Holder {
  device: Device;
  refreshToken: string;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REF-007"],
    level: "MUST",
    area: "refresh",
    title:
      "scope on refresh may only narrow: a subset is issued exactly, anything else is invalid_scope",
    specRef: "RFC 6749 §6, §5.2",
    requires: ["refresh_token", "introspection", "admin", "dtp"],
    property: true,
  },
  async run(ctx) {
    const holder = await newHolder(ctx);
    const subset = fc
      .subarray(GRANTED, { minLength: 1 })
      .chain((s) => fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }));
    const outside = fc.oneof(
      fc.constantFrom(...OUTSIDE),
      fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,11}$/).filter((s) => !GRANTED.includes(s)),
    );
    const bad = fc
      .tuple(fc.subarray(GRANTED), fc.uniqueArray(outside, { minLength: 1, maxLength: 2 }))
      .chain(([inside, extra]) =>
        fc.shuffledSubarray([...inside, ...extra], {
          minLength: inside.length + extra.length,
          maxLength: inside.length + extra.length,
        }),
      );
    await ctx.property(
      "a narrower scope, then one with a value outside",
      fc.asyncProperty(subset, bad, async (narrow, invalid) => {
        // DTP-REF-007: a value outside the token's scope.
        const rejected = await holder.device.refresh(holder.refreshToken, {
          scope: invalid.join(" "),
        });
        expectOAuthError(rejected, { status: 400, error: "invalid_scope" }, "DTP-REF-007");

        // DTP-REF-006: a subset is issued exactly; the refresh token keeps the full scope.
        let res = await holder.device.refresh(holder.refreshToken, { scope: narrow.join(" ") });
        if (res.status === 400 && (res.body as { error?: unknown })?.error === "invalid_grant") {
          // The rejected request consumed the token: not what these requirements are about.
          ctx.note(
            "an invalid_scope request consumed the refresh token; continued on a new device",
          );
          Object.assign(holder, await newHolder(ctx));
          res = await holder.device.refresh(holder.refreshToken, { scope: narrow.join(" ") });
        }
        const pair: Pair = expectRefreshed(ctx, res, ID);
        const want = scopeSet(narrow.join(" "));
        if (pair.scope !== undefined && scopeSet(pair.scope) !== want) {
          fail(ID, `"scope": "${want}" in the token response`, `"scope": "${pair.scope}"`, res);
        }
        const access = expectActive(
          await holder.device.introspect(pair.accessToken, { label: "introspect new access" }),
          ID,
        );
        if (typeof access.scope !== "string" || scopeSet(access.scope) !== want) {
          fail(
            ID,
            `the new access token's scope to be exactly "${want}"`,
            `introspection "scope": ${JSON.stringify(access.scope)}`,
          );
        }
        const rt = expectActive(
          await holder.device.introspect(pair.refreshToken, { label: "introspect new refresh" }),
          ID,
        );
        const full = scopeSet(GRANTED.join(" "));
        if (typeof rt.scope !== "string" || scopeSet(rt.scope) !== full) {
          fail(
            ID,
            `the new refresh token to keep the presented scope "${full}"`,
            `introspection "scope": ${JSON.stringify(rt.scope)}`,
          );
        }
        holder.refreshToken = pair.refreshToken;
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 2)) },
    );
  },
};

/** A device registered with scope "me login" (the DTP default, asked for explicitly). */
async function newHolder(ctx: CheckContext): Promise<Holder> {
  const { device, tokens } = await approvedDevice(ctx, {
    label: "scope",
    register: { scope: GRANTED.join(" ") },
  });
  const granted = tokens.tokens.scope;
  if (granted !== undefined && scopeSet(granted) !== scopeSet(GRANTED.join(" "))) {
    ctx.skip(
      `the device was registered with scope "me login" but was granted "${granted}": the check needs both`,
    );
  }
  return { device, refreshToken: withRefreshToken(tokens.tokens).refreshToken };
}
