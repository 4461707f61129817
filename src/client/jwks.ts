/**
 * The server's JWK Set (`jwks_uri`, RFC 7517 §5): the keys that sign its access tokens.
 */
import type { JSONWebKeySet } from "jose";
import { expectJson, expectStatus, fail } from "../check/expect.ts";
import type { HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import { endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";

/** `GET jwks_uri` without credentials (the answer). */
export function getJwks(ctx: DtpContext): Promise<HttpResponse> {
  return ctx.http.request({
    method: "GET",
    url: endpoint(ctx.target, "jwks_uri"),
    headers: { accept: "application/json" },
    label: "GET jwks_uri",
  });
}

/** The JWK Set; it must be served (the JWK Set's owner, or `requirement`). */
export async function fetchJwks(
  ctx: DtpContext,
  options: { requirement?: string } = {},
): Promise<JSONWebKeySet & { res: HttpResponse }> {
  const owner = ownerOf("jwks", options.requirement);
  const res = await getJwks(ctx);
  expectStatus(res, 200, owner);
  const body = expectJson(res, owner);
  if (!Array.isArray(body.keys)) {
    fail(owner, 'a JWK Set: {"keys": [...]}', JSON.stringify(body).slice(0, 200), res);
  }
  return { ...(body as unknown as JSONWebKeySet), res };
}
