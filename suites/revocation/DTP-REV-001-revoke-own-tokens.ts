/**
 * DTP-REV-001 (MUST, RFC 7009 §2, §2.1, §2.2, §2.2.1):
 * "`POST /revoke` with `token` and valid client authentication, for a token issued to that
 * client, MUST be answered 200 and MUST revoke the token; only an access token, at a server
 * that does not support revoking access tokens, may instead be answered 400 OAuth error
 * `unsupported_token_type`."
 *
 * DTP-REV-004 (MUST, RFC 7009 §2.2):
 * "Revocation MUST take effect immediately: an access token whose revocation was answered
 * 200 MUST be refused at protected resources from the next request on (DTP-RES-005)."
 *
 * DTP-REV-005 (MUST, RFC 7009 §2, §2.1; RFC 6749 §5.2):
 * "The server MUST support revoking refresh tokens: once the revocation of a refresh token
 * issued to the client was answered 200, a refresh with that token MUST be answered 400
 * OAuth error `invalid_grant`."
 *
 * DTP-REV-006 (MUST, RFC 7009 §2.1, §2.2; RFC 7662 §2.1):
 * "`token_type_hint` MUST be optional at the revocation and introspection endpoints; a hint
 * naming the wrong token type MUST NOT prevent revocation or introspection (the server
 * extends its search to every token type it supports), and at the revocation endpoint an
 * unsupported hint value MUST be ignored."
 *
 * DTP-REV-008 (MAY, RFC 7009 §2.1):
 * "Revoking an access token MAY also revoke the refresh token of its family; clients MUST
 * NOT rely on either behaviour."
 *
 * DTP-REV-050 (MUST, DTP; RFC 7009 §2.2):
 * "A DTP server's 200 answer to `POST /revoke` MUST have an empty body."
 *
 * DTP-REV-053 (MUST, DTP; RFC 7009 §2):
 * "A DTP server MUST support revoking access tokens: it never answers a revocation
 * `unsupported_token_type`."
 *
 * DTP-REV-055 (MUST, DTP; RFC 7009 §2.1):
 * "Revoking a refresh token MUST revoke every refresh and access token of its family: the
 * family's access tokens MUST then be answered 401 `invalid_token`."
 *
 * DTP-REV-052 (SHOULD, RFC 7009 §2):
 * "The server SHOULD support revoking access tokens."
 *
 * DTP-REV-054 (SHOULD, RFC 7009 §2.1):
 * "When the server supports revoking access tokens, revoking a refresh token SHOULD also
 * invalidate every access token based on the same authorization grant."
 *
 * DTP-REV-057 (SHOULD, RFC 7662 §2.2):
 * "The introspection response for an inactive token SHOULD NOT include any member other
 * than `active`."
 *
 * Property: which token is revoked (access or refresh) × the hint (none, right, wrong, an
 * unsupported value); each run on a new device with a family of two access tokens. Both
 * kinds with no hint and with the wrong hint are explicit examples, run every time.
 *
 * DTP's strengthenings are judged only against a DTP target: the 200 body is empty
 * (DTP-REV-050; RFC 7009 §2.2 leaves it to the server, the client ignores it), an access
 * token is never answered `unsupported_token_type` (DTP-REV-053; RFC 7009 §2.2.1 allows it),
 * and after a refresh token's revocation both access tokens of its family are refused
 * (DTP-REV-055; RFC 7009 §2.1 says SHOULD, DTP-REV-054). Outside DTP the RFC's SHOULDs are
 * WARNs: an access token answered `unsupported_token_type` (DTP-REV-052); an access token of
 * the family still served after its refresh token's revocation (DTP-REV-054), when the target
 * supports revoking access tokens — then asked by revoking that very token (200: it does;
 * `unsupported_token_type`: the SHOULD does not apply, noted).
 * An inactive introspection answer with more than `active` is DTP-REV-057's WARN (DTP-REV-058
 * at a DTP target).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { describe, expectStatus, fail } from "../../src/check/expect.ts";
import { expectInactive, expectInvalidGrant } from "../../src/check/expect-oauth.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { callResource, meOk, meRefused, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";

const ID = "DTP-REV-001";

type Hint = "none" | "right" | "wrong" | { unsupported: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-REV-004",
      "DTP-REV-005",
      "DTP-REV-006",
      "DTP-REV-008",
      "DTP-REV-050",
      "DTP-REV-053",
      "DTP-REV-055",
      "DTP-REV-052",
      "DTP-REV-054",
      "DTP-REV-057",
    ],
    level: "MUST",
    area: "revocation",
    title:
      "Revoking one's own access or refresh token (any hint): 200 empty, immediate, a refresh token takes its family",
    specRef: "RFC 7009 §2.1, §2.2",
    requires: ["revocation", "refresh_token", "resource", "introspection", "admin"],
    property: true,
  },
  async run(ctx) {
    const dtp = ctx.target.features.has("dtp");
    const hint: fc.Arbitrary<Hint> = fc.oneof(
      fc.constantFrom<Hint>("none", "right", "wrong"),
      fc.record({
        unsupported: fc.oneof(
          fc.constantFrom("id_token", "device_code", "personal_token", "ACCESS_TOKEN", ""),
          fc.stringMatching(/^[a-z_]{1,16}$/).filter((s) => !s.endsWith("_token")),
        ),
      }),
    );
    const scenario = async (which: "access" | "refresh", h: Hint): Promise<void> => {
      const { device, tokens } = await approvedDevice(ctx, { label: "rev" });
      /**
       * DTP-REV-054 (outside DTP): an access token of the family was still served after the
       * refresh token's revocation. The SHOULD holds when the target supports revoking access
       * tokens: revoking this one says whether it does.
       */
      const accessOutlivesFamily = async (
        accessToken: string,
        label: string,
        served: HttpResponse,
      ): Promise<void> => {
        const probe = await device.revoke(accessToken, "access_token", {
          label: "revoke the access token still served (does the target revoke access tokens?)",
        });
        const error = (probe.body as { error?: unknown } | undefined)?.error;
        if (probe.status === 400 && error === "unsupported_token_type") {
          ctx.note(
            `${label}: still served after the refresh token's revocation; the target does not revoke access tokens, so DTP-REV-054 does not apply`,
          );
          return;
        }
        fail(
          "DTP-REV-054",
          "the family's access tokens refused once its refresh token is revoked (RFC 7009 §2.1: SHOULD, at a server that revokes access tokens)",
          `${label}: ${describe(served)} after the refresh token's revocation; revoking that access token: ${describe(probe)}`,
          [served, probe],
        );
      };
      // A family with two access tokens: the first pair, and one refresh.
      const first = withRefreshToken(tokens.tokens);
      const second = withRefreshToken(await device.refreshed(first));
      await meOk(ctx, second, { requirement: ID, label: "GET /me before revocation" });

      const token = which === "access" ? second.accessToken : second.refreshToken;
      const right = which === "access" ? "access_token" : "refresh_token";
      const wrong = which === "access" ? "refresh_token" : "access_token";
      const hintValue =
        h === "none" ? undefined : h === "right" ? right : h === "wrong" ? wrong : h.unsupported;
      const res = await device.revoke(token, hintValue, {
        label: `revoke ${which} token (hint ${hintValue === undefined ? "none" : JSON.stringify(hintValue)})`,
      });
      const req = h === "none" || h === "right" ? ID : "DTP-REV-006";
      const refusal = (res.body as { error?: unknown } | undefined)?.error;
      if (which === "access" && res.status === 400 && refusal === "unsupported_token_type") {
        if (dtp) {
          fail("DTP-REV-053", "200 (a DTP server revokes access tokens)", describe(res), res);
        }
        fail(
          "DTP-REV-052",
          "200 and the access token revoked (RFC 7009 §2: the server SHOULD support revoking access tokens)",
          describe(res),
          res,
        );
      }
      expectStatus(res, 200, req);
      if (dtp && res.text.trim() !== "") {
        fail("DTP-REV-050", "an empty body", JSON.stringify(res.text.slice(0, 120)), res);
      }

      if (which === "access") {
        // Immediate: the very next request with it is refused.
        await meRefused(ctx, second, "DTP-REV-004", { label: "GET /me after revocation" });
        expectInactive(
          await device.introspect(second.accessToken, { label: "introspect revoked access" }),
          "DTP-REV-004",
          dtp,
        );
        // DTP-REV-008: the family's refresh token may or may not go with it.
        const after = await device.refresh(second.refreshToken);
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
        // The family: the refresh token and (DTP) both access tokens.
        expectInvalidGrant(await device.refresh(second.refreshToken), "DTP-REV-005");
        expectInactive(
          await device.introspect(second.refreshToken, { label: "introspect revoked refresh" }),
          "DTP-REV-005",
          dtp,
        );
        for (const [tokens, label] of [
          [second, "GET /me (latest access)"],
          [first, "GET /me (first access)"],
        ] as const) {
          if (dtp) {
            await meRefused(ctx, tokens, "DTP-REV-055", { label });
            continue;
          }
          const served = await callResource(ctx, tokens, undefined, label);
          if (served.status === 200) await accessOutlivesFamily(tokens.accessToken, label, served);
        }
      }
    };
    // Both kinds of token, with no hint and with the wrong one, on every run.
    for (const [which, h] of [
      ["access", "none"],
      ["refresh", "none"],
      ["access", "wrong"],
      ["refresh", "wrong"],
    ] as const) {
      await ctx.case(`${which} token, hint ${h}`, () => scenario(which, h));
    }
    await ctx.property(
      "either token, any hint",
      fc.asyncProperty(fc.constantFrom("access" as const, "refresh" as const), hint, scenario),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );
  },
};
