/** Fetching the JWK Set from inside a discovery check. */
import { endpointOf } from "../../src/client/endpoints.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import type { CheckContext } from "../../src/runner/check.ts";

/** GET the `jwks_uri` without credentials, or SKIP when the metadata has none. */
export function getJwks(ctx: CheckContext): Promise<HttpResponse> {
  const url = endpointOf(ctx.target, "jwks_uri");
  if (url === undefined) ctx.skip("target metadata has no jwks_uri");
  return ctx.http.request({
    method: "GET",
    url,
    headers: { accept: "application/json" },
    label: "GET jwks_uri",
  });
}
