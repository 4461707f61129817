/**
 * Helpers for checks that wait on lifetimes the server issued, and that send
 * client-supplied times (DPoP `iat`, assertion `iat`/`exp`, signature `created`) off by a
 * chosen number of seconds.
 *
 * Waits are measured from when the kit RECEIVED what the server issued: the server issued
 * it earlier, so `receivedAt + lifetime` is at or after the real expiry whatever the two
 * clocks say. No clock skew is added: DTP-EXP-006 says a server applies none to the
 * lifetimes of what it issued itself; only a small margin covers whole-second rounding.
 */

import type { CheckContext } from "../../src/check/check.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { basicAuth } from "../../src/client/legacy/auth.ts";
import { type DpopSession, rememberNonce } from "../../src/client/legacy/dpop-session.ts";
import { declaredLifetime, endpoint } from "../../src/client/legacy/endpoints.ts";
import { createDpopProof, type DeviceKey, signRequest } from "../../src/protocol/index.ts";

/** Covers whole-second rounding of `exp`/`expires_at` and timer slack (ms). */
export const EXPIRY_MARGIN_MS = 2000;

/** Seconds since the epoch on the kit's clock. */
export function nowSeconds(ctx: CheckContext): number {
  return Math.floor(ctx.clock.now() / 1000);
}

/**
 * SKIPs before any work when waiting `seconds` does not fit the wait budget, naming the
 * target setting to shorten (e.g. "dtp_lifetimes.refresh_token").
 */
export function requireWait(ctx: CheckContext, seconds: number, setting: string): void {
  const budget = ctx.waitBudget();
  if (seconds > budget) {
    ctx.skip(
      `needs to wait ${Math.ceil(seconds)} s for ${setting} to pass but --max-wait leaves ${Math.floor(budget)} s: shorten ${setting} on the target or raise --max-wait`,
    );
  }
}

/**
 * Waits until `lifetimeSeconds` have passed since `receivedAtMs` (when the kit received
 * what the server issued), plus {@link EXPIRY_MARGIN_MS}; SKIPs naming `setting` when that
 * does not fit the wait budget.
 */
export async function waitLifetime(
  ctx: CheckContext,
  receivedAtMs: number,
  lifetimeSeconds: number,
  setting: string,
): Promise<void> {
  const until = receivedAtMs + lifetimeSeconds * 1000 + EXPIRY_MARGIN_MS;
  const ms = Math.max(0, Math.ceil(until - ctx.clock.now()));
  requireWait(ctx, ms / 1000, setting);
  if (ms > 0) await ctx.clock.sleep(ms);
}

/** A declared lifetime (seconds) from `dtp_lifetimes`, or SKIP naming it when absent. */
export function lifetimeOrSkip(ctx: CheckContext, name: string): number {
  const v = declaredLifetime(ctx.target, name, Number.NaN);
  if (!Number.isFinite(v) || v <= 0) {
    ctx.skip(`the target metadata declares no dtp_lifetimes.${name}`);
  }
  return v;
}

/**
 * Sends `req` with a DPoP proof whose `iat` is now + `iatOffset` seconds (and
 * `Authorization: DPoP <token>` when `accessToken` is given); retries once with the
 * server's nonce when asked (RFC 9449 §8, §9), keeping the same offset.
 */
export async function sendWithDpopAt(
  ctx: CheckContext,
  session: DpopSession,
  req: HttpRequest,
  iatOffset: number,
  accessToken?: string,
): Promise<HttpResponse> {
  const url = new URL(req.url, ctx.target.baseUrl).href;
  const send = async (attempt: number) => {
    const nonce = session.nonces.get(new URL(url).origin);
    const proof = createDpopProof({
      key: { privateKey: session.key.privateKey, jwk: session.key.jwk },
      alg: session.alg,
      htm: req.method,
      htu: url,
      iat: nowSeconds(ctx) + iatOffset,
      ...(accessToken !== undefined ? { accessToken } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    });
    const headers: Record<string, string> = { ...req.headers, dpop: proof };
    if (accessToken !== undefined) headers.authorization = `DPoP ${accessToken}`;
    const label = req.label ?? `${req.method} ${new URL(url).pathname}`;
    const res = await ctx.http.request({
      ...req,
      url,
      headers,
      label: attempt ? `${label} (with nonce)` : label,
    });
    rememberNonce(session, url, res);
    return res;
  };
  const first = await send(0);
  const asks =
    first.headers["dpop-nonce"] !== undefined &&
    ((first.status === 400 && (first.body as { error?: unknown })?.error === "use_dpop_nonce") ||
      (first.status === 401 && /use_dpop_nonce/.test(first.headers["www-authenticate"] ?? "")));
  return asks ? send(1) : first;
}

/**
 * A signed re-registration (RFC 9421 over `@method @target-uri content-digest
 * content-type`) of an approved keyed device, with `created` = now + `createdOffset`.
 */
export async function signedReRegistration(
  ctx: CheckContext,
  device: { clientId: string; key: DeviceKey },
  createdOffset: number,
  label: string,
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "device_authorization_endpoint");
  const body = new URLSearchParams({
    client_id: device.clientId,
    client_type: "desktop_client",
    response_type: "device_code",
  }).toString();
  const contentType = "application/x-www-form-urlencoded";
  const now = nowSeconds(ctx);
  const created = now + createdOffset;
  const sig = signRequest({
    method: "POST",
    url,
    headers: { "content-type": contentType },
    body,
    key: device.key.privateKey,
    keyid: device.key.jkt,
    created,
    expires: Math.max(now, created) + 60,
  });
  return ctx.http.request({
    method: "POST",
    url,
    headers: {
      authorization: basicAuth(device.clientId, ctx.target.config.apiKey),
      "content-type": contentType,
      ...sig,
    },
    body,
    label,
  });
}
