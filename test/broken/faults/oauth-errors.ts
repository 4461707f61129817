/**
 * OAuth errors where DTP and RFC 6749 §5.2 meet (issue 14): the status of a failed client
 * authentication in the body (DTP-ERR-050), DTP's Basic realm (DTP-ERR-051), the characters
 * of error_description (DTP-ERR-053), unauthorized_client (DTP-ERR-054) and an empty
 * parameter at revocation and introspection (DTP-ERR-056).
 */
import { OAuthError } from "../../../reference-server/errors.ts";
import { decodeUtf8 } from "../../../reference-server/http/body.ts";
import { renderError } from "../../../reference-server/http/render-error.ts";
import type { Fault } from "../types.ts";
import { combine, replyJson, withJson, wrap } from "./_lib.ts";
import { mapErrors } from "./errors.ts";

const OAUTH_OPS = ["registerDevice", "token", "login", "revokeToken", "introspectToken"];
/** The operations that authenticate clients with the API key. */
const API_KEY_OPS = ["registerDevice", "token", "revokeToken", "introspectToken"];

export const oauthErrors: Fault[] = [
  {
    id: "F-ERR-30-body-auth-invalid-client-400",
    area: "errors",
    description:
      "A client whose authentication fails in the body (client_secret_post) or that sent none gets 400 invalid_client (RFC 6749 §5.2 allows it; DTP says 401); HTTP Basic failures still get 401.",
    requirement: "DTP-ERR-050",
    catchers: ["DTP-ERR-003"],
    fixture: () =>
      combine(
        ...API_KEY_OPS.map((op) =>
          wrap(op, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (
                e instanceof OAuthError &&
                e.error === "invalid_client" &&
                ctx.headers.authorization === undefined
              )
                throw new OAuthError("invalid_client", e.message, 400, e.headers);
              throw e;
            }
          }),
        ),
      ),
  },
  {
    id: "F-ERR-31-basic-challenge-other-realm",
    area: "errors",
    description:
      'A failed HTTP Basic client authentication is challenged with WWW-Authenticate: Basic realm="oauth" instead of DTP\'s realm="dtp".',
    requirement: "DTP-ERR-051",
    catchers: ["DTP-ERR-003"],
    fixture: () =>
      mapErrors(API_KEY_OPS, (e) =>
        e instanceof OAuthError && e.headers["WWW-Authenticate"] === 'Basic realm="dtp"'
          ? new OAuthError(e.error, e.message, e.status, {
              ...e.headers,
              "WWW-Authenticate": 'Basic realm="oauth"',
            })
          : e,
      ),
  },
  {
    id: "F-ERR-32-description-outside-charset",
    area: "errors",
    description:
      'OAuth error descriptions quote the RFC with a double quote, a backslash and non-ASCII characters (… see "RFC 6749" \\ §5.2), which RFC 6749 §5.2 excludes from error_description.',
    requirement: "DTP-ERR-053",
    catchers: ["DTP-ERR-001"],
    fixture: () =>
      combine(
        ...OAUTH_OPS.map((op) =>
          wrap(op, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (!(e instanceof OAuthError)) throw e;
              const reply = renderError(e, "oauth");
              const body = replyJson(reply);
              return withJson(reply, {
                ...body,
                error_description: `${e.message} \u2014 see "RFC 6749" \\ \u00a75.2`,
              });
            }
          }),
        ),
      ),
  },
  {
    id: "F-ERR-33-unauthorized-grant-invalid-grant",
    area: "errors",
    description:
      "A device that authenticates with the API key and asks for client_credentials (a grant only server devices with a client assertion may use) gets 400 invalid_grant instead of unauthorized_client.",
    requirement: "DTP-ERR-054",
    catchers: ["DTP-ERR-054"],
    fixture: () =>
      mapErrors(["token"], (e) =>
        e instanceof OAuthError && e.error === "unauthorized_client"
          ? new OAuthError("invalid_grant", "no client assertion for client_credentials")
          : e,
      ),
  },
  {
    id: "F-ERR-34-empty-hint-refused",
    area: "errors",
    description:
      "Revocation and introspection take a token_type_hint sent without a value as a hint of an unknown type and answer 400 invalid_request, instead of treating it as omitted.",
    requirement: "DTP-ERR-056",
    catchers: ["DTP-ERR-013"],
    fixture: () =>
      combine(
        ...["revokeToken", "introspectToken"].map((op) =>
          wrap(op, (ctx, next) =>
            new URLSearchParams(decodeUtf8(ctx.rawBody)).get("token_type_hint") === ""
              ? renderError(
                  new OAuthError("invalid_request", '"token_type_hint" must not be empty'),
                  "oauth",
                )
              : next(ctx),
          ),
        ),
      ),
  },
];
