/**
 * DTP-REF-054 (MUST, RFC 9700 §4.14.2):
 * "For refresh tokens issued to a public client, the server MUST detect replay by one of
 * two methods: sender-constraining them (e.g. DPoP: a refresh without a proof of the bound
 * key fails), or rotation (every refresh issues a new refresh token, the previous one is
 * invalidated, and presenting an invalidated one revokes the active refresh token)."
 *
 * Either method satisfies it, so each refresh token is judged by what it is:
 * - A refresh token issued to a DPoP proof is tried without a proof and with a valid proof by
 *   another key. Both refused: it is sender-constrained, done. One accepted: it is not, and
 *   rotation must hold from that refresh on.
 * - A refresh token issued without a proof cannot be sender-constrained by anything the kit
 *   presented (no DPoP key, no TLS client certificate), so rotation must hold.
 * Rotation: the refresh returns a refresh token other than the presented one; the presented
 * one, sent again (after the declared `dtp_refresh_token_reuse_grace_period`, when there is
 * one), is refused; and after that, the new one is refused too (the active token revoked).
 *
 * The public client: under the OAuth profile the config's `"authMethod": "none"` client (not
 * claimed when the metadata offers no `none`); on a DTP target every device, since the
 * vendor API key it authenticates with is shared by all of the vendor's devices and does not
 * make a device a confidential client (RFC 6749 §2.1; see docs/decisions.md).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  type Device,
  DpopSession,
  declaredGrace,
  generateDeviceKey,
  readStepTokens,
  withRefreshToken,
} from "../../src/client/index.ts";
import {
  approvedDevice,
  type NewDeviceOptions,
  oauthPublicClient,
  offeredAuthMethods,
  offers,
  waitPast,
} from "../../src/client/kit/index.ts";

const ID = "DTP-REF-054";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title:
      "A public client's refresh tokens are sender-constrained, or rotated with reuse detection",
    specRef: "RFC 9700 §4.14.2",
    requires: ["refresh_token", "admin"],
    waits: true,
  },
  async run(ctx) {
    const subject = publicClient(ctx);
    await ctx.case("a refresh token issued without a DPoP proof", async () => {
      const { device, tokens } = await approvedDevice(ctx, { ...subject, label: "public" });
      if (tokens.tokens.refreshToken === undefined) {
        ctx.note("no refresh token was issued to the public client without a DPoP proof");
        return;
      }
      const presented = tokens.tokens.refreshToken;
      const res = await device.refresh(presented, {}, { label: "refresh (no proof)" });
      await expectRotation(ctx, device, presented, res, "it was issued without a DPoP proof");
    });
    if (!offers(ctx, "dpop")) {
      ctx.note("sender-constrained refresh tokens not tried: the target offers no DPoP");
      return;
    }
    await ctx.case("a refresh token issued to a DPoP proof", async () => {
      const { device, tokens } = await approvedDevice(ctx, {
        ...subject,
        label: "public-dpop",
        kind: "ed25519",
      });
      const presented = withRefreshToken(tokens.tokens).refreshToken;
      const noProof = await device.refresh(
        presented,
        {},
        { proof: false, label: "refresh without a DPoP proof" },
      );
      if (noProof.status === 200) {
        const why = "a refresh without a DPoP proof was served: it is not sender-constrained";
        return expectRotation(ctx, device, presented, noProof, why);
      }
      const session = device.dpop!;
      const foreign = new DpopSession(await generateDeviceKey("ed25519")).adoptNonces(session);
      const otherKey = await device.refresh(
        presented,
        {},
        { dpop: foreign, label: "refresh with a proof by another key" },
      );
      session.adoptNonces(foreign);
      if (otherKey.status === 200) {
        const why =
          "a refresh with another key's DPoP proof was served: it is not sender-constrained";
        return expectRotation(ctx, device, presented, otherKey, why);
      }
      ctx.note(
        `the DPoP-bound refresh token is sender-constrained: refused without a proof (${describe(noProof)}) and with another key's (${describe(otherKey)})`,
      );
    });
  },
};

/** How to make the public client's devices (OAuth: the configured one; DTP: any device). */
function publicClient(ctx: CheckContext): NewDeviceOptions {
  if (ctx.target.profile !== "oauth") return {};
  if (!offeredAuthMethods(ctx.target.metadata).includes("none")) {
    ctx.notClaimed(
      'the target offers no public clients (token_endpoint_auth_methods_supported has no "none")',
    );
  }
  const client = oauthPublicClient(ctx.target);
  if (!client) {
    ctx.skip(
      'OAuth profile: add the target\'s public client ("authMethod": "none") to oauth.clients',
    );
  }
  return { clientId: client.clientId };
}

/**
 * Rotation with reuse detection, from the refresh `res` of `presented` (which was not
 * sender-constrained, for the reason `why`): a new refresh token; `presented` then refused;
 * and after that, the new one refused too.
 */
async function expectRotation(
  ctx: CheckContext,
  device: Device,
  presented: string,
  res: HttpResponse,
  why: string,
): Promise<void> {
  const rotation = readStepTokens(ctx, res, "DTP-REF-001", "a refresh");
  const next = rotation.refreshToken;
  if (next === undefined || next === presented) {
    fail(
      ID,
      `a public client's refresh token sender-constrained, or rotated: a new refresh_token (${why})`,
      next === undefined ? "the refresh response has no refresh_token" : "the same refresh_token",
      res,
    );
  }
  const grace = declaredGrace(ctx.target);
  if (grace > 0) {
    await waitPast(ctx, rotation.receivedAt + grace * 1000, "dtp_refresh_token_reuse_grace_period");
  }
  const again = await device.refresh(presented, {}, { label: "the rotated refresh token again" });
  if (again.status === 200) {
    fail(
      ID,
      `the previous refresh token invalidated by the rotation (${why})`,
      "it refreshed again",
      [res, again],
    );
  }
  const active = await device.refresh(next, {}, { label: "the active refresh token" });
  if (active.status === 200) {
    fail(
      ID,
      "the active refresh token revoked once an invalidated one was presented (replay detected)",
      `it still refreshes after the rotated one came back (${describe(again)})`,
      [again, active],
    );
  }
}
