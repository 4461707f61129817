/**
 * Device registration (RFC 8628 §3.1–3.2) as the kit's checks use it: register, get the
 * registration approved or denied through the configured approval, and poll the token
 * endpoint honouring `interval` and `slow_down` (RFC 8628 §3.4–3.5).
 *
 * Under the OAuth profile a registration is a plain RFC 8628 device authorization request
 * by a pre-registered client (client_id, scope, its own client authentication): no
 * client_type, response_type, description, state or key. A "keyed" registration keeps its
 * key for DPoP proofs from the first poll on, which binds the tokens (RFC 9449 §5).
 */

import type { CheckContext } from "../../check/check.ts";
import { expectJson, expectStatus, fail } from "../../check/expect.ts";
import type { HttpResponse } from "../../check/http.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  type KeyKind,
  type KeyType,
  registrationKeyFields,
} from "../../protocol/index.ts";
import { applyClientAuth, basicAuth, clientSecret } from "./auth.ts";
import { type DpopSession, dpopSession, sendWithDpop } from "./dpop-session.ts";
import { endpoint } from "./endpoints.ts";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export interface RegisterOptions {
  clientId?: string;
  clientType?: string;
  /** Register this key (with `keyType`, default by kind: rsa, x509 for EC, ed25519). */
  key?: DeviceKey;
  keyType?: KeyType;
  rawEd25519?: boolean;
  scope?: string;
  state?: string;
  description?: string;
  /**
   * How the API key is sent: HTTP Basic (default), form body, or not at all (OAuth
   * profile: the client's registered method, or not at all).
   */
  auth?: "basic" | "post" | "none";
  /** Extra or overriding form fields (`undefined` removes a field). */
  extra?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  label?: string;
}

export interface Registration {
  res: HttpResponse;
  clientId: string;
  deviceCode: string;
  userCode: string;
  interval: number;
  expiresIn: number;
  key?: DeviceKey;
  /** The DPoP session for a device with a key. */
  dpop?: DpopSession;
}

/** The default `key_type` for a key kind. */
export function keyTypeFor(kind: KeyKind): KeyType {
  return kind === "rsa" ? "rsa" : kind === "ed25519" ? "ed25519" : "x509";
}

/** The registration form for `options` (client auth not included unless `auth: "post"`). */
export async function registrationForm(
  ctx: CheckContext,
  clientId: string,
  options: RegisterOptions = {},
): Promise<Record<string, string | undefined>> {
  if (ctx.target.profile === "oauth") {
    const form: Record<string, string | undefined> = {
      client_id: clientId,
      scope: options.scope ?? ctx.target.config.oauth?.scope,
    };
    return { ...form, ...options.extra };
  }
  const keyFields = options.key
    ? await registrationKeyFields(options.key, options.keyType ?? keyTypeFor(options.key.kind), {
        ...(options.rawEd25519 !== undefined ? { rawEd25519: options.rawEd25519 } : {}),
      })
    : {};
  const form: Record<string, string | undefined> = {
    client_id: clientId,
    client_type: options.clientType ?? "desktop_client",
    response_type: "device_code",
    client_description: options.description,
    state: options.state,
    scope: options.scope,
    ...keyFields,
  };
  if (options.auth === "post") form.client_secret = ctx.target.config.apiKey;
  return { ...form, ...options.extra };
}

/** Sends a registration request as `options` say and returns the raw response. */
export async function sendRegistration(
  ctx: CheckContext,
  options: RegisterOptions = {},
): Promise<{ res: HttpResponse; clientId: string }> {
  const clientId = options.clientId ?? ctx.clientId("reg");
  const form = await registrationForm(ctx, clientId, options);
  const headers: Record<string, string> = { ...options.headers };
  if (ctx.target.profile === "oauth") {
    applyClientAuth(ctx.target, clientId, headers, form, options.auth);
  } else if ((options.auth ?? "basic") === "basic") {
    headers.authorization = basicAuth(clientId, ctx.target.config.apiKey);
  }
  const res = await ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "device_authorization_endpoint"),
    headers,
    form,
    label: options.label ?? "register",
  });
  return { res, clientId };
}

/** Registers and checks the device authorization response; fails `requirement` otherwise. */
export async function register(
  ctx: CheckContext,
  requirement: string,
  options: RegisterOptions = {},
): Promise<Registration> {
  const { res, clientId } = await sendRegistration(ctx, options);
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  const { device_code, user_code, interval, expires_in } = body;
  if (typeof device_code !== "string" || typeof user_code !== "string") {
    fail(requirement, "device_code and user_code strings", JSON.stringify(body).slice(0, 200), res);
  }
  if (typeof expires_in !== "number") {
    fail(requirement, "a numeric expires_in", `expires_in = ${JSON.stringify(expires_in)}`, res);
  }
  const reg: Registration = {
    res,
    clientId,
    deviceCode: device_code,
    userCode: user_code,
    interval: typeof interval === "number" ? interval : 5,
    expiresIn: expires_in,
  };
  if (options.key) {
    reg.key = options.key;
    reg.dpop = dpopSession(options.key);
  }
  return reg;
}

/** One poll of the token endpoint for a registration (with a DPoP proof for keyed devices). */
export async function poll(
  ctx: CheckContext,
  reg: Registration,
  options: {
    label?: string;
    extra?: Record<string, string | undefined>;
    auth?: "basic" | "post" | "none";
  } = {},
): Promise<HttpResponse> {
  const oauth = ctx.target.profile === "oauth";
  const form: Record<string, string | undefined> = {
    grant_type: DEVICE_CODE_GRANT,
    device_code: reg.deviceCode,
    client_id: reg.clientId,
    ...(options.auth === "post" && !oauth
      ? { client_secret: clientSecret(ctx.target, reg.clientId) }
      : {}),
    ...options.extra,
  };
  const headers: Record<string, string> = {};
  if (oauth) {
    applyClientAuth(ctx.target, reg.clientId, headers, form, options.auth);
  } else if ((options.auth ?? "basic") === "basic") {
    headers.authorization = basicAuth(reg.clientId, ctx.target.config.apiKey);
  }
  const req = {
    method: "POST" as const,
    url: endpoint(ctx.target, "token_endpoint"),
    headers,
    form,
    label: options.label ?? "poll",
  };
  return reg.dpop ? sendWithDpop(ctx, reg.dpop, req) : ctx.http.request(req);
}

/**
 * Polls until the answer is not `authorization_pending` / `slow_down`, waiting `interval`
 * between polls (and 5 s more after each `slow_down`, RFC 8628 §3.5). Returns the final
 * response. Gives up (FAIL `requirement`) after the device code's lifetime.
 */
export async function pollUntilFinal(
  ctx: CheckContext,
  reg: Registration,
  requirement: string,
): Promise<HttpResponse> {
  let interval = reg.interval;
  const deadline = ctx.clock.now() + (reg.expiresIn + 5) * 1000;
  for (let n = 1; ; n++) {
    const res = await poll(ctx, reg, { label: `poll #${n}` });
    const error = (res.body as { error?: unknown } | undefined)?.error;
    if (res.status !== 400 || (error !== "authorization_pending" && error !== "slow_down")) {
      return res;
    }
    if (error === "slow_down") interval += 5;
    if (ctx.clock.now() + interval * 1000 > deadline) {
      fail(requirement, "a final answer before the device code expires", `still ${error}`, res);
    }
    await ctx.clock.sleep(interval * 1000);
  }
}

/** Generates a device key of `kind` (RSA is slow: reuse keys within a check). */
export function newDeviceKey(kind: KeyKind): Promise<DeviceKey> {
  return generateDeviceKey(kind);
}
