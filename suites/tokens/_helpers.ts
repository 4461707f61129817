/**
 * Helpers for the token checks (RFC 6749 §5.1, RFC 9068): the token responses a check
 * examines (device, DPoP-bound device, refreshed, user, service), the JWK Set at
 * `jwks_uri`, and reading an access token's header and claims.
 */
import type { JSONWebKeySet, JWK } from "jose";
import type { CheckContext } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import type { Feature } from "../../src/check/target.ts";
import { oauthAssertionClient } from "../../src/client/legacy/auth.ts";
import { register } from "../../src/client/legacy/device.ts";
import { endpoint, issuerOf } from "../../src/client/legacy/endpoints.ts";
import {
  type Device,
  login,
  obtainDeviceTokens,
  readTokens,
  refresh,
  type TokenSet,
  userCredentials,
} from "../../src/client/legacy/tokens.ts";
import {
  CLIENT_ASSERTION_TYPE,
  type CreateClientAssertionOptions,
  createClientAssertion,
  type DeviceKey,
  decodeJwsJson,
  generateDeviceKey,
  isCompactJws,
} from "../../src/protocol/index.ts";

export type TokenKind = "device" | "user" | "service";

/** One successful token response a check examines. */
export interface Issued {
  /** What it is, for messages: "device token", "refreshed device token", … */
  label: string;
  kind: TokenKind;
  /** The grant (or endpoint) that issued it. */
  grant: "device_code" | "refresh_token" | "login" | "client_credentials";
  /** The client the token was issued to. */
  clientId: string;
  /** True when the client proved a key (DPoP): the token may be bound. */
  keyed: boolean;
  /** True when a refresh token must be in the response (device and user tokens). */
  refreshExpected: boolean;
  res: HttpResponse;
  tokens: TokenSet;
  /** The scope the device registered (device tokens only; undefined = default). */
  registeredScope?: string;
}

/** An approved `server` device with an EC P-256 key (x509), for service tokens. */
export interface ServiceClient {
  clientId: string;
  key: DeviceKey;
}

/** True when the target offers `feature` (and the config what it needs). */
export function offers(ctx: CheckContext, ...features: Feature[]): boolean {
  return features.every((f) => ctx.target.features.has(f));
}

/** Registers, approves and redeems a device; returns it with its token response. */
export async function deviceTokens(
  ctx: CheckContext,
  requirement: string,
  options: { key?: DeviceKey; scope?: string; label?: string } = {},
): Promise<{ device: Device; issued: Issued }> {
  const device = await obtainDeviceTokens(ctx, requirement, {
    ...(options.key ? { key: options.key } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    label: options.label ?? "register",
  });
  return {
    device,
    issued: {
      label: options.key
        ? `device token (DPoP, ${options.key.kind} key)`
        : `device token${options.scope !== undefined ? ` (scope "${options.scope}")` : ""}`,
      kind: "device",
      grant: "device_code",
      clientId: device.clientId,
      keyed: options.key !== undefined,
      refreshExpected: true,
      res: device.tokens.res,
      tokens: device.tokens,
      ...(options.scope !== undefined ? { registeredScope: options.scope } : {}),
    },
  };
}

/** Refreshes a device's tokens once (the rotated response). */
export async function refreshedTokens(
  ctx: CheckContext,
  requirement: string,
  device: Device,
): Promise<Issued> {
  if (!device.tokens.refreshToken) {
    fail(requirement, "a refresh_token in the device token response", "none", device.tokens.res);
  }
  const res = await refresh(ctx, device, device.tokens.refreshToken);
  const tokens = readTokens(ctx, res, requirement);
  return {
    label: "refreshed device token",
    kind: "device",
    grant: "refresh_token",
    clientId: device.clientId,
    keyed: device.dpop !== undefined,
    refreshExpected: true,
    res,
    tokens,
  };
}

/**
 * True when the server certainly still held `tokens`' access token valid at `atMs` (the
 * check's clock): the token was issued after its request was sent, so it lives until at
 * least send time + lifetime − 1 s (whole-second rounding of `exp`). Used to tell a
 * genuine rejection from a token that merely expired while a loaded machine was slow.
 */
export function provablyValid(tokens: TokenSet, atMs: number): boolean {
  const claims = decodeJwt(tokens.accessToken)?.claims;
  const fromClaims =
    typeof claims?.exp === "number" && typeof claims.iat === "number"
      ? claims.exp - claims.iat
      : tokens.expiresIn;
  const lifetime = Math.min(tokens.expiresIn, fromClaims);
  const sentAt = tokens.receivedAt - tokens.res.durationMs;
  return atMs < sentAt + (lifetime - 1) * 1000;
}

/**
 * Refreshes the device's tokens when their access token may not outlive the next
 * `marginMs` (short-lifetime targets on a busy machine); a no-op without a refresh grant.
 */
export async function ensureFresh(
  ctx: CheckContext,
  device: Device,
  requirement: string,
  marginMs = 1500,
): Promise<void> {
  if (provablyValid(device.tokens, ctx.clock.now() + marginMs)) return;
  if (!device.tokens.refreshToken || !ctx.target.features.has("refresh_token")) return;
  const res = await refresh(ctx, device, device.tokens.refreshToken);
  device.tokens = readTokens(ctx, res, requirement);
}

/**
 * Logs the configured user in through `device` (a user token response). When the login
 * is refused while the device token may have expired on the way, refreshes and retries.
 */
export async function userTokens(
  ctx: CheckContext,
  requirement: string,
  device: Device,
): Promise<Issued> {
  const user = userCredentials(ctx);
  let res: HttpResponse | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    await ensureFresh(ctx, device, requirement);
    res = await login(ctx, device, { username: user.username, password: user.password });
    if (res.status !== 401 || provablyValid(device.tokens, ctx.clock.now())) break;
    ctx.note("login refused while the device token may have expired (slow machine): retried");
  }
  const tokens = readTokens(ctx, res!, requirement);
  return {
    label: "user token (login)",
    kind: "user",
    grant: "login",
    clientId: device.clientId,
    keyed: device.dpop !== undefined,
    refreshExpected: true,
    res: res!,
    tokens,
  };
}

/**
 * Registers a `server` device with an EC P-256 key (x509 certificate) and approves it; under
 * the OAuth profile, the config's pre-registered private_key_jwt client (RFC 7523 §2.2).
 */
export async function serviceClient(
  ctx: CheckContext,
  requirement: string,
): Promise<ServiceClient> {
  if (ctx.target.profile === "oauth") {
    const client = oauthAssertionClient(ctx.target);
    if (!client) ctx.skip('OAuth profile: no private_key_jwt client in "oauth": { "clients": … }');
    return client;
  }
  const key = await generateDeviceKey("ec-p256");
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId("svc"),
    clientType: "server",
    key,
    keyType: "x509",
    label: "register a server device (EC P-256 certificate)",
  });
  await ctx.approval.approve(reg.userCode);
  return { clientId: reg.clientId, key };
}

/** `grant_type=client_credentials` with a client assertion (RFC 7523 §2.2). */
export function requestServiceToken(
  ctx: CheckContext,
  svc: ServiceClient,
  options: Partial<Omit<CreateClientAssertionOptions, "privateKey" | "clientId">> & {
    scope?: string;
    label?: string;
  } = {},
): Promise<HttpResponse> {
  const { scope, label, ...assertion } = options;
  const client_assertion = createClientAssertion({
    privateKey: svc.key.privateKey,
    clientId: svc.clientId,
    audience: issuerOf(ctx.target),
    ...assertion,
  });
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "token_endpoint"),
    form: {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion,
      scope,
    },
    label: label ?? "service token (client assertion)",
  });
}

/** A service token response. */
export async function serviceTokens(
  ctx: CheckContext,
  requirement: string,
  svc: ServiceClient,
): Promise<Issued> {
  const res = await requestServiceToken(ctx, svc);
  const tokens = readTokens(ctx, res, requirement);
  return {
    label: "service token (client_credentials)",
    kind: "service",
    grant: "client_credentials",
    clientId: svc.clientId,
    keyed: false,
    refreshExpected: false,
    res,
    tokens,
  };
}

/**
 * Every kind of token response the target offers: a Bearer device token (always), a
 * DPoP-bound one (with `dpop`), a refreshed one, a user token (login) and a service token.
 * Notes what the target does not offer.
 */
export async function allTokenKinds(
  ctx: CheckContext,
  requirement: string,
): Promise<{ issued: Issued[]; device: Device }> {
  const { device, issued: first } = await deviceTokens(ctx, requirement);
  const issued: Issued[] = [first];
  const missing: string[] = [];
  const jobs: Promise<Issued | undefined>[] = [];
  if (offers(ctx, "dpop")) {
    jobs.push(
      generateDeviceKey("ed25519").then(async (key) => {
        const r = await deviceTokens(ctx, requirement, { key, label: "register (ed25519 key)" });
        return r.issued;
      }),
    );
  } else missing.push("DPoP-bound device token (no dpop)");
  if (offers(ctx, "login", "user_credentials")) {
    jobs.push(userTokens(ctx, requirement, device));
  } else missing.push("user token (no login endpoint or no user in the config)");
  if (offers(ctx, "client_credentials", "admin")) {
    jobs.push(serviceClient(ctx, requirement).then((svc) => serviceTokens(ctx, requirement, svc)));
  } else missing.push("service token (no client_credentials)");
  for (const x of await Promise.all(jobs)) if (x) issued.push(x);
  // Refresh last: a login must use the device's first access token, which stays valid.
  if (offers(ctx, "refresh_token")) issued.push(await refreshedTokens(ctx, requirement, device));
  else missing.push("refreshed token (no refresh_token grant)");
  if (missing.length) ctx.note(`not examined: ${missing.join("; ")}`);
  return { issued, device };
}

/** GET `jwks_uri`: the JWK Set (RFC 7517 §5). */
export async function fetchJwks(ctx: CheckContext, requirement: string): Promise<JSONWebKeySet> {
  const res = await ctx.http.request({
    method: "GET",
    url: endpoint(ctx.target, "jwks_uri"),
    label: "GET jwks_uri",
  });
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (!Array.isArray(body.keys)) {
    fail(requirement, 'a JWK Set: {"keys": [...]}', JSON.stringify(body).slice(0, 200), res);
  }
  return body as unknown as JSONWebKeySet;
}

/** The decoded header and claims of a compact JWS, or undefined when it is not one. */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  if (!isCompactJws(token)) return undefined;
  const [h, p] = token.split(".") as [string, string, string];
  const header = decodeJwsJson(h);
  const claims = decodeJwsJson(p);
  return header && claims ? { header, claims } : undefined;
}

/** The JWK named `kid` in the set, if exactly one. */
export function keyById(jwks: JSONWebKeySet, kid: unknown): JWK | undefined {
  if (typeof kid !== "string") return undefined;
  const found = jwks.keys.filter((k) => k.kid === kid);
  return found.length === 1 ? found[0] : undefined;
}

/** The scope tokens of a space-separated scope string, as a sorted set (RFC 6749 §3.3). */
export function scopeSet(scope: string): string[] {
  return [...new Set(scope.split(" ").filter((s) => s !== ""))].sort();
}

/** RFC 6749 §3.3: scope-token *( SP scope-token ), scope-token = 1*NQCHAR. */
export const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;
