/**
 * DTP-REV-001 (MUST, RFC 7009 §2.1, §2.2):
 * "`POST /revoke` with `token` and valid client authentication MUST be answered 200 with
 * an empty body when the token was issued to that client, and MUST revoke it."
 *
 * With, on the same exchanges:
 * DTP-REV-004 (MUST): "Revocation MUST take effect immediately: an access token revoked by
 * a 200 answer MUST be answered 401 `invalid_token` at protected resources from the next
 * request on."
 * DTP-REV-005 (MUST): "Revoking a refresh token MUST revoke every refresh and access token
 * of its family: the refresh token MUST then be answered 400 `invalid_grant` and the
 * family's access tokens 401 `invalid_token`."
 * DTP-REV-006 (MUST): "`token_type_hint` MUST be optional; a wrong hint MUST NOT prevent
 * revocation, and an unsupported hint value MUST be ignored (no `unsupported_token_type`
 * error)."
 * DTP-REV-008 (MAY): "Revoking an access token MAY also revoke the refresh token of its
 * family; clients MUST NOT rely on either behaviour." — the refresh that follows an access
 * token's revocation must be one of the two: a new pair, or `invalid_grant`.
 *
 * Property: which token is revoked (access or refresh) × the hint (none, right, wrong, an
 * unsupported value); each run on a new device with a family of two access tokens. Both
 * kinds with no hint and with the wrong hint are explicit examples, run every time.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { describe, expectStatus, fail } from "../../src/check/expect.ts";
import { basicAuth, clientSecret, endpoint, refresh } from "../../src/client/legacy/index.ts";
import {
  deviceWithRefresh,
  expectAccepted,
  expectInactive,
  expectInvalidGrant,
  expectRejected,
  introspectAs,
  refreshOk,
} from "../refresh/_helpers.ts";

const ID = "DTP-REV-001";

type Hint = "none" | "right" | "wrong" | { unsupported: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-REV-004", "DTP-REV-005", "DTP-REV-006", "DTP-REV-008"],
    level: "MUST",
    area: "revocation",
    title:
      "Revoking one's own access or refresh token (any hint): 200 empty, immediate, a refresh token takes its family",
    specRef: "RFC 7009 §2.1, §2.2",
    requires: ["revocation", "refresh_token", "resource", "introspection", "admin"],
    property: true,
  },
  async run(ctx) {
    const hint: fc.Arbitrary<Hint> = fc.oneof(
      fc.constantFrom<Hint>("none", "right", "wrong"),
      fc.record({
        unsupported: fc.oneof(
          fc.constantFrom("id_token", "device_code", "personal_token", "ACCESS_TOKEN", ""),
          fc.stringMatching(/^[a-z_]{1,16}$/).filter((s) => !s.endsWith("_token")),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("access", "refresh"), hint, async (which, h) => {
        const dev = await deviceWithRefresh(ctx, ID, "rev");
        // A family with two access tokens: the first pair, and one refresh.
        const first = dev.tokens;
        const second = await refreshOk(ctx, dev, first.refreshToken, "DTP-REF-001");
        await expectAccepted(ctx, second, ID, undefined, "GET /me before revocation");

        const token = which === "access" ? second.accessToken : second.refreshToken;
        const right = which === "access" ? "access_token" : "refresh_token";
        const wrong = which === "access" ? "refresh_token" : "access_token";
        const hintValue =
          h === "none" ? undefined : h === "right" ? right : h === "wrong" ? wrong : h.unsupported;
        const res = await ctx.http.request({
          method: "POST",
          url: endpoint(ctx.target, "revocation_endpoint"),
          headers: {
            authorization: basicAuth(dev.clientId, clientSecret(ctx.target, dev.clientId)),
          },
          form: { token, token_type_hint: hintValue },
          label: `revoke ${which} token (hint ${hintValue === undefined ? "none" : JSON.stringify(hintValue)})`,
        });
        const req = h === "none" || h === "right" ? ID : "DTP-REV-006";
        expectStatus(res, 200, req);
        if (res.text.trim() !== "") {
          fail(req, "an empty body", JSON.stringify(res.text.slice(0, 120)), res);
        }

        if (which === "access") {
          // Immediate: the very next request with it is refused.
          await expectRejected(ctx, second, "DTP-REV-004", undefined, "GET /me after revocation");
          expectInactive(
            await introspectAs(ctx, dev.clientId, second.accessToken, "introspect revoked access"),
            "DTP-REV-004",
          );
          // DTP-REV-008: the family's refresh token may or may not go with it.
          const after = await refresh(ctx, dev, second.refreshToken);
          const error = (after.body as { error?: unknown } | undefined)?.error;
          if (after.status === 200) {
            ctx.note("revoking an access token left the refresh token usable");
          } else if (after.status === 400 && error === "invalid_grant") {
            ctx.note("revoking an access token also revoked the refresh token");
          } else {
            fail(
              "DTP-REV-008",
              "a new token pair (200) or 400 invalid_grant for the family's refresh token",
              describe(after),
              after,
            );
          }
        } else {
          // The family: the refresh token and both access tokens.
          expectInvalidGrant(await refresh(ctx, dev, second.refreshToken), "DTP-REV-005");
          await expectRejected(ctx, second, "DTP-REV-005", undefined, "GET /me (latest access)");
          await expectRejected(ctx, first, "DTP-REV-005", undefined, "GET /me (first access)");
          expectInactive(
            await introspectAs(
              ctx,
              dev.clientId,
              second.refreshToken,
              "introspect revoked refresh",
            ),
            "DTP-REV-005",
          );
        }
      }),
      {
        ...ctx.fc,
        // Both kinds of token, with no hint and with the wrong one, on every run (fast-check
        // counts the examples in numRuns).
        numRuns: 4 + Math.max(3, Math.ceil(ctx.fc.numRuns / 5)),
        examples: [
          ["access", "none"],
          ["refresh", "none"],
          ["access", "wrong"],
          ["refresh", "wrong"],
        ],
      },
    );
  },
};
