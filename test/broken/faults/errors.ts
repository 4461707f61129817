/** Error formats (RFC 6749 §5.2, RFC 9457) and request parsing. */
import {
  DtpServerError,
  InputError,
  OAuthError,
  ProblemError,
} from "../../../reference-server/errors.ts";
import { CLIENT_TYPES } from "../../../reference-server/handlers/getMetadata.ts";
import { decodeUtf8, requireMediaType } from "../../../reference-server/http/body.ts";
import { problem, renderError } from "../../../reference-server/http/render-error.ts";
import {
  OPERATIONS,
  type OperationSpec,
  type ServerFixture,
} from "../../../reference-server/index.ts";
import type { Fault } from "../types.ts";
import { combine, noFailureLimits, replyJson, withJson, withStore, wrap } from "./_lib.ts";

const OAUTH_OPS = ["registerDevice", "token", "login", "revokeToken", "introspectToken"];
/** The operations that authenticate clients with the API key (DTP-ERR-017). */
const API_KEY_OPS = ["registerDevice", "token", "revokeToken", "introspectToken"];
const PROBLEM_OPS = [
  "getMe",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
  "listRegistrations",
  "approveRegistration",
  "denyRegistration",
  "getDevice",
  "deleteDevice",
];

/** The OAuth endpoints with their own form parser (the reference one is strict). */
function ownFormParser(options: {
  checkMediaType: boolean;
  lastWins: boolean;
  keepEmpty: boolean;
}): ServerFixture {
  const operations: Record<string, OperationSpec> = {};
  for (const id of OAUTH_OPS) {
    const op = OPERATIONS[id]!;
    operations[id] = {
      ...op,
      body: "none",
      handler: (ctx) => {
        if (options.checkMediaType)
          requireMediaType(ctx.headers["content-type"], "application/x-www-form-urlencoded");
        const form: Record<string, string> = Object.create(null);
        for (const [name, value] of new URLSearchParams(decodeUtf8(ctx.rawBody))) {
          if (Object.hasOwn(form, name) && !options.lastWins)
            throw new InputError("duplicate", `"${name}" is repeated`);
          if (value !== "" || options.keepEmpty) form[name] = value;
        }
        return op.handler({ ...ctx, form });
      },
    };
  }
  return { operations };
}

/** Wraps the given operations, mapping thrown errors through `map`. */
export function mapErrors(
  ops: string[],
  map: (e: unknown, form: Record<string, string>) => unknown,
): ServerFixture {
  return combine(
    ...ops.map((op) =>
      wrap(op, async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          throw map(e, ctx.form);
        }
      }),
    ),
  );
}

const SUPPORTED_GRANTS = [
  "urn:ietf:params:oauth:grant-type:device_code",
  "refresh_token",
  "client_credentials",
];

/** The error rendered as the endpoint would, but answered as is (not scrubbed by the server). */
const renderUnquoted = (e: OAuthError) => renderError(e, "oauth");

export const errors: Fault[] = [
  {
    id: "F-ERR-01-oauth-errors-as-problems",
    area: "errors",
    description:
      'Errors of the OAuth endpoints are application/problem+json documents instead of RFC 6749 §5.2 OAuth errors ({"error", "error_description"}).',
    requirement: "DTP-ERR-001",
    catchers: ["DTP-ERR-001"],
    fixture: () =>
      combine(
        ...OAUTH_OPS.map((op) =>
          wrap(op, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (!(e instanceof OAuthError)) throw e;
              return problem("invalid-request", e.status, e.message, e.headers);
            }
          }),
        ),
      ),
  },
  {
    id: "F-ERR-02-invalid-client-400",
    area: "errors",
    description: "A failed client authentication is answered 400 invalid_client instead of 401.",
    requirement: "DTP-ERR-003",
    catchers: ["DTP-ERR-003"],
    fixture: () =>
      mapErrors(["registerDevice", "token", "revokeToken", "introspectToken"], (e) =>
        e instanceof OAuthError && e.error === "invalid_client"
          ? new OAuthError("invalid_client", e.message, 400, e.headers)
          : e,
      ),
  },
  {
    id: "F-ERR-03-repeated-parameter-last-wins",
    area: "errors",
    description:
      "A repeated form parameter is not refused: the last value silently wins (parameter pollution).",
    requirement: "DTP-ERR-012",
    catchers: ["DTP-ERR-012"],
    fixture: () => ownFormParser({ checkMediaType: true, lastWins: true, keepEmpty: false }),
  },
  {
    id: "F-ERR-04-empty-parameter-not-omitted",
    area: "errors",
    description:
      "A parameter sent without a value (e.g. scope=) is treated as present with an empty value instead of as omitted.",
    requirement: "DTP-ERR-013",
    catchers: ["DTP-ERR-013"],
    fixture: () => ownFormParser({ checkMediaType: true, lastWins: false, keepEmpty: true }),
  },
  {
    id: "F-ERR-05-media-type-not-checked",
    area: "errors",
    description:
      "The OAuth endpoints parse the body as a form whatever its Content-Type (text/plain, JSON, none).",
    requirement: "DTP-ERR-008",
    catchers: ["DTP-ERR-008"],
    fixture: () => ownFormParser({ checkMediaType: false, lastWins: false, keepEmpty: false }),
  },
  {
    id: "F-ERR-06-bad-json-body-500",
    area: "errors",
    description:
      "At POST /personal-tokens a body that is not JSON, or JSON that does not match the schema, crashes the handler: 500 instead of 400 with a problem body.",
    requirement: "DTP-ERR-055",
    catchers: ["DTP-PAT-002"],
    note: "DTP-ERR-007 (a fuzz of bad input at every operation) sends such a body only in some runs; DTP-PAT-002 does in every run, and charges the malformed JSON to DTP-ERR-055.",
    fixture: () => {
      const op = OPERATIONS.createPersonalToken!;
      return {
        operations: {
          createPersonalToken: {
            ...op,
            body: "none",
            handler: async (ctx) => {
              requireMediaType(ctx.headers["content-type"], "application/json");
              // JSON.parse throws a SyntaxError: not a DtpServerError, so a 500.
              const json = JSON.parse(ctx.rawBody.toString("utf8")) as Record<string, unknown>;
              try {
                return await op.handler({ ...ctx, json });
              } catch (e) {
                // Schema violations escape as plain errors, so a 500.
                if (e instanceof InputError || (e instanceof ProblemError && e.status === 400))
                  throw new TypeError(e.message);
                throw e;
              }
            },
          },
        },
      };
    },
  },
  {
    id: "F-ERR-07-secret-echoed",
    area: "errors",
    description:
      "Token endpoint errors quote the refresh token or device code the client sent in error_description.",
    requirement: "DTP-ERR-015",
    catchers: ["DTP-ERR-015"],
    // Rendered here: the reference server scrubs the errors it raises (http/echo.ts).
    fixture: () =>
      wrap("token", async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          const secret = ctx.form.refresh_token ?? ctx.form.device_code;
          if (!(e instanceof OAuthError) || secret === undefined) throw e;
          const reply = renderError(e, "oauth");
          const body = replyJson(reply);
          return withJson(reply, { ...body, error_description: `${e.message} (got ${secret})` });
        }
      }),
  },
  {
    id: "F-ERR-10-grant-type-echoed",
    area: "errors",
    description:
      "An unsupported grant_type is quoted whole in error_description, so `grant_type=refresh_token;refresh_token=<RT>` sends the refresh token back (and a 60 KB value comes back whole).",
    requirement: "DTP-ERR-015",
    catchers: ["DTP-ERR-015"],
    fixture: () =>
      wrap("token", (ctx, next) => {
        const grant = ctx.form.grant_type;
        if (grant === undefined || SUPPORTED_GRANTS.includes(grant)) return next(ctx);
        return renderUnquoted(
          new OAuthError("unsupported_grant_type", `grant_type "${grant}" is not supported`),
        );
      }),
  },
  {
    id: "F-ERR-11-long-values-echoed",
    area: "errors",
    description:
      "Registration errors quote an unsupported client_type or response_type whole, however long.",
    requirement: "DTP-ERR-016",
    catchers: ["DTP-ERR-015"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        const fields: [string, readonly string[]][] = [
          ["client_type", CLIENT_TYPES],
          ["response_type", ["device_code"]],
        ];
        for (const [name, allowed] of fields) {
          const value = ctx.form[name];
          if (value !== undefined && !allowed.includes(value))
            return renderUnquoted(
              new OAuthError(
                name === "client_type" ? "invalid_request" : "unsupported_response_type",
                `"${name}" ${value} is not one of ${allowed.join(", ")}`,
              ),
            );
        }
        return next(ctx);
      }),
  },
  {
    id: "F-ERR-08-unsupported-grant-invalid-request",
    area: "errors",
    description:
      "An unknown grant_type is answered invalid_request instead of unsupported_grant_type.",
    requirement: "DTP-ERR-010",
    catchers: ["DTP-ERR-010"],
    fixture: () =>
      mapErrors(["token"], (e) =>
        e instanceof OAuthError && e.error === "unsupported_grant_type"
          ? new OAuthError("invalid_request", e.message, 400, e.headers)
          : e,
      ),
  },
  {
    id: "F-ERR-09-problem-without-status-and-detail",
    area: "errors",
    description:
      "Problem documents of the admin API, /personal-tokens and /me lack the status and detail members.",
    requirement: "DTP-ERR-005",
    catchers: ["DTP-ERR-005"],
    fixture: () =>
      combine(
        ...PROBLEM_OPS.map((op) =>
          wrap(op, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (!(e instanceof DtpServerError)) throw e;
              const reply = renderError(e, "problem");
              const { status: _s, detail: _d, ...body } = replyJson(reply);
              return withJson(reply, body);
            }
          }),
        ),
      ),
  },
  {
    id: "F-ERR-12-api-key-failures-unlimited",
    area: "errors",
    description:
      "Wrong API keys are never limited: one address can try keys for a client_id as fast as it likes.",
    requirement: "DTP-ERR-017",
    catchers: ["DTP-ERR-003"],
    fixture: () =>
      combine(
        ...API_KEY_OPS.map((op) => wrap(op, (ctx, next) => next(withStore(ctx, noFailureLimits)))),
      ),
  },
  {
    id: "F-ERR-13-token-form-body-415",
    area: "errors",
    description:
      "The token endpoint answers 415 Unsupported Media Type to application/x-www-form-urlencoded bodies (it reads JSON only), as better-auth does.",
    requirement: "DTP-ERR-052",
    catchers: ["DTP-ERR-052"],
    fixture: () =>
      wrap("token", (ctx, next) =>
        ctx.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() ===
        "application/x-www-form-urlencoded"
          ? problem("unsupported-media-type", 415, "the body must be application/json")
          : next(ctx),
      ),
  },
  {
    id: "F-ERR-14-body-auth-401-without-challenge",
    area: "errors",
    description:
      "A client whose authentication fails in the body (client_secret_post, a client assertion) or that sent none gets 401 invalid_client without a WWW-Authenticate header; only HTTP Basic failures carry the challenge.",
    requirement: "DTP-ERR-057",
    catchers: ["DTP-ERR-057"],
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
              ) {
                const { "WWW-Authenticate": _challenge, ...headers } = e.headers;
                throw new OAuthError("invalid_client", e.message, e.status, headers);
              }
              throw e;
            }
          }),
        ),
      ),
  },
];
