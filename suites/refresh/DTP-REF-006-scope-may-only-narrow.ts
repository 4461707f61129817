/**
 * DTP-REF-006 (MUST, RFC 6749 §6):
 * "When a refresh issues a new refresh token, its scope MUST be identical to the scope of
 * the presented refresh token, also when the request narrows the access token's scope."
 *
 * DTP-REF-007 (MUST, RFC 6749 §6, §5.2):
 * "A refresh request with a `scope` containing a value outside the presented refresh
 * token's scope MUST be answered 400 OAuth error `invalid_scope`."
 *
 * DTP-REF-050 (MUST, RFC 6749 §6):
 * "A refresh request without `scope` MUST be treated as a request for the scope originally
 * granted: the new access token MUST NOT carry a scope outside it."
 *
 * DTP-REF-051 (MUST, DTP; RFC 6749 §6):
 * "A refresh request with a `scope` that is a subset of the presented refresh token's scope
 * MUST issue an access token with exactly that scope."
 *
 * Property: for a generated subset (in any order) of the granted scope, and a generated
 * scope with at least one value outside it, on one device whose refresh chain continues
 * from run to run. Then a refresh without `scope` (DTP-REF-050). The scopes of the new
 * tokens are read by introspection (and the token response's `scope`, when present).
 *
 * The granted scope: on a DTP target "me login" (registered explicitly); under the OAuth
 * profile the scope the kit's device authorization asks for (`oauth.scope`), as the first
 * token response grants it. That a narrowed request gets exactly the subset is DTP's
 * (DTP-REF-051): RFC 6749 §3.3 lets a server issue another scope than the one asked for, so
 * elsewhere a different one is noted. DTP-REF-006 holds only when a new refresh token is
 * issued (a server may keep it: RFC 6749 §6).
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import { expectActive } from "../../src/check/expect-oauth.ts";
import {
  type Device,
  readStepTokens,
  scopeList,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";

/** Space-separated scope as a sorted set string, for comparisons ("login me"). */
const scopeSet = (scope: string): string => (scopeList(scope) ?? []).join(" ");

const ID = "DTP-REF-006";
const WIDENED = "DTP-REF-007";
const NO_SCOPE = "DTP-REF-050";
const EXACT = "DTP-REF-051";
const DTP_SCOPE = ["me", "login"];
const OUTSIDE = ["tokens", "service", "admin", "openid", "offline_access", "me:write", "Me"];

interface Holder {
  device: Device;
  refreshToken: string;
  /** The scope granted at first (the refresh token's). */
  granted: string[];
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, WIDENED, NO_SCOPE, EXACT],
    level: "MUST",
    area: "refresh",
    title:
      "scope on refresh may only narrow: a subset is issued exactly, anything else is invalid_scope, none is the grant",
    specRef: "RFC 6749 §6, §5.2",
    requires: ["refresh_token", "introspection", "admin"],
    property: true,
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    const holder = await newHolder(ctx);
    const { granted } = holder;
    const subset = fc
      .subarray(granted, { minLength: 1 })
      .chain((s) => fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }));
    const outside = fc.oneof(
      fc.constantFrom(...OUTSIDE.filter((s) => !granted.includes(s))),
      fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,11}$/).filter((s) => !granted.includes(s)),
    );
    const bad = fc
      .tuple(fc.subarray(granted), fc.uniqueArray(outside, { minLength: 1, maxLength: 2 }))
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
        expectOAuthError(rejected, { status: 400, error: "invalid_scope" }, WIDENED);

        // DTP-REF-051 / DTP-REF-006: a subset is issued exactly; the refresh token keeps the
        // full scope.
        let res = await holder.device.refresh(holder.refreshToken, { scope: narrow.join(" ") });
        if (res.status === 400 && (res.body as { error?: unknown })?.error === "invalid_grant") {
          // The rejected request consumed the token: not what these requirements are about.
          ctx.note(
            "an invalid_scope request consumed the refresh token; continued on a new device",
          );
          Object.assign(holder, await newHolder(ctx));
          res = await holder.device.refresh(holder.refreshToken, { scope: narrow.join(" ") });
        }
        const pair = readStepTokens(ctx, res, "DTP-REF-001", "a refresh");
        const presented = holder.refreshToken;
        holder.refreshToken = pair.refreshToken ?? presented;
        const want = scopeSet(narrow.join(" "));
        const issued = await accessScope(holder, pair, EXACT);
        if (dtp && pair.scope !== undefined && scopeSet(pair.scope) !== want) {
          fail(EXACT, `"scope": "${want}" in the token response`, `"scope": "${pair.scope}"`, res);
        }
        if (issued !== want) {
          if (dtp) {
            fail(
              EXACT,
              `the new access token's scope to be exactly "${want}"`,
              `introspection "scope": ${JSON.stringify(issued)}`,
            );
          }
          ctx.note(
            `a refresh narrowed to "${want}" issued an access token with scope "${issued}" (RFC 6749 §3.3 allows another scope; DTP-REF-051 is DTP's)`,
          );
        }
        await expectRefreshTokenKeepsScope(holder, pair, presented);
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 2)) },
    );

    // DTP-REF-050: no scope = the scope originally granted, nothing outside it.
    await ctx.case("a refresh without scope", async () => {
      const res = await holder.device.refresh(
        holder.refreshToken,
        {},
        { label: "refresh (no scope)" },
      );
      const pair = readStepTokens(ctx, res, "DTP-REF-001", "a refresh");
      const presented = holder.refreshToken;
      holder.refreshToken = pair.refreshToken ?? presented;
      const grant = holder.granted;
      const beyond = (scope: string) => (scopeList(scope) ?? []).filter((s) => !grant.includes(s));
      if (pair.scope !== undefined && beyond(pair.scope).length > 0) {
        fail(
          NO_SCOPE,
          `the scope of a refresh without "scope" within the grant "${grant.join(" ")}"`,
          `"scope": "${pair.scope}" in the token response`,
          res,
        );
      }
      const issued = await accessScope(holder, pair, NO_SCOPE);
      if (beyond(issued).length > 0) {
        fail(
          NO_SCOPE,
          `the new access token's scope within the grant "${grant.join(" ")}"`,
          `introspection "scope": "${issued}" (${beyond(issued).join(", ")} never granted)`,
          res,
        );
      }
      await expectRefreshTokenKeepsScope(holder, pair, presented);
    });
  },
};

/** The new access token's scope (sorted set string) by introspection; fails `requirement`. */
async function accessScope(holder: Holder, pair: TokenSet, requirement: string): Promise<string> {
  const access = expectActive(
    await holder.device.introspect(pair.accessToken, { label: "introspect new access" }),
    requirement,
  );
  if (typeof access.scope !== "string") {
    fail(
      requirement,
      'the new access token\'s "scope" in introspection',
      JSON.stringify(access.scope) ?? "absent",
    );
  }
  return scopeSet(access.scope);
}

/**
 * DTP-REF-006: a new refresh token (one other than `presented`) keeps the granted scope; a
 * target that keeps the presented one has nothing to judge here.
 */
async function expectRefreshTokenKeepsScope(
  holder: Holder,
  pair: TokenSet,
  presented: string,
): Promise<void> {
  const next = pair.refreshToken;
  if (next === undefined || next === presented) return;
  const rt = expectActive(
    await holder.device.introspect(next, { label: "introspect new refresh" }),
    ID,
  );
  const full = scopeSet(holder.granted.join(" "));
  if (typeof rt.scope !== "string" || scopeSet(rt.scope) !== full) {
    fail(
      ID,
      `the new refresh token to keep the presented scope "${full}"`,
      `introspection "scope": ${JSON.stringify(rt.scope)}`,
      pair.res,
    );
  }
}

/**
 * A device with its granted scope: on a DTP target registered with scope "me login" (the
 * DTP default, asked for explicitly); under the OAuth profile with the config's scope, the
 * grant read from the token response (or, without `scope` there, the scope asked for).
 */
async function newHolder(ctx: CheckContext): Promise<Holder> {
  if (!ctx.target.features.has("dtp")) {
    const { device, tokens } = await approvedDevice(ctx, { label: "scope" });
    const granted = scopeList(tokens.tokens.scope ?? device.scope);
    if (granted === undefined || granted.length === 0) {
      ctx.skip("the kit asked for no scope (oauth.scope) and the token response names none");
    }
    return { device, refreshToken: withRefreshToken(tokens.tokens).refreshToken, granted };
  }
  const { device, tokens } = await approvedDevice(ctx, {
    label: "scope",
    register: { scope: DTP_SCOPE.join(" ") },
  });
  const granted = tokens.tokens.scope;
  if (granted !== undefined && scopeSet(granted) !== scopeSet(DTP_SCOPE.join(" "))) {
    ctx.skip(
      `the device was registered with scope "me login" but was granted "${granted}": the check needs both`,
    );
  }
  return {
    device,
    refreshToken: withRefreshToken(tokens.tokens).refreshToken,
    granted: [...DTP_SCOPE],
  };
}
