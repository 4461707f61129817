/** Server metadata (RFC 8414) and the JWK Set. */
import type { Fault } from "../types.ts";
import { plainOAuthServer, replyJson, withJson, wrap } from "./_lib.ts";

export const discovery: Fault[] = [
  {
    id: "F-DISC-01-issuer-trailing-slash",
    area: "discovery",
    description:
      "The metadata issuer has a trailing slash, so it is not identical to the URL the metadata was fetched from.",
    requirement: "DTP-DISC-002",
    catchers: ["DTP-DISC-002"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return withJson(reply, { ...body, issuer: `${String(body.issuer)}/` });
      }),
  },
  {
    id: "F-DISC-02-symmetric-dpop-alg-advertised",
    area: "discovery",
    description: "dpop_signing_alg_values_supported advertises HS256 (a symmetric algorithm).",
    requirement: "DTP-DISC-007",
    catchers: ["DTP-DISC-007"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        const algs = body.dpop_signing_alg_values_supported;
        return withJson(reply, {
          ...body,
          dpop_signing_alg_values_supported: [...(Array.isArray(algs) ? algs : []), "HS256"],
        });
      }),
  },
  {
    id: "F-DISC-03-limits-not-advertised",
    area: "discovery",
    description:
      "The metadata has no dtp_limits: clients cannot know when their failed attempts will be refused, nor for how long.",
    requirement: "DTP-DISC-016",
    catchers: ["DTP-DISC-013"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const { dtp_limits: _limits, ...body } = replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-DISC-04-response-types-omitted",
    area: "discovery",
    description:
      "The metadata omits response_types_supported, which RFC 8414 §2 requires of every server (a device-grant-only server sends it empty).",
    requirement: "DTP-DISC-052",
    catchers: ["DTP-DISC-052"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const { response_types_supported: _types, ...body } = replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-DISC-05-assertion-algs-omitted",
    area: "discovery",
    description:
      "token_endpoint_auth_methods_supported lists private_key_jwt, but the metadata omits token_endpoint_auth_signing_alg_values_supported, so clients cannot know which algorithms to sign assertions with.",
    requirement: "DTP-DISC-053",
    catchers: ["DTP-DISC-053"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const { token_endpoint_auth_signing_alg_values_supported: _algs, ...body } =
          replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-DISC-06-empty-array-member",
    area: "discovery",
    description:
      'The metadata carries a member with zero elements ("ui_locales_supported": []) instead of omitting it (RFC 8414 §3.2).',
    requirement: "DTP-DISC-056",
    catchers: ["DTP-DISC-056"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        return withJson(reply, { ...replyJson(reply), ui_locales_supported: [] });
      }),
  },
  {
    id: "F-DISC-07-dtp-issuer-trailing-slash",
    area: "discovery",
    description:
      "A DTP server configured with a trailing slash on its issuer names itself `<issuer>/` in the metadata.",
    requirement: "DTP-DISC-051",
    catchers: ["DTP-DISC-002"],
    note: "Under the DTP profile DTP-DISC-002 names the trailing slash (DTP-DISC-051) before the identity with the URL the metadata came from (DTP-DISC-002, F-DISC-01).",
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return withJson(reply, { ...body, issuer: `${String(body.issuer).replace(/\/+$/, "")}/` });
      }),
  },
  {
    id: "F-DISC-08-token-endpoint-fragment",
    area: "discovery",
    description: "The metadata advertises the token endpoint with a fragment (`…/token#frag`).",
    requirement: "DTP-DISC-050",
    catchers: ["DTP-DISC-003"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return withJson(reply, { ...body, token_endpoint: `${String(body.token_endpoint)}#frag` });
      }),
  },
  {
    id: "F-DISC-09-jwks-media-type",
    area: "discovery",
    description:
      "The JWK Set is served as application/jwk-set+json (RFC 7517's media type) where DTP requires application/json.",
    requirement: "DTP-DISC-055",
    catchers: ["DTP-DISC-014"],
    fixture: () =>
      wrap("getJwks", async (ctx, next) => {
        const reply = await next(ctx);
        return {
          ...reply,
          headers: { ...reply.headers, "Content-Type": "application/jwk-set+json" },
        };
      }),
  },
  {
    id: "F-DISC-40-scopes-supported-omitted",
    area: "discovery",
    description:
      "The metadata omits scopes_supported (RECOMMENDED by RFC 8414 §2): clients cannot learn which scopes to ask for. A SHOULD: the check warns.",
    requirement: "DTP-DISC-057",
    catchers: ["DTP-DISC-052"],
    fixture: () =>
      wrap("getMetadata", async (ctx, next) => {
        const reply = await next(ctx);
        const { scopes_supported: _scopes, ...body } = replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-DISC-41-jwt-client-auth-without-rs256",
    area: "discovery",
    description:
      'A plain OAuth server (no dtp_version) that lists private_key_jwt in token_endpoint_auth_methods_supported with token_endpoint_auth_signing_alg_values_supported ["ES256"] only: RFC 8414 §2 says servers SHOULD support RS256. The check warns.',
    requirement: "DTP-DISC-054",
    catchers: ["DTP-DISC-054"],
    note: "The reference server's own metadata, without dtp_version: a DTP server lists exactly [\"ES256\"] (DTP-DISC-006's recorded deviation), so at a DTP target the SHOULD is not claimed.",
    fixture: () => plainOAuthServer(),
  },
];
