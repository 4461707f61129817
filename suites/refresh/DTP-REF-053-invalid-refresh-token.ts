/**
 * DTP-REF-053 (MUST, RFC 6749 §5.2, §6):
 * "A refresh request with an unknown, malformed, expired or revoked refresh token MUST be
 * answered 400 OAuth error `invalid_grant`."
 *
 * One approved device, authenticated as the target wants, presents refresh tokens it was
 * never issued (property): a random one of the real token's length and alphabet (unknown),
 * and the real one altered — one character changed (never the last, whose spare base64
 * bits a lenient decoder may ignore), cut short, or with letters and digits appended — or
 * any string of visible ASCII characters (malformed, but within RFC 6749 Appendix A.17's
 * `1*VSCHAR`, so not a syntax error of the request: `invalid_request` is wrong). Then, when
 * the target offers revocation, the real token revoked (RFC 7009) and presented. Expired
 * tokens: DTP-EXP-003 on DTP targets, which declare the lifetime (a plain OAuth server does
 * not say when its refresh tokens expire).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectInvalidGrant } from "../../src/check/expect-oauth.ts";
import { withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice, offers } from "../../src/client/kit/index.ts";

const ID = "DTP-REF-053";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A refresh token the target never issued, derived from (or shaped like) `real`. */
function notIssued(real: string): fc.Arbitrary<{ kind: string; token: string }> {
  // Nothing here depends on the real token's characters, only on its length: a replay
  // (`--replay-path`) gets a new token and must walk the same shrink tree.
  const alphabet = `${ALNUM}-_`;
  const char = (from: string) => fc.constantFrom(...from);
  const shaped = fc.array(char(alphabet), { minLength: real.length, maxLength: real.length });
  const visible = fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 64,
  });
  const arbitraries = [
    shaped.map((cs) => ({ kind: "unknown", token: cs.join("") })),
    fc.string({ unit: char(ALNUM), minLength: 1, maxLength: 8 }).map((s) => ({
      kind: "with a suffix",
      token: real + s,
    })),
    visible.map((token) => ({ kind: "malformed", token })),
  ];
  if (real.length > 1) {
    arbitraries.push(
      fc.integer({ min: 1, max: real.length - 1 }).map((n) => ({
        kind: "cut short",
        token: real.slice(0, n),
      })),
    );
    arbitraries.push(
      fc
        .tuple(fc.integer({ min: 0, max: real.length - 2 }), fc.nat({ max: ALNUM.length - 2 }))
        .map(([i, k]) => {
          // The k-th alphanumeric character other than the one at i.
          const others = ALNUM.replace(real[i]!, "");
          const c = others[k % others.length]!;
          return { kind: "one character changed", token: real.slice(0, i) + c + real.slice(i + 1) };
        }),
    );
  }
  return fc.oneof(...arbitraries).filter((x) => x.token !== real);
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title: "A refresh token the target never issued, or one it revoked, is invalid_grant",
    specRef: "RFC 6749 §5.2, §6",
    requires: ["refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const { device, tokens } = await approvedDevice(ctx, { label: "bad-refresh" });
    const real = withRefreshToken(tokens.tokens).refreshToken;
    await ctx.property(
      "refresh tokens never issued",
      fc.asyncProperty(notIssued(real), async ({ kind, token }) => {
        const res = await device.refresh(token, {}, { label: `refresh (${kind} token)` });
        expectInvalidGrant(res, ID);
      }),
      { numRuns: Math.max(5, Math.ceil(ctx.fc.numRuns / 2)) },
    );
    if (!offers(ctx, "revocation")) {
      ctx.note("revoked refresh token not tried: the target offers no revocation endpoint");
      return;
    }
    await ctx.case("a revoked refresh token", async () => {
      const revoked = await device.revoke(real, "refresh_token");
      if (revoked.status !== 200) {
        ctx.note(
          `revoking the refresh token was answered ${revoked.status} (DTP-REV-001's to judge): not presented again`,
        );
        return;
      }
      const res = await device.refresh(real, {}, { label: "refresh (revoked token)" });
      expectInvalidGrant(res, ID);
    });
  },
};
