/**
 * A DPoP session: a device key plus the latest server nonce (RFC 9449 §8, §9). Every
 * request made through {@link sendWithDpop} carries a fresh proof; a `use_dpop_nonce`
 * answer is retried once with the nonce the server sent, as a real client would.
 */

import type { CheckContext } from "../../check/check.ts";
import type { HttpRequest, HttpResponse } from "../../check/http.ts";
import { algsForKey, createDpopProof, type DeviceKey } from "../../protocol/index.ts";

export interface DpopSession {
  key: DeviceKey;
  alg: string;
  /** The latest `DPoP-Nonce` the server sent, per origin. */
  nonces: Map<string, string>;
}

export function dpopSession(key: DeviceKey, alg?: string): DpopSession {
  return { key, alg: alg ?? algsForKey(key.kind)[0]!, nonces: new Map() };
}

/** A proof for one request, with the session's current nonce for that origin. */
export function proofFor(
  session: DpopSession,
  htm: string,
  htu: string,
  accessToken?: string,
): string {
  const nonce = session.nonces.get(new URL(htu).origin);
  return createDpopProof({
    key: { privateKey: session.key.privateKey, jwk: session.key.jwk },
    alg: session.alg,
    htm,
    htu,
    ...(accessToken !== undefined ? { accessToken } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  });
}

/** Remembers the `DPoP-Nonce` of a response. */
export function rememberNonce(session: DpopSession, url: string, res: HttpResponse): void {
  const nonce = res.headers["dpop-nonce"];
  if (nonce) session.nonces.set(new URL(url).origin, nonce);
}

/** True when the response asks for a (new) DPoP nonce, at the token endpoint or a resource. */
export function asksForNonce(res: HttpResponse): boolean {
  if (!res.headers["dpop-nonce"]) return false;
  const body = res.body as { error?: unknown } | undefined;
  if (res.status === 400 && body?.error === "use_dpop_nonce") return true;
  return res.status === 401 && /use_dpop_nonce/.test(res.headers["www-authenticate"] ?? "");
}

/**
 * Sends `req` with a DPoP proof (and `Authorization: DPoP <token>` when `accessToken` is
 * given), retrying once when the server asks for a nonce.
 */
export async function sendWithDpop(
  ctx: CheckContext,
  session: DpopSession,
  req: HttpRequest,
  accessToken?: string,
): Promise<HttpResponse> {
  const url = new URL(req.url, ctx.target.baseUrl).href;
  const send = async (attempt: number) => {
    const headers: Record<string, string> = {
      ...req.headers,
      dpop: proofFor(session, req.method, url, accessToken),
    };
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
  return asksForNonce(first) ? send(1) : first;
}
