/**
 * DTP-LOGIN-009 (MUST, RFC 6750 §3.1):
 * "A `/login` request with an invalid, expired or revoked device token MUST be answered 401
 * with `WWW-Authenticate` `error="invalid_token"`."
 *
 * Always with the configured user's right credentials, so that only the device token is
 * wrong:
 * - invalid (property): tokens derived from a real device token — one bit flipped in the
 *   header, payload or signature, the claims re-signed with alg `none`, truncated — and
 *   unknown tokens (random JWT-looking and opaque strings, a `dtp_pat_` look-alike), all
 *   in RFC 6750 b64token syntax so that the request itself is well formed;
 * - revoked: an unkeyed device's access token (Bearer) and, when the target offers DPoP, an
 *   Ed25519 device's bound access token (DPoP + proof), each accepted first, then revoked
 *   through `/revoke` by the device;
 * - expired: the first device's access token, accepted first, after its lifetime
 *   (`expires_in` from its receipt plus 2 s; the server applies no skew to what it issued,
 *   DTP-EXP-006).
 * - wrong kind (wrong actor): the first device's own refresh token, a real credential the
 *   target issued, presented as the bearer access token.
 * Each is answered 401 with a challenge (`Bearer`, or `DPoP` for the bound token) carrying
 * `error="invalid_token"`, and no token.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectStatus } from "../../src/check/expect.ts";
import { expectInvalidToken } from "../../src/check/expect-oauth.ts";
import {
  claimsOf,
  type Device,
  loginThrough,
  loginWith,
  OWNERS,
  type TokenHolder,
  type TokenSet,
} from "../../src/client/index.ts";
import { approvedDevice, userCredentials, waitTokenExpired } from "../../src/client/kit/index.ts";
import { encodeCompactJws, flipJwsBit, noneSigner } from "../../src/protocol/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-009";
/** RFC 6750 §2.1 b64token: a token a server must judge (not a malformed request). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "login",
    title: "Login with an invalid, revoked or expired device token → 401 invalid_token",
    specRef: "RFC 6750 §3.1",
    requires: ["device_code", "admin", "login", "user_credentials", "revocation", "refresh_token"],
    property: true,
    waits: true,
  },
  async run(ctx) {
    const user = userCredentials(ctx);
    const form = { username: user.username, password: user.password };
    const { device, tokens } = await approvedDevice(ctx, { label: "badtoken" });

    // Expired: accepted now, refused after its lifetime (waited for in parallel).
    const accepted = await loginThrough(ctx, tokens, form, "login (the device token is valid)");
    expectStatus(accepted, 200, OWNERS.login);
    const first: TokenSet = tokens.tokens; // the token that was just accepted
    const expired = waitTokenExpired(ctx, first);
    expired.catch(() => {});

    // Invalid: forged and unknown tokens.
    const real = first.accessToken;
    const claims = claimsOf(real) ?? { sub: device.clientId };
    const token = fc.oneof(
      fc
        .tuple(fc.constantFrom("header", "payload", "signature" as const), fc.nat())
        .map(([part, bit]) => flipJwsBit(real, part, bit)),
      fc.constant(encodeCompactJws({ typ: "at+jwt" }, claims, noneSigner)),
      fc.nat({ max: real.length - 2 }).map((n) => real.slice(0, n + 1)),
      fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9_-]{10,60}$/),
          fc.stringMatching(/^[A-Za-z0-9_-]{10,200}$/),
          fc.stringMatching(/^[A-Za-z0-9_-]{43,86}$/),
        )
        .map((parts) => parts.join(".")),
      fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,120}=*$/),
      fc.stringMatching(/^[A-Za-z0-9_-]{22,64}$/).map((s) => `dtp_pat_${s}`),
    );
    await ctx.property(
      "forged and unknown device tokens",
      fc.asyncProperty(
        token.filter((t) => t !== real && B64TOKEN.test(t)),
        async (t) => {
          const res = await loginWith(
            ctx,
            { accessToken: t, tokenType: "Bearer" },
            undefined,
            form,
            "login with a forged or unknown device token",
          );
          expectInvalidToken(res, ID);
          expectNoToken(res, ID, "an invalid device token");
        },
      ),
    );

    // Wrong kind: the device's own refresh token is not an access token.
    const refreshToken = first.refreshToken;
    if (refreshToken !== undefined) {
      await ctx.wrongActor(ID, "the device's refresh token as the bearer", async () => {
        const res = await loginWith(
          ctx,
          { accessToken: refreshToken, tokenType: "Bearer" },
          undefined,
          form,
          "login with the device's refresh token as the bearer",
        );
        expectInvalidToken(res, ID);
        expectNoToken(res, ID, "a refresh token as the bearer");
      });
    } else ctx.note("the device got no refresh token: a refresh token as the bearer is not tested");

    // Revoked: a Bearer device token, and a DPoP-bound one when the target offers DPoP.
    await ctx.case("a revoked Bearer device token", async () => {
      await revokedRefused(ctx, form, await approvedDevice(ctx, { label: "revoked-bearer" }));
    });
    if (ctx.target.features.has("dpop")) {
      await ctx.case("a revoked DPoP-bound device token", async () => {
        const bound = await approvedDevice(ctx, { label: "revoked-dpop", kind: "ed25519" });
        await revokedRefused(ctx, form, bound);
      });
    } else ctx.note("the target offers no DPoP: a revoked bound device token is not tested");

    // Expired.
    await expired;
    await ctx.case("the expired device token", async () => {
      const res = await loginWith(
        ctx,
        first,
        device.dpop,
        form,
        "login with the expired device token",
      );
      expectInvalidToken(res, ID);
      expectNoToken(res, ID, "an expired device token");
    });
  },
};

/** The device's access token works at /login, is revoked, then is refused. */
async function revokedRefused(
  ctx: CheckContext,
  form: Record<string, string>,
  { device, tokens: holder }: { device: Device; tokens: TokenHolder },
): Promise<void> {
  const what = device.dpop ? "DPoP-bound device token" : "Bearer device token";
  const ok = await loginThrough(ctx, holder, form, `login (the ${what} is valid)`);
  expectStatus(ok, 200, OWNERS.login);
  const tokens = holder.tokens;
  expectStatus(await device.revoke(tokens.accessToken, "access_token"), 200, OWNERS.revoke);
  const res = await loginWith(ctx, tokens, device.dpop, form, `login with the revoked ${what}`);
  expectInvalidToken(res, ID);
  expectNoToken(res, ID, `a revoked ${what}`);
}
