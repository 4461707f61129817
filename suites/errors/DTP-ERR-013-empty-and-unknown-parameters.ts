/**
 * DTP-ERR-013 (MUST, RFC 6749 §3.1, §3.2):
 * "A parameter sent without a value MUST be treated as if it were omitted."
 *
 * DTP-ERR-014 (MUST, RFC 6749 §3.1, §3.2):
 * "Unrecognized request parameters MUST be ignored."
 *
 * Property: valid requests with generated extension parameters (`x_dtp_kit_…`, any
 * Unicode name suffix and value) and some optional parameters sent empty must be answered
 * exactly as without them: a registration succeeds (and an empty `state` is not echoed),
 * the first poll of its code is `authorization_pending`, revoking a random token is 200,
 * introspecting it is `{"active": false}`, a login with a wrong password is
 * `invalid_grant`. (Required parameters sent empty are checked by DTP-ERR-001.)
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { DEVICE_CODE_GRANT, endpointOf } from "../../src/client/index.ts";
import {
  clientAuthFor,
  harmlessRequest,
  postForm,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { describeShort, expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-013";
const ERR014 = "DTP-ERR-014";

const EMPTY_AT_REGISTRATION = ["state", "client_description", "scope", "key"] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR014],
    level: "MUST",
    area: "errors",
    title: "Empty parameters count as omitted; unrecognized parameters are ignored",
    specRef: "RFC 6749 §3.1, §3.2",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const oauthProfile = ctx.target.profile === "oauth";
    const oauthScope = ctx.target.config.oauth?.scope;
    const unknown = fc.uniqueArray(
      fc.record({
        name: fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => `x_dtp_kit_${s}`),
        value: fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 60 }),
          fc.string({ unit: "binary", maxLength: 30 }),
        ),
      }),
      { selector: (p) => p.name, maxLength: 4 },
    );
    const empties = fc.subarray([...EMPTY_AT_REGISTRATION]);
    await ctx.property(
      "extension parameters and empty optional ones",
      fc.asyncProperty(unknown, empties, fc.boolean(), async (extra, empty, hintEmpty) => {
        const ext: [string, string][] = extra.map((p) => [p.name, p.value]);
        const requirement = ext.length > 0 ? ERR014 : ID;
        const what =
          [
            ext.length ? `${ext.length} extension parameter(s)` : "",
            empty.length ? `empty ${empty.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join(" and ") || "nothing extra";

        // Registration: 200, no state echoed for an empty state.
        const clientId = ctx.clientId("err13");
        // Under the OAuth profile a plain RFC 8628 request (state, client_description and
        // the key fields are then unrecognized parameters, sent empty all the same).
        const regParams: [string, string][] = oauthProfile
          ? [
              ["client_id", clientId],
              ...(oauthScope && !empty.includes("scope")
                ? [["scope", oauthScope] as [string, string]]
                : []),
              ...ext,
            ]
          : [
              ["client_id", clientId],
              ["client_type", "desktop_client"],
              ["response_type", "device_code"],
              ...ext,
            ];
        for (const e of empty) {
          if (e === "key") regParams.push(["public_key", ""], ["key_type", ""]);
          else regParams.push([e, ""]);
        }
        const clientAuth = clientAuthFor(ctx.target, clientId);
        const reg = await postForm(
          ctx,
          "device_authorization_endpoint",
          clientAuth,
          regParams,
          `register with ${what}`,
        );
        if (reg.status !== 200) {
          fail(
            requirement,
            `a registration with ${what} to succeed (200) as without`,
            describeShort(reg),
            reg,
          );
        }
        const body = expectJson(reg, requirement);
        if (typeof body.device_code !== "string") {
          fail(requirement, "a device_code in the registration response", describeShort(reg), reg);
        }
        ctx.http.addSecret(body.device_code, "device_code");
        if (empty.includes("state") && "state" in body) {
          fail(
            ID,
            'no "state" in the response to an empty state (treated as omitted)',
            `"state": ${JSON.stringify(body.state)}`,
            reg,
          );
        }

        // First poll of that code: authorization_pending.
        const polled = await postForm(
          ctx,
          "token_endpoint",
          clientAuth,
          [["grant_type", DEVICE_CODE_GRANT], ["device_code", body.device_code], ...ext],
          `first poll with ${ext.length} extension parameter(s)`,
        );
        expectOAuthErrorFormat(polled, ERR014, { status: 400, error: "authorization_pending" });

        // Revocation and introspection of a random token.
        const hint: [string, string][] = hintEmpty ? [["token_type_hint", ""]] : [];
        const label = `${ext.length} extension parameter(s)${hintEmpty ? " and an empty token_type_hint" : ""}`;
        const token = randomToken(32);
        const auth = clientAuthFor(ctx.target, session.device.clientId);
        if (endpointOf(ctx.target, "revocation_endpoint")) {
          const res = await postForm(
            ctx,
            "revocation_endpoint",
            auth,
            [["token", token], ...hint, ...ext],
            `revoke with ${label}`,
          );
          if (res.status !== 200)
            fail(requirement, `revocation with ${label}: 200 as without`, describeShort(res), res);
        }
        if (endpointOf(ctx.target, "introspection_endpoint")) {
          const res = await postForm(
            ctx,
            "introspection_endpoint",
            auth,
            [["token", token], ...hint, ...ext],
            `introspect with ${label}`,
          );
          expectStatus(res, 200, requirement);
          const b = expectJson(res, requirement);
          if (b.active !== false)
            fail(requirement, '{"active": false} for a random token', describeShort(res), res);
        }
        // Login with a wrong password: invalid_grant, not invalid_request.
        if (session.user) {
          const req = harmlessRequest(ctx, session, "login");
          const res = await sendProbe(ctx, req, {
            params: [...req.params, ...ext],
            label: `login (wrong password) with ${ext.length} extension parameter(s)`,
          });
          expectOAuthErrorFormat(res, ERR014, { status: 400, error: "invalid_grant" });
        }
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 3)) },
    );
  },
};
