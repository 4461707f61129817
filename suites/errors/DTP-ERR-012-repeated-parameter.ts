/**
 * DTP-ERR-012 (MUST, RFC 6749 §3.1, §3.2):
 * "A request that repeats a parameter MUST be answered 400 OAuth error `invalid_request`."
 *
 * DTP-ERR-056 (MUST, DTP; RFC 6749 §3.2):
 * "At the device authorization, revocation and introspection endpoints, a parameter sent
 * without a value MUST be treated as if it were omitted, unrecognized parameters MUST be
 * ignored, and a repeated parameter MUST be answered 400 OAuth error `invalid_request`."
 *
 * Property: a valid, harmless request to an OAuth endpoint (with some optional parameters)
 * in which one parameter is sent twice — a required or optional one, or an extension
 * parameter — with the same or another value, right after the first or elsewhere
 * → 400 `invalid_request`.
 *
 * Outside DTP only parameters OAuth defines are repeated (RFC 6749 §5.2 lists "repeats a
 * parameter" under invalid_request); an unrecognized one may simply be ignored (§3.1, §3.2),
 * and the optional parameters are plain OAuth ones. The rule is the token endpoint's
 * (RFC 6749 §3.2; `/login` is DTP's token-endpoint-like grant): at the device authorization,
 * revocation and introspection endpoints it is DTP's (DTP-ERR-056), judged at DTP targets
 * only.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import {
  harmlessRequest,
  type OAuthOperation,
  oauthOperations,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-012";
const ERR056 = "DTP-ERR-056";

/** The operations RFC 6749 §3.2 governs; at the others the rule is DTP's (DTP-ERR-056). */
const RFC_OPS: readonly OAuthOperation[] = ["token", "login"];

/** Optional parameters a valid request may carry (they make more names to repeat). */
const OPTIONAL_DTP: Readonly<Record<OAuthOperation, [string, string][]>> = {
  registerDevice: [
    ["state", "dtp-kit-state"],
    ["client_description", "dtp-kit repeated parameter"],
    ["scope", "me"],
  ],
  token: [["scope", "me"]],
  revokeToken: [["token_type_hint", "refresh_token"]],
  introspectToken: [["token_type_hint", "access_token"]],
  login: [],
};

const OPTIONAL_OAUTH: Readonly<Record<OAuthOperation, [string, string][]>> = {
  registerDevice: [],
  token: [],
  revokeToken: [["token_type_hint", "refresh_token"]],
  introspectToken: [["token_type_hint", "access_token"]],
  login: [],
};

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR056],
    level: "MUST",
    area: "errors",
    title: "A repeated parameter: 400 invalid_request",
    specRef: "RFC 6749 §3.1, §3.2",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const dtp = ctx.target.features.has("dtp");
    const ops = oauthOperations(ctx, session).filter((op) => dtp || RFC_OPS.includes(op));
    const OPTIONAL = dtp ? OPTIONAL_DTP : OPTIONAL_OAUTH;
    await ctx.property(
      "one parameter repeated",
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.nat({ max: 1 }),
        fc.record({
          which: fc.nat(),
          extension: fc.boolean(),
          sameValue: fc.boolean(),
          value: fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
          where: fc.constantFrom("next", "first", "last"),
        }),
        async (op, variant, d) => {
          const req = harmlessRequest(ctx, session, op, variant);
          const params: [string, string][] = [...req.params, ...OPTIONAL[op]];
          const extension = d.extension && dtp;
          if (extension) params.push([`x_dtp_kit_${randomToken(4)}`, "one"]);
          const at = extension ? params.length - 1 : d.which % params.length;
          const [name, first] = params[at]!;
          const second = d.sameValue ? first : d.value === first ? `${first}2` : d.value;
          const copy: [string, string] = [name, second];
          if (d.where === "next") params.splice(at + 1, 0, copy);
          else if (d.where === "first") params.unshift(copy);
          else params.push(copy);
          const res = await sendProbe(ctx, req, { params, label: `${op} with "${name}" twice` });
          expectOAuthErrorFormat(res, RFC_OPS.includes(op) ? ID : ERR056, {
            status: 400,
            error: "invalid_request",
          });
        },
      ),
    );
  },
};
