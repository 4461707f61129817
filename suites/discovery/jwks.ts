/** Fetching the JWK Set from inside a discovery check. */

import type { CheckContext } from "../../src/check/check.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { endpointOf } from "../../src/client/legacy/endpoints.ts";

/** GET the `jwks_uri` without credentials, or SKIP when the metadata has none. */
export function getJwks(ctx: CheckContext): Promise<HttpResponse> {
  const url = endpointOf(ctx.target, "jwks_uri");
  if (url === undefined) ctx.notClaimed("target metadata has no jwks_uri");
  return ctx.http.request({
    method: "GET",
    url,
    headers: { accept: "application/json" },
    label: "GET jwks_uri",
  });
}
