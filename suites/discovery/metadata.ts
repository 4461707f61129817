/** Fetching the metadata document from inside a discovery check (so it is in the transcript). */
import type { HttpResponse } from "../../src/http/types.ts";
import type { CheckContext } from "../../src/runner/check.ts";
import { wellKnownUrl } from "../../src/runner/discover.ts";

/** The URL the kit derived from the target's base URL (or the configured discovery URL). */
export function metadataUrl(ctx: CheckContext): string {
  return ctx.target.discoveryUrl ?? wellKnownUrl(ctx.target.baseUrl);
}

/** GET the metadata without credentials. */
export function getMetadata(ctx: CheckContext): Promise<HttpResponse> {
  return ctx.http.request({
    method: "GET",
    url: metadataUrl(ctx),
    headers: { accept: "application/json" },
    label: "metadata",
  });
}
