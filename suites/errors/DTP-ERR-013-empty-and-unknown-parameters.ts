/**
 * DTP-ERR-013 (MUST, RFC 6749 §3.1, §3.2):
 * "A parameter sent without a value MUST be treated as if it were omitted."
 *
 * DTP-ERR-014 (MUST, RFC 6749 §3.1, §3.2):
 * "Unrecognized request parameters MUST be ignored."
 *
 * DTP-ERR-056 (MUST, DTP; RFC 6749 §3.2):
 * "At the device authorization, revocation and introspection endpoints, a parameter sent
 * without a value MUST be treated as if it were omitted, unrecognized parameters MUST be
 * ignored, and a repeated parameter MUST be answered 400 OAuth error `invalid_request`."
 *
 * Property: valid requests with generated extension parameters (`x_dtp_kit_…`, any
 * Unicode name suffix and value) and some optional parameters sent empty must be answered
 * exactly as without them: the first poll of a device code is `authorization_pending`, a
 * login with a wrong password is `invalid_grant` (DTP-ERR-014); at a DTP target also a
 * registration succeeds (and an empty `state` is not echoed), revoking a random token (with
 * an empty `token_type_hint` or none) is 200 and introspecting it `{"active": false}`
 * (DTP-ERR-056: RFC 8628, 7009 and 7662 leave these endpoints' parameter rules open, so a
 * plain OAuth server is not judged on them; its device code comes from a plain request).
 * The first case sends every optional parameter empty and an extension parameter, whatever
 * the seed. (Required parameters sent empty are checked by DTP-ERR-001.)
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { type ClientAuth, DEVICE_CODE_GRANT, endpointOf } from "../../src/client/index.ts";
import {
  clientAuthFor,
  harmlessRequest,
  postForm,
  probeSession,
  registeredDevice,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { describeShort, expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-013";
const ERR014 = "DTP-ERR-014";
const ERR056 = "DTP-ERR-056";

const EMPTY_AT_REGISTRATION = ["state", "client_description", "scope", "key"] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR014, ERR056],
    level: "MUST",
    area: "errors",
    title: "Empty parameters count as omitted; unrecognized parameters are ignored",
    specRef: "RFC 6749 §3.1, §3.2",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
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
    const dtp = ctx.target.features.has("dtp");
    const judge = async (
      extra: { name: string; value: string }[],
      empty: (typeof EMPTY_AT_REGISTRATION)[number][],
      hintEmpty: boolean,
      login = true,
    ) => {
      const ext: [string, string][] = extra.map((p) => [p.name, p.value]);
      const what =
        [
          ext.length ? `${ext.length} extension parameter(s)` : "",
          empty.length ? `empty ${empty.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join(" and ") || "nothing extra";

      // Registration (DTP): 200, no state echoed for an empty state. Under the OAuth profile
      // a plain RFC 8628 request: a device code to poll.
      let deviceCode: string;
      let clientAuth: ClientAuth;
      if (dtp) {
        const clientId = ctx.clientId("err13");
        const regParams: [string, string][] = [
          ["client_id", clientId],
          ["client_type", "desktop_client"],
          ["response_type", "device_code"],
          ...ext,
        ];
        for (const e of empty) {
          if (e === "key") regParams.push(["public_key", ""], ["key_type", ""]);
          else regParams.push([e, ""]);
        }
        clientAuth = clientAuthFor(ctx.target, clientId);
        const reg = await postForm(
          ctx,
          "device_authorization_endpoint",
          clientAuth,
          regParams,
          `register with ${what}`,
        );
        if (reg.status !== 200) {
          fail(
            ERR056,
            `a registration with ${what} to succeed (200) as without`,
            describeShort(reg),
            reg,
          );
        }
        const body = expectJson(reg, ERR056);
        if (typeof body.device_code !== "string") {
          fail(ERR056, "a device_code in the registration response", describeShort(reg), reg);
        }
        ctx.http.addSecret(body.device_code, "device_code");
        if (empty.includes("state") && "state" in body) {
          fail(
            ERR056,
            'no "state" in the response to an empty state (treated as omitted)',
            `"state": ${JSON.stringify(body.state)}`,
            reg,
          );
        }
        deviceCode = body.device_code;
      } else {
        const { device, reg } = await registeredDevice(ctx, {
          register: { label: "register (plain)" },
        });
        deviceCode = reg.deviceCode;
        clientAuth = device.auth;
      }

      // First poll of that code: authorization_pending.
      const polled = await postForm(
        ctx,
        "token_endpoint",
        clientAuth,
        [["grant_type", DEVICE_CODE_GRANT], ["device_code", deviceCode], ...ext],
        `first poll with ${ext.length} extension parameter(s)`,
      );
      expectOAuthErrorFormat(polled, ERR014, { status: 400, error: "authorization_pending" });

      // Revocation and introspection of a random token (DTP targets: DTP-ERR-056).
      const hint: [string, string][] = hintEmpty ? [["token_type_hint", ""]] : [];
      const label = `${ext.length} extension parameter(s)${hintEmpty ? " and an empty token_type_hint" : ""}`;
      const token = randomToken(32);
      const auth = clientAuthFor(ctx.target, session.device.clientId);
      if (dtp && endpointOf(ctx.target, "revocation_endpoint")) {
        const res = await postForm(
          ctx,
          "revocation_endpoint",
          auth,
          [["token", token], ...hint, ...ext],
          `revoke with ${label}`,
        );
        if (res.status !== 200)
          fail(ERR056, `revocation with ${label}: 200 as without`, describeShort(res), res);
      }
      if (dtp && endpointOf(ctx.target, "introspection_endpoint")) {
        const res = await postForm(
          ctx,
          "introspection_endpoint",
          auth,
          [["token", token], ...hint, ...ext],
          `introspect with ${label}`,
        );
        expectStatus(res, 200, ERR056);
        const b = expectJson(res, ERR056);
        if (b.active !== false)
          fail(ERR056, '{"active": false} for a random token', describeShort(res), res);
      }
      // Login with a wrong password: invalid_grant, not invalid_request.
      if (session.user && login) {
        const req = harmlessRequest(ctx, session, "login");
        const res = await sendProbe(ctx, req, {
          params: [...req.params, ...ext],
          label: `login (wrong password) with ${ext.length} extension parameter(s)`,
        });
        expectOAuthErrorFormat(res, ERR014, { status: 400, error: "invalid_grant" });
      }
    };
    // Every optional parameter empty, an empty hint and an extension parameter, whatever the
    // seed (no login: wrong passwords are limited, DTP-LOGIN-013, and the property sends
    // enough); then generated ones.
    await ctx.case("every optional parameter empty and an extension parameter", () =>
      judge([{ name: "x_dtp_kit_extra", value: "1" }], [...EMPTY_AT_REGISTRATION], true, false),
    );
    await ctx.property(
      "extension parameters and empty optional ones",
      fc.asyncProperty(unknown, empties, fc.boolean(), (extra, empty, hint) =>
        judge(extra, empty, hint),
      ),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 3)) },
    );
  },
};
