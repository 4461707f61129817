/** Server metadata (RFC 8414) and the JWK Set. */
import type { Fault } from "../types.ts";
import { replyJson, withJson, wrap } from "./_lib.ts";

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
];
