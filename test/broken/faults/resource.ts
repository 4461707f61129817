/** Protected resources: RFC 6750 / RFC 9449 challenges, token validation, GET /me. */
import { createHmac, createPublicKey, type JsonWebKey } from "node:crypto";
import { ChallengeError, DtpServerError } from "../../../reference-server/errors.ts";
import { renderError } from "../../../reference-server/http/render-error.ts";
import type { App } from "../../../reference-server/index.ts";
import type { AccessTokenClaims } from "../../../src/protocol/access-token.ts";
import type { Fault } from "../types.ts";
import {
  combine,
  jwtHeader,
  jwtPayload,
  plainOAuthServer,
  replyJson,
  withApp,
  withHeaders,
  withJson,
  withoutHeaders,
  wrap,
  wrapAll,
} from "./_lib.ts";

const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];

type Signer = App["signer"];

/** A signer whose `verify` trusts tokens that `trust(token)` says are good, claims re-signed. */
function trustingSigner(real: Signer, trust: (token: string) => boolean): Signer {
  return {
    ...real,
    verify: (token, now) => {
      const claims = trust(token) ? jwtPayload(token) : undefined;
      // The claims are re-signed with the real key: every claim check still applies.
      return real.verify(claims ? real.sign(claims as unknown as AccessTokenClaims) : token, now);
    },
  };
}

/** At the resources, access tokens are verified by `make(real signer)`. */
function resourceSigner(make: (real: Signer) => Signer): Fault["fixture"] {
  return () =>
    wrapAll((ctx, next) =>
      RESOURCES.includes(ctx.operationId)
        ? next(withApp(ctx, { signer: make(ctx.app.signer) }))
        : next(ctx),
    );
}

/** The PEM of the server's (first) public signing key. */
function serverKeyPem(signer: Signer): string | undefined {
  const jwk = signer.jwks().keys[0];
  if (!jwk) return undefined;
  return createPublicKey({ key: jwk as JsonWebKey, format: "jwk" })
    .export({ format: "pem", type: "spki" })
    .toString();
}

/** At /me, each challenge (one header value per scheme) rewritten by `edit`, the thrown error rendered first. */
function challengeRewritten(edit: (header: string) => string): Fault["fixture"] {
  return () =>
    wrap("getMe", async (ctx, next) => {
      try {
        return await next(ctx);
      } catch (e) {
        if (!(e instanceof DtpServerError)) throw e;
        const reply = renderError(e, "problem");
        const headers = Object.fromEntries(
          Object.entries(reply.headers ?? {}).map(([k, v]) => [
            k,
            k.toLowerCase() !== "www-authenticate"
              ? v
              : Array.isArray(v)
                ? v.map(edit)
                : edit(String(v)),
          ]),
        );
        return { ...reply, headers };
      }
    });
}

export const resource: Fault[] = [
  {
    id: "F-RES-01-alg-none-access-token",
    area: "resource",
    description:
      'An access token with alg "none" and no signature is accepted at protected resources: the JWT library trusts the header\'s alg.',
    requirement: "DTP-RES-006",
    catchers: ["DTP-RES-005"],
    fixture: resourceSigner((real) =>
      trustingSigner(real, (t) => {
        const alg = jwtHeader(t)?.alg;
        return typeof alg === "string" && alg.toLowerCase() === "none";
      }),
    ),
  },
  {
    id: "F-RES-02-hs256-with-public-key-access-token",
    area: "resource",
    description:
      "An access token signed HS256 with the server's public key (PEM) as the HMAC secret is accepted: key confusion in the JWT library.",
    requirement: "DTP-RES-006",
    catchers: ["DTP-RES-005"],
    fixture: resourceSigner((real) =>
      trustingSigner(real, (t) => {
        const pem = serverKeyPem(real);
        const [h, p, sig] = t.split(".");
        return (
          jwtHeader(t)?.alg === "HS256" &&
          pem !== undefined &&
          createHmac("sha256", pem).update(`${h}.${p}`).digest("base64url") === sig
        );
      }),
    ),
  },
  {
    id: "F-RES-03-no-token-403",
    area: "resource",
    description:
      'A request to /me without any token is answered 403 (as SAFEQ Cloud\'s "User and device tokens" page says) instead of 401 with a Bearer challenge.',
    requirement: "DTP-RES-004",
    catchers: ["DTP-RES-004"],
    fixture: () =>
      wrap("getMe", (ctx, next) =>
        ctx.headers.authorization === undefined
          ? {
              status: 403,
              headers: { "Content-Type": "application/problem+json" },
              json: {
                type: "https://dtp.dev/problems/forbidden",
                title: "Forbidden",
                status: 403,
                detail: "an access token is required",
              },
            }
          : next(ctx),
      ),
  },
  {
    id: "F-RES-04-insufficient-scope-as-invalid-token",
    area: "resource",
    description:
      "A valid token lacking the required scope is answered 401 invalid_token instead of 403 insufficient_scope.",
    requirement: "DTP-RES-008",
    catchers: ["DTP-RES-008"],
    fixture: () =>
      wrapAll(async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          if (e instanceof ChallengeError && e.error === "insufficient_scope")
            throw new ChallengeError(e.scheme, "invalid_token", e.message);
          throw e;
        }
      }),
  },
  {
    id: "F-RES-05-token-in-query-accepted",
    area: "resource",
    description:
      "An access token in the URI query (?access_token=) is accepted at /me when there is no Authorization header.",
    requirement: "DTP-RES-011",
    catchers: ["DTP-RES-011"],
    fixture: () =>
      wrap("getMe", (ctx, next) => {
        const token = ctx.url.searchParams.get("access_token");
        return ctx.headers.authorization === undefined && token !== null
          ? next(withHeaders(ctx, { authorization: `Bearer ${token}` }))
          : next(ctx);
      }),
  },
  {
    id: "F-RES-06-me-scope-as-string",
    area: "resource",
    description: "GET /me answers scope as a space-separated string instead of an array of scopes.",
    requirement: "DTP-RES-001",
    catchers: ["DTP-RES-001"],
    fixture: () =>
      wrap("getMe", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return Array.isArray(body.scope)
          ? withJson(reply, { ...body, scope: body.scope.join(" ") })
          : reply;
      }),
  },
  {
    id: "F-RES-07-me-cacheable",
    area: "resource",
    description:
      "The 200 answer of GET /me has no Cache-Control: no-store (a shared cache may keep it).",
    requirement: "DTP-RES-003",
    catchers: ["DTP-RES-001"],
    fixture: () =>
      wrap("getMe", async (ctx, next) =>
        withoutHeaders(await next(ctx), ["cache-control", "pragma"]),
      ),
  },
  {
    id: "F-RES-08-challenge-without-problem-body",
    area: "resource",
    description:
      "401 and 403 challenges at /me carry a plain-text body instead of an application/problem+json document.",
    requirement: "DTP-RES-010",
    catchers: ["DTP-RES-004"],
    fixture: () =>
      wrap("getMe", async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          if (!(e instanceof DtpServerError)) throw e;
          const reply = renderError(e, "problem");
          return {
            status: reply.status,
            headers: {
              ...withoutHeaders(reply, ["content-type"]).headers,
              "Content-Type": "text/plain",
            },
            text: e.message,
          };
        }
      }),
  },
  {
    id: "F-RES-09-bare-bearer-challenge",
    area: "resource",
    description:
      "/me answers 401 with a bare `WWW-Authenticate: Bearer` challenge (no auth-param), which RFC 6750 §3 forbids.",
    requirement: "DTP-RES-054",
    catchers: ["DTP-RES-054"],
    fixture: challengeRewritten((h) => (h.startsWith("Bearer") ? "Bearer" : h)),
  },
  {
    id: "F-RES-10-error-twice-in-challenge",
    area: "resource",
    description:
      '/me\'s Bearer challenge carries error= twice (error="invalid_token", error="invalid_request").',
    requirement: "DTP-RES-055",
    catchers: ["DTP-RES-054"],
    fixture: challengeRewritten((h) =>
      h.replace('error="invalid_token"', 'error="invalid_token", error="invalid_request"'),
    ),
  },
  {
    id: "F-RES-11-challenge-description-quote",
    area: "resource",
    description:
      "/me's Bearer challenge carries an error_description with an escaped double quote and a non-ASCII character.",
    requirement: "DTP-RES-056",
    catchers: ["DTP-RES-054"],
    fixture: challengeRewritten((h) =>
      h.replace(
        /error_description="[^"]*"/,
        'error_description="the \\"token\\" is not valid \u00e9"',
      ),
    ),
  },
  {
    id: "F-RES-40-no-token-challenge-with-error",
    area: "resource",
    description:
      'A plain OAuth server (no dtp_version) whose /me answers a request without a token with error information in the challenge (Bearer realm="dtp", error="invalid_request", error_description="no access token"). RFC 6750 §3.1 says SHOULD NOT: the check warns.',
    requirement: "DTP-RES-052",
    catchers: ["DTP-RES-054"],
    note: "At a DTP target the same challenge is DTP-RES-053's FAIL (DTP-RES-004).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        challengeRewritten((h) =>
          h.startsWith("Bearer") && !/\berror=/.test(h)
            ? `${h}, error="invalid_request", error_description="no access token"`
            : h,
        )(),
      ),
  },
  {
    id: "F-RES-41-failed-token-invalid-request-plain",
    area: "resource",
    description:
      'A plain OAuth server (no dtp_version) whose /me answers a token that failed authentication (unknown, forged, revoked) 400 with error="invalid_request" in the Bearer challenge. RFC 6750 §3.1 says SHOULD be 401 invalid_token: the checks warn.',
    requirement: "DTP-RES-057",
    catchers: ["DTP-RES-005", "DTP-RES-054"],
    note: "At a DTP target the same answer is DTP-RES-058's FAIL (F-RES-15).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        wrap("getMe", async (ctx, next) => {
          try {
            return await next(ctx);
          } catch (e) {
            if (e instanceof ChallengeError && e.error === "invalid_token")
              throw new ChallengeError(e.scheme, "invalid_request", e.message, { status: 400 });
            throw e;
          }
        }),
      ),
  },
  {
    id: "F-RES-42-token-in-two-ways-served",
    area: "resource",
    description:
      "/me accepts the access token in the ?access_token= query parameter as well as in the Authorization header, and serves a request that carries it both ways (RFC 6750 §3.1: SHOULD be 400 invalid_request). The check warns.",
    requirement: "DTP-RES-062",
    catchers: ["DTP-RES-062"],
    note: "At a DTP target accepting the query at all is DTP-RES-011's FAIL (F-RES-05).",
    fixture: () =>
      wrap("getMe", (ctx, next) => {
        const token = ctx.url.searchParams.get("access_token");
        return ctx.headers.authorization === undefined && token !== null
          ? next(withHeaders(ctx, { authorization: `Bearer ${token}` }))
          : next(ctx);
      }),
  },
  {
    id: "F-RES-43-insufficient-scope-as-invalid-token-plain",
    area: "resource",
    description:
      "A plain OAuth server (no dtp_version) that answers a valid token lacking the required scope 401 invalid_token; RFC 6750 §3.1 says SHOULD be 403 insufficient_scope. The check warns.",
    requirement: "DTP-RES-061",
    catchers: ["DTP-RES-008"],
    note: "At a DTP target the same answer is DTP-RES-008's FAIL (F-RES-04).",
    fixture: () =>
      combine(
        plainOAuthServer(),
        ...RESOURCES.map((operation) =>
          wrap(operation, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (e instanceof ChallengeError && e.error === "insufficient_scope")
                throw new ChallengeError(e.scheme, "invalid_token", e.message);
              throw e;
            }
          }),
        ),
      ),
  },
];
