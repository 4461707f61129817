/**
 * DTP-REF-008 (MUST, RFC 6749 §6, §10.4):
 * "A refresh token presented by a client other than the one it was issued to MUST be
 * answered 400 OAuth error `invalid_grant`."
 *
 * DTP-REF-009 (MUST, RFC 6749 §6):
 * "A refresh request without valid client authentication MUST be answered 401 OAuth error
 * `invalid_client` and MUST NOT consume the refresh token."
 *
 * Property (DTP-REF-009): generated bad client authentications (none, a wrong API key in
 * HTTP Basic or in the form, an empty one); after each, the same refresh token must still
 * refresh. Then another approved device presents the token (DTP-REF-008).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { basicAuth, clientSecret, endpoint, refresh } from "../../src/client/legacy/index.ts";
import { deviceWithRefresh, expectInvalidGrant, refreshOk } from "./_helpers.ts";

const ID = "DTP-REF-008";

type BadAuth =
  | { kind: "none"; formClientId: boolean }
  | { kind: "basic-wrong-key"; secret: string }
  | { kind: "post-wrong-key"; secret: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REF-009"],
    level: "MUST",
    area: "refresh",
    title:
      "A refresh token works only for its own client; bad client authentication is invalid_client and consumes nothing",
    specRef: "RFC 6749 §6, §10.4",
    requires: ["refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const dev = await deviceWithRefresh(ctx, ID, "owner");
    const apiKey = clientSecret(ctx.target, dev.clientId);
    let current = dev.tokens.refreshToken;
    const wrongKey = fc.string({ minLength: 0, maxLength: 40 }).filter((s) => s !== apiKey);
    const badAuth: fc.Arbitrary<BadAuth> = fc.oneof(
      fc.record({ kind: fc.constant("none" as const), formClientId: fc.boolean() }),
      fc.record({ kind: fc.constant("basic-wrong-key" as const), secret: wrongKey }),
      fc.record({
        kind: fc.constant("post-wrong-key" as const),
        secret: wrongKey.filter((s) => s !== ""),
      }),
    );
    await fc.assert(
      fc.asyncProperty(badAuth, async (auth) => {
        const headers: Record<string, string> = {};
        const form: Record<string, string | undefined> = {
          grant_type: "refresh_token",
          refresh_token: current,
        };
        if (auth.kind === "none" && auth.formClientId) form.client_id = dev.clientId;
        if (auth.kind === "basic-wrong-key") {
          headers.authorization = basicAuth(dev.clientId, auth.secret);
        }
        if (auth.kind === "post-wrong-key") {
          form.client_id = dev.clientId;
          form.client_secret = auth.secret;
        }
        const res = await ctx.http.request({
          method: "POST",
          url: endpoint(ctx.target, "token_endpoint"),
          headers,
          form,
          label: `refresh with bad client auth (${auth.kind})`,
        });
        expectOAuthError(res, { status: 401, error: "invalid_client" }, "DTP-REF-009");
        // Not consumed: the same token still refreshes, with proper authentication.
        const next = await refreshOk(ctx, dev, current, "DTP-REF-009");
        current = next.refreshToken;
      }),
      { ...ctx.fc, numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 3)) },
    );

    // DTP-REF-008: another approved device (same API key) presents the token.
    const other = await deviceWithRefresh(ctx, ID, "other");
    const res = await refresh(ctx, other, current);
    expectInvalidGrant(res, ID);
  },
};
