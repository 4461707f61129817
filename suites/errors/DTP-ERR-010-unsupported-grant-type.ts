/**
 * DTP-ERR-010 (MUST, RFC 6749 §5.2):
 * "A `/token` request with an unknown or unsupported `grant_type` (e.g. `password`,
 * `authorization_code`) MUST be answered 400 OAuth error `unsupported_grant_type`."
 *
 * Property: an authenticated token request whose `grant_type` is generated — other OAuth
 * grants (password, authorization_code, JWT bearer, token exchange, …), near misses of the
 * supported ones (`device_code`, `refresh`) and arbitrary Unicode — never one the target
 * lists in `grant_types_supported` nor a case variant of one, with or without the
 * parameters of some grant → 400 `unsupported_grant_type`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { clientAuthFor, postForm } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { expectOAuthErrorFormat } from "./_helpers.ts";

const ID = "DTP-ERR-010";

const DTP_GRANTS = [
  "urn:ietf:params:oauth:grant-type:device_code",
  "refresh_token",
  "client_credentials",
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title: "Unknown or unsupported grant_type: 400 unsupported_grant_type",
    specRef: "RFC 6749 §5.2",
    requires: [],
    property: true,
  },
  async run(ctx) {
    const listed = ctx.target.metadata.grant_types_supported;
    const supported = new Set(
      [...DTP_GRANTS, ...(Array.isArray(listed) ? listed : [])]
        .filter((g): g is string => typeof g === "string")
        .map((g) => g.toLowerCase()),
    );
    const grantType = fc
      .oneof(
        fc.constantFrom(
          "password",
          "authorization_code",
          "implicit",
          "urn:ietf:params:oauth:grant-type:jwt-bearer",
          "urn:ietf:params:oauth:grant-type:token-exchange",
          "urn:ietf:params:oauth:grant-type:saml2-bearer",
          "urn:ietf:params:oauth:grant-type:device_code:v2",
          "urn:ietf:params:oauth:grant-type:",
          "device_code",
          "refresh",
          "refresh_tokens",
          "client_credential",
          "token",
        ),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
      )
      .filter((g) => g.trim() === g && g !== "" && !supported.has(g.toLowerCase()));
    const extra = fc.constantFrom<[string, string][]>(
      [],
      [["device_code", randomToken(32)]],
      [["refresh_token", randomToken(32)]],
      [
        ["username", "dtp-kit"],
        ["password", randomToken(12)],
      ],
      [["code", randomToken(16)]],
    );
    const auth = clientAuthFor(ctx.target, ctx.clientId("grant"));
    await ctx.property(
      "unknown and unsupported grant types",
      fc.asyncProperty(grantType, extra, async (grant, params) => {
        const res = await postForm(
          ctx,
          "token_endpoint",
          auth,
          [["grant_type", grant], ...params],
          `token with grant_type ${JSON.stringify(grant).slice(0, 60)}`,
        );
        expectOAuthErrorFormat(res, ID, { status: 400, error: "unsupported_grant_type" });
      }),
    );
  },
};
