/**
 * DTP-ERR-001 (MUST, RFC 6749 §5.2):
 * "Errors of the OAuth endpoints MUST be `application/json` objects whose `error` member is
 * a single error code defined by RFC 6749 §5.2 or by the extension that defines it for that
 * endpoint (RFC 8628 §3.5, RFC 7009 §2.2.1, RFC 9449), with status 400 unless a requirement
 * names another status for that error (`invalid_client`: DTP-ERR-003; DTP's
 * `invalid_signature`: DTP-SIG-012); the only exception is `/login`'s 401 and 403 answers
 * that carry a Bearer or DPoP challenge, whose body is a problem (DTP-RES-010)."
 *
 * DTP-ERR-002 (SHOULD, DTP; RFC 6749 §5.2):
 * "OAuth error responses SHOULD carry an `error_description` that names the offending
 * parameter."
 *
 * DTP-ERR-011 (MUST, RFC 6749 §5.2):
 * "A request missing a required parameter (e.g. `grant_type`, `device_code`,
 * `refresh_token`) MUST be answered 400 OAuth error `invalid_request`."
 *
 * DTP-ERR-013 (MUST, RFC 6749 §3.1, §3.2):
 * "A parameter sent without a value MUST be treated as if it were omitted."
 *
 * DTP-ERR-053 (MUST, RFC 6749 §5.2):
 * "In an OAuth error response, `error` and `error_description` MUST use only the characters
 * `%x20-21 / %x23-5B / %x5D-7E`, and `error_uri`, when present, MUST be a URI-reference
 * using only `%x21 / %x23-5B / %x5D-7E`."
 *
 * Property: a valid, harmless request to an OAuth endpoint (registration of a fresh
 * client_id, refresh or device-code poll with a random token, revocation or introspection
 * of a random token, login with a wrong password) with some of its required parameters left
 * out or sent empty (`grant_type=`) → 400 `invalid_request` as an RFC 6749 §5.2 JSON object.
 * The `error_description` should name one of the missing parameters (SHOULD: WARN). Every
 * OAuth error the kit meets, here and in every other check, is held to RFC 6749 §5.2's
 * characters (DTP-ERR-053: no double quote, backslash or non-ASCII character in `error` or
 * `error_description`; `error_uri` a URI-reference); a check other than this one that meets
 * a breach is blocked by DTP-ERR-053.
 *
 * First, one case per endpoint that needs no session (so that a failure to obtain tokens,
 * another requirement's, does not hide this one): at the device authorization, token,
 * revocation and introspection endpoints the metadata names, a request without any of the
 * endpoint's parameters (the token, revocation and introspection requests with the kit's
 * client authentication; the device authorization request without a client_id either, since
 * a public client's bare client_id is a complete request there) must be answered with an
 * RFC 6749 §5.2 error: `application/json`, an `error` code of the endpoint's vocabulary, its
 * status. An endpoint that refuses the form body with 415 is DTP-ERR-052's finding (the
 * cross-cutting cause); the case then sends the same request as `application/json`, the
 * encoding such an endpoint accepts, so that its error answer is judged on its own.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { anonymous } from "../../src/client/auth.ts";
import { endpointOf } from "../../src/client/index.ts";
import {
  clientAuthFor,
  harmlessRequest,
  OAUTH_ENDPOINTS,
  type OAuthOperation,
  oauthOperations,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { ERR053 } from "./_error-characters.ts";
import { ERR002, expectOAuthErrorFormat, Findings } from "./_helpers.ts";

const ID = "DTP-ERR-001";
const ERR011 = "DTP-ERR-011";
const ERR013 = "DTP-ERR-013";

type Fate = "keep" | "omit" | "empty";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR002, ERR011, ERR013, ERR053],
    level: "MUST",
    area: "errors",
    title: "Missing or empty required parameters: 400 invalid_request as RFC 6749 §5.2 JSON",
    specRef: "RFC 6749 §5.2, §3.1, §3.2",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    await emptyRequestCases(ctx);
    const session = await probeSession(ctx);
    const ops = oauthOperations(ctx, session);
    const findings = new Findings();
    const fates = fc.array(fc.constantFrom<Fate>("keep", "omit", "empty"), {
      minLength: 3,
      maxLength: 3,
    });
    await ctx.property(
      "required parameters left out or empty",
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.nat({ max: 1 }),
        fates,
        async (op, variant, fate) => {
          const req = harmlessRequest(ctx, session, op, variant);
          if (req.required.length === 0) return; // nothing required to leave out (OAuth profile registration)
          const fateOf = (name: string) => fate[req.required.indexOf(name) % fate.length]!;
          // At least one required parameter goes (the first kept one, if all were kept).
          const all = req.required.map(fateOf);
          const forced = all.every((f) => f === "keep")
            ? req.required[variant % req.required.length]
            : undefined;
          const params: [string, string][] = [];
          const gone: string[] = [];
          let onlyEmptied = true;
          for (const [k, v] of req.params) {
            const f = k === forced ? "omit" : req.required.includes(k) ? fateOf(k) : "keep";
            if (f === "keep") params.push([k, v]);
            else {
              gone.push(k);
              if (f === "empty") params.push([k, ""]);
              else onlyEmptied = false;
            }
          }
          const res = await sendProbe(ctx, req, {
            params,
            label: `${op} without ${gone.join(", ")}`,
          });
          const requirement = onlyEmptied ? ERR013 : ERR011;
          const err = expectOAuthErrorFormat(
            res,
            requirement,
            { status: 400, error: "invalid_request" },
            findings,
          );
          const d = err.error_description;
          if (typeof d === "string" && !gone.some((name) => d.includes(name))) {
            findings.add(
              ERR002,
              `an error_description naming the missing parameter (${gone.join(" or ")})`,
              `error_description ${JSON.stringify(d)}`,
              res,
            );
          }
        },
      ),
    );
    findings.settle(ctx);
  },
};

const ENDPOINT_NAMES: readonly [Exclude<OAuthOperation, "login">, string][] = [
  ["registerDevice", "device authorization"],
  ["token", "token"],
  ["revokeToken", "revocation"],
  ["introspectToken", "introspection"],
];

/** One case per endpoint: a request without parameters → an RFC 6749 §5.2 error. */
async function emptyRequestCases(ctx: CheckContext): Promise<void> {
  for (const [op, name] of ENDPOINT_NAMES) {
    const url = endpointOf(ctx.target, OAUTH_ENDPOINTS[op]);
    if (url === undefined) continue;
    const label = `${name}: no parameters`;
    await ctx.case(label, async () => {
      const clientId = ctx.clientId("err1");
      const auth =
        op === "registerDevice" ? anonymous(clientId) : clientAuthFor(ctx.target, clientId);
      const headers: Record<string, string> = {};
      const form: Record<string, string | undefined> = {};
      auth.apply({ headers, form }, ctx.target, Math.floor(ctx.clock.now() / 1000));
      const params = Object.fromEntries(
        Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const send = (type: string, body: string): Promise<HttpResponse> =>
        ctx.http.request({
          method: "POST",
          url,
          headers: { ...headers, "content-type": type },
          body,
          label: `${label} (${type})`,
        });
      let res = await send(
        "application/x-www-form-urlencoded",
        new URLSearchParams(params).toString(),
      );
      if (res.status === 415) {
        ctx.note(
          `${name}: the form body was refused 415 (DTP-ERR-052); its error answer is judged on the same request sent as application/json`,
        );
        res = await send("application/json", JSON.stringify(params));
      }
      expectOAuthErrorFormat(res, ID);
    });
  }
}
