/**
 * The protected resource (`GET /me`, RFC 6750 / RFC 9449): a token presented as issued.
 */
import { describe, fail } from "../check/expect.ts";
import { expectInvalidToken } from "../check/expect-oauth.ts";
import type { HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import type { DpopSession } from "./dpop-session.ts";
import { endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";
import { presentToken, requireValid } from "./token-holder.ts";
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

/**
 * `GET /me` with `tokens` exactly as they are, which must be accepted (200; the resource's
 * owner, or `requirement`). When the access token may already have expired, the answer
 * would prove nothing: a check ends untested instead.
 */
export async function meOk(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType" | "expiresIn" | "receivedAt" | "res">,
  options: { dpop?: DpopSession | undefined; requirement?: string; label?: string } = {},
): Promise<HttpResponse> {
  const label = options.label ?? "GET /me (must be accepted)";
  requireValid(ctx, tokens, label);
  const res = await callResource(ctx, tokens, options.dpop, label);
  if (res.status !== 200) {
    fail(
      ownerOf("resource", options.requirement),
      "status 200 from the protected resource",
      describe(res),
      res,
    );
  }
  return res;
}

/**
 * `GET /me` with `tokens` exactly as they are, which must be refused: 401 with a `Bearer`
 * (or, for a bound token, `DPoP`) challenge carrying `error="invalid_token"` (RFC 6750
 * §3.1, RFC 9449 §7); fails `requirement` otherwise.
 */
export async function meRefused(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  requirement: string,
  options: { dpop?: DpopSession | undefined; label?: string } = {},
): Promise<HttpResponse> {
  const res = await callResource(
    ctx,
    tokens,
    options.dpop,
    options.label ?? "GET /me (must be refused)",
  );
  expectInvalidToken(
    res,
    requirement,
    tokens.tokenType.toLowerCase() === "dpop" ? "DPoP" : "Bearer",
  );
  return res;
}
