/**
 * Token responses (RFC 6749 §5.1) and what a client may read from them: the pair, the
 * access token's header and claims (RFC 9068, read without verifying), scopes, and the one
 * rule for how long the server surely still holds an access token valid.
 */
import { expectJson, expectStatus, fail } from "../check/expect.ts";
import type { HttpResponse } from "../check/http.ts";
import { decodeJwsJson, isCompactJws } from "../protocol/jws.ts";
import type { DtpContext } from "./context.ts";
import { ownerOf } from "./owners.ts";

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** `expires_in` (seconds; 0 when absent). */
  expiresIn: number;
  refreshToken?: string;
  scope?: string;
  /** When the response arrived (ms, the context's clock). */
  receivedAt: number;
  res: HttpResponse;
}

/**
 * Reads a successful token response: 200, a JSON object, `access_token` and `token_type`
 * strings; fails `requirement` (default: the token response's owner) otherwise. The tokens
 * are marked as secrets.
 */
export function readTokens(ctx: DtpContext, res: HttpResponse, requirement?: string): TokenSet {
  const req = ownerOf("tokenResponse", requirement);
  expectStatus(res, 200, req);
  const body = expectJson(res, req);
  const { access_token, token_type, expires_in, refresh_token, scope } = body;
  if (typeof access_token !== "string" || typeof token_type !== "string") {
    fail(req, "access_token and token_type strings", JSON.stringify(body).slice(0, 200), res);
  }
  ctx.http.addSecret?.(access_token);
  if (typeof refresh_token === "string") ctx.http.addSecret?.(refresh_token);
  return {
    accessToken: access_token,
    tokenType: token_type,
    expiresIn: typeof expires_in === "number" ? expires_in : 0,
    ...(typeof refresh_token === "string" ? { refreshToken: refresh_token } : {}),
    ...(typeof scope === "string" ? { scope } : {}),
    receivedAt: ctx.clock.now(),
    res,
  };
}

/**
 * Expects a 200 answer to a step, then reads its token response: a status other than 200
 * fails the step's owner (`stepRequirement`), a malformed body the token response's owner.
 */
export function readStepTokens(
  ctx: DtpContext,
  res: HttpResponse,
  stepRequirement: string,
  what: string,
): TokenSet {
  if (res.status !== 200) {
    fail(stepRequirement, `${what}: status 200 with a token response`, describeAnswer(res), res);
  }
  return readTokens(ctx, res);
}

/** A token response's pair, which must carry a refresh token (the token response's owner). */
export function withRefreshToken(tokens: TokenSet): TokenSet & { refreshToken: string } {
  if (tokens.refreshToken === undefined) {
    fail(ownerOf("tokenResponse"), "a refresh_token in the token response", "none", tokens.res);
  }
  return { ...tokens, refreshToken: tokens.refreshToken };
}

/** "status 400 invalid_grant: …" on one line. */
export function describeAnswer(res: HttpResponse): string {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  const text = res.text.replace(/\s+/g, " ").trim().slice(0, 160);
  return `status ${res.status}${typeof error === "string" ? ` ${error}` : ""}${text ? `: ${text}` : ""}`;
}

/** The decoded header and claims of a compact JWS (unverified), or undefined. */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  if (!isCompactJws(token)) return undefined;
  const [h, p] = token.split(".") as [string, string, string];
  const header = decodeJwsJson(h);
  const claims = decodeJwsJson(p);
  return header && claims ? { header, claims } : undefined;
}

/** The claims of a JWT access token (unverified), or undefined when it is not one. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  return decodeJwt(token)?.claims;
}

/** A space-separated scope as a sorted list without duplicates (RFC 6749 §3.3). */
export function scopeList(scope: unknown): string[] | undefined {
  if (typeof scope !== "string") return undefined;
  return [...new Set(scope.split(" ").filter((s) => s !== ""))].sort();
}

/** The same scopes, whatever the order and duplicates. */
export function sameScope(a: unknown, b: unknown): boolean {
  const x = scopeList(a);
  const y = scopeList(b);
  return x !== undefined && y !== undefined && x.join(" ") === y.join(" ");
}

/** The scope the access token carries (its `scope` claim, else the response's `scope`). */
export function scopeOf(tokens: Pick<TokenSet, "accessToken" | "scope">): string | undefined {
  const claim = claimsOf(tokens.accessToken)?.scope;
  return typeof claim === "string" ? claim : tokens.scope;
}

/**
 * Until when (the context's clock, ms) the server surely still holds the access token valid:
 * it was issued after its request was sent, so it lives at least until send time + its
 * lifetime (the shorter of `expires_in` and the token's own `exp − iat`) − 1 s for a server
 * that rounds `exp` to whole seconds. Infinity when no lifetime is known.
 */
export function validUntil(
  tokens: Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
): number {
  const claims = claimsOf(tokens.accessToken);
  const own =
    typeof claims?.exp === "number" && typeof claims.iat === "number"
      ? claims.exp - claims.iat
      : Number.POSITIVE_INFINITY;
  const declared = tokens.expiresIn > 0 ? tokens.expiresIn : Number.POSITIVE_INFINITY;
  const lifetime = Math.min(declared, own);
  if (!Number.isFinite(lifetime)) return Number.POSITIVE_INFINITY;
  const sentAt = tokens.receivedAt - tokens.res.durationMs;
  return sentAt + (lifetime - 1) * 1000;
}

/** True when the server surely still holds the access token valid at `atMs`. */
export function provablyValid(
  tokens: Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
  atMs: number,
): boolean {
  return atMs < validUntil(tokens);
}
