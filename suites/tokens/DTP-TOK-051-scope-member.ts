/**
 * DTP-TOK-051 (MUST, RFC 6749 §3.3, §5.1):
 * "The `scope` member of a token response, when present, MUST be the scope of the issued
 * access token, and it MUST be present when that scope differs from the scope the client
 * requested."
 *
 * Three token responses, each with the scope its request asked for: a device token (the
 * scope of the device authorization request: "me login" on a DTP target, `oauth.scope`
 * under the OAuth profile), a refresh narrowed to one of the granted values, and a refresh
 * without `scope` (which asks for the scope originally granted, RFC 6749 §6). The issued
 * access token's scope is read by introspection (RFC 7662 §2.2), or, without an
 * introspection endpoint, from the `scope` claim of a JWT access token (RFC 9068 §2.2.3);
 * a response whose token's scope the kit cannot read is noted, not judged. Scopes compare
 * as sets (RFC 6749 §3.3: the order does not matter).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import {
  claimsOf,
  type Device,
  readStepTokens,
  scopeList,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice, offers } from "../../src/client/kit/index.ts";

const ID = "DTP-TOK-051";
const DTP_SCOPE = "me login";

const asSet = (scope: string): string => (scopeList(scope) ?? []).join(" ");

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "tokens",
    title: "A token response's scope is the access token's, and is there when it differs",
    specRef: "RFC 6749 §3.3, §5.1",
    requires: ["device_code", "admin"],
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    let judged = 0;
    const judge = async (device: Device, tokens: TokenSet, requested: string, what: string) => {
      const issued = await accessScope(ctx, device, tokens);
      if (issued === undefined) {
        ctx.note(`${what}: the access token's scope cannot be read (no introspection, no JWT)`);
        return;
      }
      judged++;
      expectScopeMember(tokens, requested, issued, what);
    };

    const requested = dtp ? DTP_SCOPE : ctx.target.config.oauth?.scope;
    const { device, tokens } = await approvedDevice(ctx, {
      label: "scope",
      ...(dtp ? { register: { scope: DTP_SCOPE } } : {}),
    });
    const first = tokens.tokens;
    await ctx.case("the device token", async () => {
      if (requested === undefined) {
        ctx.note("the device token: the kit asked for no scope (oauth.scope), nothing to compare");
        return;
      }
      await judge(device, first, requested, "the device token");
    });
    const granted = scopeList(first.scope ?? requested);
    if (!offers(ctx, "refresh_token") || granted === undefined || granted.length === 0) {
      ctx.note("refreshed tokens not examined: no refresh_token grant, or no known grant");
    } else {
      let current = withRefreshToken(first).refreshToken;
      const narrow = granted[0]!;
      await ctx.case("a refresh narrowed to one value", async () => {
        const res = await device.refresh(
          current,
          { scope: narrow },
          { label: "refresh (narrowed)" },
        );
        const next = readStepTokens(ctx, res, "DTP-REF-001", "a refresh");
        current = next.refreshToken ?? current;
        await judge(device, next, narrow, `a refresh asking for "${narrow}"`);
      });
      await ctx.case("a refresh without scope", async () => {
        const res = await device.refresh(current, {}, { label: "refresh (no scope)" });
        const next = readStepTokens(ctx, res, "DTP-REF-001", "a refresh");
        await judge(device, next, granted.join(" "), "a refresh without scope");
      });
    }
    if (judged === 0) {
      ctx.skip(
        "the scope of no access token could be read: the target has no introspection endpoint and its access tokens are not JWTs",
      );
    }
  },
};

/** RFC 6749 §5.1: `scope` present → the token's; absent → the token's is the requested one. */
function expectScopeMember(
  tokens: TokenSet,
  requested: string,
  issued: string,
  what: string,
): void {
  const member = tokens.res.body as { scope?: unknown } | undefined;
  if (member?.scope !== undefined) {
    if (typeof member.scope !== "string" || asSet(member.scope) !== issued) {
      fail(
        ID,
        `${what}: "scope" in the token response = the access token's scope "${issued}"`,
        `"scope": ${JSON.stringify(member.scope)}`,
        tokens.res,
      );
    }
    return;
  }
  if (issued !== asSet(requested)) {
    fail(
      ID,
      `${what}: a "scope" member, since the access token's scope "${issued}" is not the requested "${asSet(requested)}"`,
      'no "scope" in the token response',
      tokens.res,
    );
  }
}

/** The access token's scope as a set string: introspection, else a JWT's `scope` claim. */
async function accessScope(
  ctx: CheckContext,
  device: Device,
  tokens: TokenSet,
): Promise<string | undefined> {
  if (offers(ctx, "introspection")) {
    const res = await device.introspect(tokens.accessToken, {
      label: "introspect the access token",
    });
    const body = res.body as { active?: unknown; scope?: unknown } | undefined;
    if (res.status === 200 && body?.active === true && typeof body.scope === "string") {
      return asSet(body.scope);
    }
  }
  const claim = claimsOf(tokens.accessToken)?.scope;
  return typeof claim === "string" ? asSet(claim) : undefined;
}
