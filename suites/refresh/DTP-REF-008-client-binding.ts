/**
 * DTP-REF-008 (MUST, RFC 6749 §6, §10.4):
 * "A refresh token presented by a client other than the one it was issued to MUST be
 * answered 400 OAuth error `invalid_grant`."
 *
 * DTP-REF-009 (MUST, RFC 6749 §6, §5.2):
 * "A refresh request from a client that must authenticate (a confidential client, or any
 * client issued credentials) that lacks valid client authentication MUST be answered with
 * OAuth error `invalid_client` (its status: DTP-ERR-003)."
 *
 * DTP-REF-052 (MUST, DTP):
 * "A refresh request that fails client authentication MUST NOT consume the refresh token:
 * its owner can still use it."
 *
 * Property (DTP-REF-009): generated bad client authentications (none, a wrong API key in
 * HTTP Basic or in the form, an empty one); after each, on a DTP target, the same refresh
 * token must still refresh (DTP-REF-052; the RFCs do not say what a failed request may do to
 * the token, so the OAuth profile notes a consumed token and goes on with a new one). Then
 * another approved device presents the token (DTP-REF-008; a wrong-actor case).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { expectInvalidGrant } from "../../src/check/expect-oauth.ts";
import {
  anonymous,
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
  none,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice, clientSecret, otherDevice } from "../../src/client/kit/index.ts";
import { expectRefreshed } from "./_helpers.ts";

const ID = "DTP-REF-008";
const NOT_CONSUMED = "DTP-REF-052";

type BadAuth =
  | { kind: "none"; formClientId: boolean }
  | { kind: "basic-wrong-key"; secret: string }
  | { kind: "post-wrong-key"; secret: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REF-009", NOT_CONSUMED],
    level: "MUST",
    area: "refresh",
    title:
      "A refresh token works only for its own client; bad client authentication is invalid_client and consumes nothing",
    specRef: "RFC 6749 §6, §10.4",
    requires: ["refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    const owner = await approvedDevice(ctx, { label: "owner" });
    let device = owner.device;
    let current = withRefreshToken(owner.tokens.tokens).refreshToken;
    const apiKey = clientSecret(ctx.target, device.clientId);
    const wrongKey = fc.string({ minLength: 0, maxLength: 40 }).filter((s) => s !== apiKey);
    const badAuth: fc.Arbitrary<BadAuth> = fc.oneof(
      fc.record({ kind: fc.constant("none" as const), formClientId: fc.boolean() }),
      fc.record({ kind: fc.constant("basic-wrong-key" as const), secret: wrongKey }),
      fc.record({
        kind: fc.constant("post-wrong-key" as const),
        secret: wrongKey.filter((s) => s !== ""),
      }),
    );
    await ctx.property(
      "refreshes with bad client authentication",
      fc.asyncProperty(badAuth, async (bad) => {
        // The faults are in the client authentication itself: each method is named on purpose.
        const auth: ClientAuth =
          bad.kind === "none"
            ? bad.formClientId
              ? none(device.clientId)
              : anonymous()
            : bad.kind === "basic-wrong-key"
              ? clientSecretBasic(device.clientId, bad.secret)
              : clientSecretPost(device.clientId, bad.secret);
        const res = await device.refresh(
          current,
          {},
          {
            auth,
            label: `refresh with bad client auth (${bad.kind})`,
          },
        );
        expectOAuthError(res, { status: 401, error: "invalid_client" }, "DTP-REF-009");
        // Not consumed: the same token still refreshes, with proper authentication.
        const again = await device.refresh(current);
        if (!dtp && again.status !== 200) {
          ctx.note(
            `the refresh token no longer refreshes after a request with bad client authentication (${bad.kind}; status ${again.status}): not judged outside DTP, went on with a new one`,
          );
          const fresh = await approvedDevice(ctx, { label: "owner" });
          device = fresh.device;
          current = withRefreshToken(fresh.tokens.tokens).refreshToken;
          return;
        }
        const next = expectRefreshed(ctx, again, NOT_CONSUMED);
        current = next.refreshToken;
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 3)) },
    );

    // DTP-REF-008: another approved device (its own valid credentials) presents the token.
    await ctx.wrongActor(
      ID,
      "another approved client presents the token (its own valid credentials)",
      async () => {
        const other = await otherDevice(ctx);
        const res = await other.device.refresh(current);
        expectInvalidGrant(res, ID);
      },
    );
  },
};
