/**
 * Requests a client makes to the OAuth endpoints (token, revocation, introspection), with
 * its client authentication and, at the token endpoint, a DPoP proof when it has a key.
 * The plain forms return the answer; {@link refreshed} asserts success.
 */
import type { HttpResponse } from "../check/http.ts";
import type { ClientAuth } from "./auth.ts";
import type { DtpContext } from "./context.ts";
import type { DpopSession, ProofBuilder } from "./dpop-session.ts";
import { type EndpointName, endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";
import { readStepTokens, type TokenSet } from "./tokens.ts";

/** A client: its client_id, how it authenticates, and its DPoP session when it has a key. */
export interface OAuthClient {
  readonly clientId: string;
  readonly auth: ClientAuth;
  readonly dpop?: DpopSession | undefined;
}

export interface SendOptions {
  /** Authenticate this way instead of the client's own (another client's secret, none). */
  auth?: ClientAuth;
  /**
   * At the token endpoint: build the proof (mutations); exactly this proof, sent once (no
   * nonce retry: replays, stale nonces); or `false` for no proof at all.
   */
  proof?: ProofBuilder | string | false;
  /** Use this DPoP session instead of the client's (a key that is not the client's). */
  dpop?: DpopSession;
  /** Extra request headers (client authentication may still set `authorization`). */
  headers?: Record<string, string>;
}

/**
 * POSTs `form` to the endpoint `name` as `client` (see the file header).
 *
 * @example
 * const res = await sendAs(dtp, device, "token_endpoint", { grant_type: "refresh_token", refresh_token }, "refresh");
 */
export function sendAs(
  ctx: DtpContext,
  client: OAuthClient,
  name: EndpointName,
  form: Record<string, string | undefined>,
  label: string,
  options: SendOptions = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const body = { ...form };
  (options.auth ?? client.auth).apply(
    { headers, form: body },
    ctx.target,
    Math.floor(ctx.clock.now() / 1000),
  );
  const req = {
    method: "POST" as const,
    url: endpoint(ctx.target, name),
    headers,
    form: body,
    label,
  };
  const dpop = options.dpop ?? client.dpop;
  if (name !== "token_endpoint" || !dpop) return ctx.http.request(req);
  if (options.proof === false) {
    // Deliberately without a proof: the answer's nonce is still the session's to remember.
    return ctx.http.request(req).then((res) => {
      dpop.remember(req.url, res);
      return res;
    });
  }
  if (typeof options.proof === "string") return dpop.sendOnce(ctx, req, options.proof);
  return dpop.send(ctx, req, options.proof ? { build: options.proof } : {});
}

/** `grant_type=refresh_token` (RFC 6749 §6); `extra` adds or overrides form fields. */
export function refresh(
  ctx: DtpContext,
  client: OAuthClient,
  refreshToken: string,
  extra: Record<string, string | undefined> = {},
  options: SendOptions & { label?: string } = {},
): Promise<HttpResponse> {
  return sendAs(
    ctx,
    client,
    "token_endpoint",
    { grant_type: "refresh_token", refresh_token: refreshToken, ...extra },
    options.label ?? "refresh",
    options,
  );
}

/** A refresh that must succeed (owner: the refresh requirement); returns the new pair. */
export async function refreshed(
  ctx: DtpContext,
  client: OAuthClient,
  refreshToken: string,
  options: {
    extra?: Record<string, string | undefined>;
    requirement?: string;
    label?: string;
  } = {},
): Promise<TokenSet> {
  const res = await refresh(ctx, client, refreshToken, options.extra, {
    ...(options.label !== undefined ? { label: options.label } : {}),
  });
  return readStepTokens(ctx, res, ownerOf("refresh", options.requirement), "a refresh");
}

/** `POST /revoke` (RFC 7009). */
export function revoke(
  ctx: DtpContext,
  client: OAuthClient,
  token: string,
  hint?: string,
  options: SendOptions & { label?: string } = {},
): Promise<HttpResponse> {
  return sendAs(
    ctx,
    client,
    "revocation_endpoint",
    { token, token_type_hint: hint },
    options.label ?? `revoke${hint ? ` (${hint})` : ""}`,
    options,
  );
}

/** `POST /introspect` (RFC 7662). */
export function introspect(
  ctx: DtpContext,
  client: OAuthClient,
  token: string,
  options: SendOptions & { hint?: string; label?: string } = {},
): Promise<HttpResponse> {
  return sendAs(
    ctx,
    client,
    "introspection_endpoint",
    { token, token_type_hint: options.hint },
    options.label ?? "introspect",
    options,
  );
}
