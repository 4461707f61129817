/**
 * Helpers of the login and personal-tokens suites: trusted devices whose short-lived access
 * tokens are kept usable, user sessions (a user token pair obtained through a device), the
 * declared policies, readers of token claims, and a guard that tells a genuine refusal from
 * a token that merely expired on the way on a slow machine (never a FAIL for that).
 */

import type { CheckContext } from "../../src/check/check.ts";
import { describe, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import {
  basicAuth,
  callResource,
  type Device,
  type DpopSession,
  endpoint,
  issuerOf,
  login,
  newDeviceKey,
  obtainDeviceTokens,
  type RegisterOptions,
  readTokens,
  refresh,
  register,
  type TokenSet,
  userCredentials,
} from "../../src/client/legacy/index.ts";
import {
  CLIENT_ASSERTION_TYPE,
  createClientAssertion,
  decodeJwsJson,
  isCompactJws,
} from "../../src/protocol/index.ts";
import { type Challenge, parseChallenges } from "../../src/protocol/www-authenticate.ts";

// ——— declared policies ———

export type PolicyName = "allow_untrusted_endpoints" | "allow_unauthenticated_requests";

/**
 * The value of a `dtp_policies` member as the target declares it. An absent member means
 * the default (`false`, DTP-DISC-012); a present non-boolean one cannot be tested against
 * (SKIP naming it; DTP-DISC-011 judges the metadata itself).
 */
export function declaredPolicy(ctx: CheckContext, name: PolicyName): boolean {
  const policies = ctx.target.metadata.dtp_policies;
  const value =
    policies && typeof policies === "object" && !Array.isArray(policies)
      ? (policies as Record<string, unknown>)[name]
      : undefined;
  if (value === undefined) {
    ctx.note(`dtp_policies.${name} is not declared: tested as false (the default)`);
    return false;
  }
  if (typeof value !== "boolean") {
    ctx.skip(
      `dtp_policies.${name} is ${JSON.stringify(value)}, not a boolean: declare the policy in effect (DTP-DISC-011)`,
    );
  }
  return value;
}

// ——— token lifetimes ———

/** The decoded claims of a compact JWS access token (undefined when it is not one). */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  if (!isCompactJws(token)) return undefined;
  return decodeJwsJson(token.split(".")[1]!);
}

/**
 * True when the server certainly still held `tokens`' access token valid at `atMs` (the
 * check's clock): it was issued after its request was sent, so it lives until at least
 * send time + lifetime − 1 s (whole-second rounding of `exp`).
 */
export function provablyValid(
  tokens: Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
  atMs: number,
): boolean {
  const claims = claimsOf(tokens.accessToken);
  const fromClaims =
    typeof claims?.exp === "number" && typeof claims.iat === "number"
      ? claims.exp - claims.iat
      : tokens.expiresIn;
  const lifetime = Math.min(tokens.expiresIn, fromClaims);
  const sentAt = tokens.receivedAt - tokens.res.durationMs;
  return atMs < sentAt + (lifetime - 1) * 1000;
}

/**
 * Sends a request with an access token that must be valid at the server. When the answer
 * is 401 although the request was right, and the token may have expired on the way (a
 * short-lifetime target on a loaded machine), gets a fresh token with `renew` and sends
 * again (twice at most), then SKIPs: such a 401 proves nothing.
 */
export async function withLiveToken<
  T extends Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
>(
  ctx: CheckContext,
  what: string,
  current: () => T,
  renew: () => Promise<void>,
  send: (tokens: T) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    if (!provablyValid(current(), ctx.clock.now() + 750)) await renew();
    const tokens = current();
    const res = await send(tokens);
    if (res.status !== 401 || provablyValid(tokens, ctx.clock.now())) return res;
    if (attempt === 2) {
      ctx.skip(
        `${what}: the access token (expires_in ${tokens.expiresIn} s) kept expiring before the server answered, so its 401 proves nothing: lengthen dtp_lifetimes.access_token on the target`,
      );
    }
    ctx.note(`${what}: 401 while the access token may have expired (slow machine): retried`);
  }
}

/**
 * Waits until `tokens`' access token has certainly expired: `expires_in` after it was
 * received plus 2 s (whole-second rounding and timer slack). No clock skew is added: the
 * server applies none to the lifetimes of what it issued itself (DTP-EXP-006). SKIPs
 * naming `dtp_lifetimes.access_token` when that does not fit the wait budget.
 */
export async function waitExpired(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "receivedAt" | "expiresIn">,
): Promise<void> {
  const ms = Math.max(0, tokens.receivedAt + tokens.expiresIn * 1000 + 2000 - ctx.clock.now());
  if (ms > ctx.waitBudget() * 1000) {
    ctx.skip(
      `needs to wait ${Math.ceil(ms / 1000)} s for the device access token to expire but --max-wait leaves ${Math.floor(ctx.waitBudget())} s: shorten dtp_lifetimes.access_token on the target or raise --max-wait`,
    );
  }
  if (ms > 0) await ctx.clock.sleep(ms);
}

// ——— devices ———

/** A device with its current token pair (the access token is refreshed when needed). */
export interface TrustedDevice extends Device {
  tokens: TokenSet & { refreshToken: string };
}

/** Registers a device, gets it approved and redeems its device code. */
export async function trustedDevice(
  ctx: CheckContext,
  requirement: string,
  label: string,
  options: RegisterOptions = {},
): Promise<TrustedDevice> {
  const device = await obtainDeviceTokens(ctx, requirement, {
    clientId: ctx.clientId(label),
    label: `register (${label})`,
    ...options,
  });
  const rt = device.tokens.refreshToken;
  if (rt === undefined) {
    fail(requirement, "a refresh_token in the device's token response", "none", device.tokens.res);
  }
  return { ...device, tokens: { ...device.tokens, refreshToken: rt } };
}

/** Replaces `holder.tokens` with a refreshed pair (RFC 6749 §6) as `client`. */
export async function refreshPair(
  ctx: CheckContext,
  client: { clientId: string; dpop?: DpopSession },
  holder: { tokens: TokenSet & { refreshToken: string } },
  requirement: string,
  label = "refresh",
  extra: Record<string, string> = {},
): Promise<void> {
  const res = await refresh(ctx, client, holder.tokens.refreshToken, extra);
  if (res.status !== 200) {
    fail(requirement, `a successful refresh (${label})`, describe(res), res);
  }
  const next = readTokens(ctx, res, requirement);
  if (next.refreshToken === undefined) {
    fail(requirement, "a new refresh_token in the refresh response", "none", res);
  }
  holder.tokens = { ...next, refreshToken: next.refreshToken };
}

/**
 * `POST /login` through `device` (its current access token as the credential, DPoP when
 * bound), refreshing the device's tokens when they may have expired (see withLiveToken).
 */
export function loginThrough(
  ctx: CheckContext,
  device: TrustedDevice,
  form: Record<string, string | undefined>,
  requirement: string,
  label = "login",
): Promise<HttpResponse> {
  return withLiveToken(
    ctx,
    label,
    () => device.tokens,
    () => refreshPair(ctx, device, device, requirement, "device token"),
    (tokens) => login(ctx, { tokens, ...(device.dpop ? { dpop: device.dpop } : {}) }, form, label),
  );
}

/** The configured user's password login form. */
export function passwordForm(ctx: CheckContext): { username: string; password: string } {
  const user = userCredentials(ctx);
  return { username: user.username, password: user.password };
}

// ——— users ———

/** A user logged in through a device: the user token pair and the user's `sub`. */
export interface UserSession {
  device: TrustedDevice;
  tokens: TokenSet & { refreshToken: string };
  /** The user's id (`sub` of the user token). */
  sub: string;
}

/** Logs the configured user in through `device` (200 token response with a refresh token). */
export async function userSession(
  ctx: CheckContext,
  device: TrustedDevice,
  requirement: string,
): Promise<UserSession> {
  const res = await loginThrough(ctx, device, passwordForm(ctx), requirement, "login (user)");
  const tokens = readTokens(ctx, res, requirement);
  if (tokens.refreshToken === undefined) {
    fail(requirement, "a refresh_token in the login response", "none", res);
  }
  const sub = claimsOf(tokens.accessToken)?.sub;
  if (typeof sub !== "string" || sub === "") {
    fail(requirement, "a user access token with a sub claim", `sub = ${JSON.stringify(sub)}`, res);
  }
  return { device, tokens: { ...tokens, refreshToken: tokens.refreshToken }, sub };
}

/**
 * Sends a request with the user's access token (`Authorization: Bearer`; the session's
 * device must be unkeyed), refreshing the user token through the device when it may
 * have expired.
 */
export function asUser(
  ctx: CheckContext,
  session: UserSession,
  req: HttpRequest,
  requirement: string,
): Promise<HttpResponse> {
  return withLiveToken(
    ctx,
    req.label ?? `${req.method} ${req.url}`,
    () => session.tokens,
    () => refreshPair(ctx, session.device, session, requirement, "user token"),
    (tokens) =>
      ctx.http.request({
        ...req,
        headers: { ...req.headers, authorization: `Bearer ${tokens.accessToken}` },
      }),
  );
}

/** `GET /me` with a token as issued (Bearer or DPoP with the device's key). */
export function me(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  dpop: DpopSession | undefined,
  label: string,
): Promise<HttpResponse> {
  return callResource(ctx, tokens, dpop, label);
}

// ——— other kinds of tokens ———

/** A token of some kind, kept usable: the current one, and how to get a fresh one. */
export interface LiveHolder {
  what: string;
  current: () => TokenSet;
  renew: () => Promise<void>;
}

/**
 * A `server` device with an EC P-256 key (x509 certificate), approved, and its service
 * token (RFC 7523 §2.2, scope `me service`), renewed with a new assertion on demand.
 */
export async function serviceTokenHolder(
  ctx: CheckContext,
  requirement: string,
): Promise<LiveHolder> {
  const key = await newDeviceKey("ec-p256");
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId("svc"),
    clientType: "server",
    key,
    keyType: "x509",
    label: "register a server device (EC P-256 certificate)",
  });
  await ctx.approval.approve(reg.userCode);
  const get = async () => {
    const res = await ctx.http.request({
      method: "POST",
      url: endpoint(ctx.target, "token_endpoint"),
      form: {
        grant_type: "client_credentials",
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: createClientAssertion({
          privateKey: key.privateKey,
          clientId: reg.clientId,
          audience: issuerOf(ctx.target),
        }),
        scope: "me service",
      },
      label: "service token (client_credentials)",
    });
    return readTokens(ctx, res, requirement);
  };
  let tokens = await get();
  return {
    what: "a service token",
    current: () => tokens,
    renew: async () => {
      tokens = await get();
    },
  };
}

// ——— challenges ———

/**
 * Fails unless the answer is 401 with a Bearer or DPoP challenge whose `error` is
 * `invalid_token` (RFC 6750 §3.1, RFC 9449 §7): the requirement names no scheme.
 */
export function expectInvalidToken(res: HttpResponse, requirement: string): Challenge {
  const header = res.headers["www-authenticate"];
  let schemes: string[] = [];
  try {
    schemes = header ? parseChallenges(header).map((c) => c.scheme.toLowerCase()) : [];
  } catch {
    // expectWwwAuthenticate reports the malformed header
  }
  const scheme = schemes.includes("dpop") && !schemes.includes("bearer") ? "DPoP" : "Bearer";
  return expectWwwAuthenticate(res, { scheme, error: "invalid_token", status: 401 }, requirement);
}

/** Fails when a refused answer still carries a token (the requirement: "MUST NOT issue"). */
export function expectNoToken(res: HttpResponse, requirement: string, what: string): void {
  const body = res.body as Record<string, unknown> | undefined;
  if (
    body &&
    typeof body === "object" &&
    (body.access_token !== undefined || body.refresh_token !== undefined)
  ) {
    fail(requirement, `no token issued for ${what}`, "the answer carries a token", res);
  }
}

/** `Authorization: Basic` with `clientId` and the configured API key. */
export function apiKeyAuth(ctx: CheckContext, clientId: string): string {
  return basicAuth(clientId, ctx.target.config.apiKey);
}

/** POST /login with only the given headers (no device token), form as given. */
export function loginWithHeaders(
  ctx: CheckContext,
  headers: Record<string, string>,
  form: Record<string, string | undefined>,
  label: string,
): Promise<HttpResponse> {
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "dtp_login_endpoint"),
    headers,
    form,
    label,
  });
}

/** Space-separated scope as a sorted, de-duplicated list (RFC 6749 §3.3). */
export function scopeSet(scope: unknown): string[] | undefined {
  if (typeof scope !== "string") return undefined;
  return [...new Set(scope.split(" ").filter((s) => s !== ""))].sort();
}
