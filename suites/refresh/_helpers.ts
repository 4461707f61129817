/**
 * Helpers shared by the refresh, revocation and resource suites: devices with a refresh
 * token, strict readers of token / introspection / resource answers, the declared grace
 * window, and a guard that an access token is still inside its lifetime when a check
 * relies on it (so that an expiry is never mistaken for a revocation, or vice versa).
 */

import type { CheckContext, Level } from "../../src/check/check.ts";
import {
  describe,
  expectJson,
  expectOAuthError,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  basicAuth,
  callResource,
  clientSecret,
  type Device,
  type DpopSession,
  declaredLifetime,
  endpoint,
  endpointOf,
  type Holder,
  login,
  obtainDeviceTokens,
  peekJwt,
  type RegisterOptions,
  readTokens,
  refresh,
  type TokenSet,
  userCredentials,
} from "../../src/client/legacy/index.ts";

/** `dtp_refresh_token_reuse_grace_period` as the target declares it (seconds, default 0). */
export function declaredGrace(ctx: CheckContext): number {
  const v = ctx.target.metadata.dtp_refresh_token_reuse_grace_period;
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** A device with its first token pair; fails `requirement` when no refresh token comes. */
export async function deviceWithRefresh(
  ctx: CheckContext,
  requirement: string,
  label: string,
  options: RegisterOptions = {},
): Promise<Device & { tokens: TokenSet & { refreshToken: string } }> {
  const device = await obtainDeviceTokens(ctx, requirement, {
    clientId: ctx.clientId(label),
    ...options,
  });
  const rt = device.tokens.refreshToken;
  if (rt === undefined) {
    fail(requirement, "a refresh_token in the device's token response", "none", device.tokens.res);
  }
  return { ...device, tokens: { ...device.tokens, refreshToken: rt } };
}

export type Pair = TokenSet & { refreshToken: string };

/** Reads a 200 token response that must carry a refresh token (RFC 6749 §6, §5.1). */
export function readPair(ctx: CheckContext, res: HttpResponse, requirement: string): Pair {
  const tokens = readTokens(ctx, res, requirement);
  if (tokens.refreshToken === undefined) {
    fail(requirement, "a new refresh_token in the refresh response", "no refresh_token", res);
  }
  return { ...tokens, refreshToken: tokens.refreshToken };
}

/** Refreshes and requires success with a new pair (fails `requirement` otherwise). */
export async function refreshOk(
  ctx: CheckContext,
  holder: Holder,
  refreshToken: string,
  requirement: string,
  extra: Record<string, string | undefined> = {},
): Promise<Pair> {
  const res = await refresh(ctx, holder, refreshToken, extra);
  return readPair(ctx, res, requirement);
}

/** 400 OAuth `invalid_grant`. */
export function expectInvalidGrant(res: HttpResponse, requirement: string): void {
  expectOAuthError(res, { status: 400, error: "invalid_grant" }, requirement);
}

/**
 * The last moment (check clock, ms) at which `tokens`' access token is certainly still
 * inside its lifetime: `exp` is whole seconds, so up to one second is lost to rounding,
 * and a quarter second more is kept as margin.
 */
export function aliveUntil(tokens: Pick<TokenSet, "receivedAt" | "expiresIn">): number {
  return tokens.receivedAt + (tokens.expiresIn - 1) * 1000 - 250;
}

/**
 * SKIPs when the access token may already have expired: what the check is about to
 * conclude would then prove nothing (an expired token is rejected anyway).
 */
export function requireAlive(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "receivedAt" | "expiresIn">,
  what: string,
): void {
  if (ctx.clock.now() > aliveUntil(tokens)) {
    ctx.skip(
      `the access token's lifetime (expires_in ${tokens.expiresIn} s) ran out before ${what}, so the answer would prove nothing: lengthen dtp_lifetimes.access_token on the target`,
    );
  }
}

/** GET /me with a token that must be accepted (200). */
export async function expectAccepted(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType" | "receivedAt" | "expiresIn">,
  requirement: string,
  dpop?: DpopSession,
  label = "GET /me (must be accepted)",
): Promise<HttpResponse> {
  requireAlive(ctx, tokens, "the resource call");
  const res = await callResource(ctx, tokens, dpop, label);
  if (res.status !== 200) {
    fail(requirement, "status 200 from the protected resource", describe(res), res);
  }
  return res;
}

/**
 * GET /me with a token that must be refused: 401 with a `Bearer` (or `DPoP`, for a bound
 * token) challenge carrying `error="invalid_token"` (RFC 6750 §3.1, RFC 9449 §7).
 */
export async function expectRejected(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  requirement: string,
  dpop?: DpopSession,
  label = "GET /me (must be refused)",
): Promise<HttpResponse> {
  const res = await callResource(ctx, tokens, dpop, label);
  const scheme = tokens.tokenType.toLowerCase() === "dpop" ? "DPoP" : "Bearer";
  expectWwwAuthenticate(res, { scheme, error: "invalid_token", status: 401 }, requirement);
  return res;
}

/** POST /introspect authenticated as the device `clientId` (API key, Basic). */
export function introspectAs(
  ctx: CheckContext,
  clientId: string,
  token: string,
  label = "introspect",
  hint?: string,
): Promise<HttpResponse> {
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "introspection_endpoint"),
    headers: { authorization: basicAuth(clientId, clientSecret(ctx.target, clientId)) },
    form: { token, token_type_hint: hint },
    label,
  });
}

/** POST /introspect with the admin bearer (`undefined` when the config has no admin token). */
export function introspectAsAdmin(
  ctx: CheckContext,
  token: string,
  label = "introspect (admin)",
): Promise<HttpResponse> | undefined {
  const admin = ctx.target.config.admin?.token;
  if (admin === undefined) return undefined;
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "introspection_endpoint"),
    headers: { authorization: `Bearer ${admin}` },
    form: { token },
    label,
  });
}

/** 200 `{"active": false}` with no other member (RFC 7662 §2.2, DTP-REV-011). */
export function expectInactive(res: HttpResponse, requirement: string): void {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  const keys = Object.keys(body);
  if (body.active !== false || keys.length !== 1) {
    fail(requirement, '{"active": false} and no other member', JSON.stringify(body), res);
  }
}

/** 200 `{"active": true, ...}`; returns the body. */
export function expectActive(res: HttpResponse, requirement: string): Record<string, unknown> {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (body.active !== true) {
    fail(requirement, '"active": true', `"active": ${JSON.stringify(body.active)}`, res);
  }
  return body;
}

/** Space-separated scope as a sorted set string, for comparisons ("login me"). */
export function scopeSet(scope: string): string {
  return [...new Set(scope.split(" ").filter((s) => s !== ""))].sort().join(" ");
}

/** The `scope` claim of a JWT access token (undefined when it is not a readable JWT). */
export function scopeClaim(accessToken: string): string | undefined {
  const s = peekJwt(accessToken)?.scope;
  return typeof s === "string" ? s : undefined;
}

/** A user token pair obtained by logging the configured user in through `device`. */
export async function userTokens(
  ctx: CheckContext,
  device: Device,
  requirement: string,
): Promise<Pair> {
  const user = userCredentials(ctx);
  const res = await login(
    ctx,
    device,
    { username: user.username, password: user.password },
    "login (user token)",
  );
  return readPair(ctx, res, requirement);
}

/** Creates a personal token with a user token (Bearer); returns its secret. */
export async function personalToken(
  ctx: CheckContext,
  user: Pick<TokenSet, "accessToken">,
  requirement: string,
): Promise<{ token: string; expiresIn: number; receivedAt: number; res: HttpResponse }> {
  const url = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
  if (url === undefined) ctx.notClaimed("the target metadata has no dtp_personal_tokens_endpoint");
  const expiresIn = Math.min(600, declaredLifetime(ctx.target, "personal_token_max", 600));
  const res = await ctx.http.request({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${user.accessToken}` },
    json: { name: `kit ${ctx.clientId("pat")}`, expires_in: expiresIn, scope: "me" },
    label: "create personal token",
  });
  expectStatus(res, 201, requirement);
  const body = expectJson(res, requirement);
  if (typeof body.token !== "string") {
    fail(requirement, 'a "token" string in the created personal token', JSON.stringify(body), res);
  }
  ctx.http.addSecret(body.token, "personal-token");
  return { token: body.token, expiresIn, receivedAt: ctx.clock.now(), res };
}

/**
 * Runs `fn`, turning its failure into one of `level` (SHOULD → WARN): for optional parts
 * of a check, asserted after the MUST parts so that a WARN never hides a FAIL.
 */
export async function atLevel(level: Level, fn: () => unknown | Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof CheckFailure)) throw err;
    throw new CheckFailure({
      requirement: err.requirement,
      expected: err.expected,
      actual: err.actual,
      evidence: err.evidence,
      level,
    });
  }
}

/**
 * Waits until the access token of `tokens` has certainly expired: `expires_in` after it
 * was received plus one second (the server applies no skew to its own tokens,
 * DTP-EXP-006). SKIPs naming `dtp_lifetimes.access_token` when that does not fit the wait
 * budget.
 */
export async function waitAccessExpired(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "receivedAt" | "expiresIn">,
): Promise<void> {
  const ms = Math.max(0, tokens.receivedAt + tokens.expiresIn * 1000 + 1000 - ctx.clock.now());
  if (ms > ctx.waitBudget() * 1000) {
    ctx.skip(
      `needs to wait ${Math.ceil(ms / 1000)} s for the access token to expire but --max-wait leaves ${Math.floor(ctx.waitBudget())} s: shorten dtp_lifetimes.access_token on the target or raise --max-wait`,
    );
  }
  if (ms > 0) await ctx.clock.sleep(ms);
}

/** The configured user's credentials, or undefined when the config has none. */
export function userCredentialsOrUndefined(
  ctx: CheckContext,
): { username: string; password: string } | undefined {
  if (!ctx.target.features.has("user_credentials") || !ctx.target.config.user) return undefined;
  return userCredentials(ctx);
}
