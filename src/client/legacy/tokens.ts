/**
 * Token actions the checks share: get a device's tokens end to end, refresh, revoke,
 * introspect, call the protected resource, log a user in through a device. Each returns
 * the raw response (checks assert on it); the `*Ok` forms assert success for `requirement`.
 */

import type { CheckContext } from "../../check/check.ts";
import { expectJson, expectStatus, fail } from "../../check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../check/http.ts";
import type { DeviceKey } from "../../protocol/index.ts";
import { applyClientAuth, basicAuth } from "./auth.ts";
import { pollUntilFinal, type RegisterOptions, type Registration, register } from "./device.ts";
import { type DpopSession, sendWithDpop } from "./dpop-session.ts";
import { type EndpointName, endpoint } from "./endpoints.ts";

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken?: string;
  scope?: string;
  /** When the response arrived (ms, the check's clock). */
  receivedAt: number;
  res: HttpResponse;
}

/** Who presents tokens: the device's client_id (API key auth) and its DPoP key, if any. */
export interface Holder {
  clientId: string;
  dpop?: DpopSession;
}

/** Reads a successful token response (RFC 6749 §5.1); fails `requirement` otherwise. */
export function readTokens(ctx: CheckContext, res: HttpResponse, requirement: string): TokenSet {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  const { access_token, token_type, expires_in, refresh_token, scope } = body;
  if (typeof access_token !== "string" || typeof token_type !== "string") {
    fail(
      requirement,
      "access_token and token_type strings",
      JSON.stringify(body).slice(0, 200),
      res,
    );
  }
  ctx.http.addSecret(access_token);
  if (typeof refresh_token === "string") ctx.http.addSecret(refresh_token);
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

export interface Device extends Registration {
  tokens: TokenSet;
}

/** Registers a device, gets it approved, polls for its tokens; fails `requirement` on the way. */
export async function obtainDeviceTokens(
  ctx: CheckContext,
  requirement: string,
  options: RegisterOptions = {},
): Promise<Device> {
  const reg = await register(ctx, requirement, options);
  await ctx.approval.approve(reg.userCode);
  const res = await pollUntilFinal(ctx, reg, requirement);
  return { ...reg, tokens: readTokens(ctx, res, requirement) };
}

/**
 * Sends a form to an OAuth endpoint as `holder` (Basic auth with the API key, or under the
 * OAuth profile the client's own authentication; DPoP at the token endpoint if keyed).
 */
export async function sendAs(
  ctx: CheckContext,
  holder: Holder,
  name: EndpointName,
  form: Record<string, string | undefined>,
  label: string,
): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  let body = form;
  if (ctx.target.profile === "oauth") {
    body = { ...form };
    applyClientAuth(ctx.target, holder.clientId, headers, body);
  } else {
    headers.authorization = basicAuth(holder.clientId, ctx.target.config.apiKey);
  }
  const req: HttpRequest = {
    method: "POST",
    url: endpoint(ctx.target, name),
    headers,
    form: body,
    label,
  };
  return holder.dpop && name === "token_endpoint"
    ? sendWithDpop(ctx, holder.dpop, req)
    : ctx.http.request(req);
}

export function refresh(
  ctx: CheckContext,
  holder: Holder,
  refreshToken: string,
  extra: Record<string, string | undefined> = {},
): Promise<HttpResponse> {
  return sendAs(
    ctx,
    holder,
    "token_endpoint",
    { grant_type: "refresh_token", refresh_token: refreshToken, ...extra },
    "refresh",
  );
}

export function revoke(
  ctx: CheckContext,
  holder: Holder,
  token: string,
  hint?: "access_token" | "refresh_token",
): Promise<HttpResponse> {
  return sendAs(
    ctx,
    holder,
    "revocation_endpoint",
    { token, token_type_hint: hint },
    `revoke${hint ? ` (${hint})` : ""}`,
  );
}

export function introspect(
  ctx: CheckContext,
  holder: Holder,
  token: string,
): Promise<HttpResponse> {
  return sendAs(ctx, holder, "introspection_endpoint", { token }, "introspect");
}

/** Calls the protected resource (`dtp_resource_endpoint`) with a token as issued. */
export function callResource(
  ctx: CheckContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  dpop?: DpopSession,
  label = "GET /me",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_resource_endpoint");
  if (tokens.tokenType.toLowerCase() === "dpop") {
    if (!dpop) throw new Error("a DPoP-bound token needs the holder's DPoP session");
    return sendWithDpop(ctx, dpop, { method: "GET", url, label }, tokens.accessToken);
  }
  return ctx.http.request({
    method: "GET",
    url,
    headers: { authorization: `Bearer ${tokens.accessToken}` },
    label,
  });
}

/** Logs the configured user in through `device` (its access token as the credential). */
export function login(
  ctx: CheckContext,
  device: { tokens: Pick<TokenSet, "accessToken" | "tokenType">; dpop?: DpopSession },
  form: Record<string, string | undefined>,
  label = "login",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_login_endpoint");
  if (device.tokens.tokenType.toLowerCase() === "dpop" && device.dpop) {
    return sendWithDpop(
      ctx,
      device.dpop,
      { method: "POST", url, form, label },
      device.tokens.accessToken,
    );
  }
  return ctx.http.request({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${device.tokens.accessToken}` },
    form,
    label,
  });
}

/** The configured user's credentials, or SKIP naming the config field. */
export function userCredentials(ctx: CheckContext): {
  username: string;
  password: string;
  cardId?: string;
} {
  const user = ctx.target.config.user;
  if (!user) ctx.skip('the target config has no "user" (username/password) to log in with');
  ctx.http.addSecret(user.password);
  return user;
}

/** Reads `exp` etc. from a JWT access token without verifying it (for timing decisions). */
export function peekJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

export type { DeviceKey };
