/**
 * The protected resource (`GET /me`, RFC 6750 / RFC 9449): a token presented as issued.
 */
import type { HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import type { DpopSession } from "./dpop-session.ts";
import { endpoint } from "./metadata.ts";
import { presentToken } from "./token-holder.ts";
import type { TokenSet } from "./tokens.ts";

/**
 * `GET /me` with `tokens`' access token exactly as it is (no renewal): DPoP-bound with
 * `dpop`'s proof, Bearer otherwise, or with `scheme`.
 */
export function callResource(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  dpop?: DpopSession,
  label = "GET /me",
  scheme?: "DPoP" | "Bearer",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_resource_endpoint");
  return presentToken(ctx, tokens, dpop, { method: "GET", url, label }, scheme);
}
