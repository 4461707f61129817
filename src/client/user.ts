/**
 * A user session (DTP login; SAFEQ Cloud "User and device tokens", "Authentication in the
 * API"): a user logs in through a trusted device (the device's access token is the
 * credential, with a DPoP proof when it is bound) and gets
 * a user token pair, refreshed as the device; with it the user creates, lists and revokes
 * long-lived personal tokens.
 */
import { expectJson, expectStatus, fail } from "../check/expect.ts";
import type { HttpRequest, HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import type { Device } from "./device.ts";
import type { DpopSession } from "./dpop-session.ts";
import { endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";
import { presentToken, TokenHolder } from "./token-holder.ts";
import { claimsOf, readStepTokens, type TokenSet } from "./tokens.ts";

/** The user's credentials: a password, or a card id (when the server allows it). */
export type UserCredentials = { username: string; password: string } | { cardId: string };

function loginForm(credentials: UserCredentials): Record<string, string> {
  return "cardId" in credentials
    ? { card_id: credentials.cardId }
    : { username: credentials.username, password: credentials.password };
}

/** `POST /login` with `headers` and `form` exactly as given (the answer). */
export function sendLogin(
  ctx: DtpContext,
  headers: Record<string, string>,
  form: Record<string, string | undefined>,
  label = "login",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_login_endpoint");
  return ctx.http.request({ method: "POST", url, headers, form, label });
}

/** `POST /login` through a device: its live access token as the credential (the answer). */
export function loginThrough(
  ctx: DtpContext,
  deviceTokens: TokenHolder,
  form: Record<string, string | undefined>,
  label = "login",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_login_endpoint");
  return deviceTokens.send({ method: "POST", url, form, label });
}

/**
 * `POST /login` with exactly `tokens` as the credential (no renewal: an expired, revoked or
 * wrong-kind token stays what it is), DPoP-bound with `dpop` (the answer).
 */
export function loginWith(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  dpop: DpopSession | undefined,
  form: Record<string, string | undefined>,
  label = "login",
): Promise<HttpResponse> {
  const url = endpoint(ctx.target, "dtp_login_endpoint");
  return presentToken(ctx, tokens, dpop, { method: "POST", url, form, label });
}

/** A personal token as created (201). */
export interface PersonalToken {
  id: string;
  /** The secret (`dtp_pat_…`). */
  token: string;
  /** The token as a holder (Bearer, not renewable). */
  holder: TokenHolder;
  res: HttpResponse;
}

export class UserSession {
  readonly device: Device;
  readonly tokens: TokenHolder;
  /** The user's id (`sub` of the user access token), when the token is a readable JWT. */
  readonly sub: string | undefined;
  readonly #ctx: DtpContext;

  constructor(ctx: DtpContext, device: Device, tokens: TokenHolder) {
    this.#ctx = ctx;
    this.device = device;
    this.tokens = tokens;
    const sub = claimsOf(tokens.accessToken)?.sub;
    this.sub = typeof sub === "string" ? sub : undefined;
  }

  /**
   * Logs a user in through `device` (its tokens in `deviceTokens`); the login must succeed
   * (the login's owner, or `requirement`). The user tokens are refreshed as the device.
   *
   * @example
   * const user = await UserSession.login(dtp, printer, tokens, { username: "alice", password });
   * const pat = await user.personalToken({ name: "backup script", expiresIn: 86400 });
   */
  static async login(
    ctx: DtpContext,
    device: Device,
    deviceTokens: TokenHolder,
    credentials: UserCredentials,
    options: { requirement?: string; label?: string } = {},
  ): Promise<UserSession> {
    const res = await loginThrough(ctx, deviceTokens, loginForm(credentials), options.label);
    const tokens = readStepTokens(ctx, res, ownerOf("login", options.requirement), "a login");
    const holder = new TokenHolder(ctx, tokens, {
      what: "user token",
      kind: "user",
      clientId: device.clientId,
      ...(device.dpop ? { dpop: device.dpop } : {}),
      renew: (current) => device.refreshed(current),
    });
    return new UserSession(ctx, device, holder);
  }

  /** The personal tokens endpoint (or one token's URL). */
  url(id?: string): string {
    const base = endpoint(this.#ctx.target, "dtp_personal_tokens_endpoint");
    return id === undefined ? base : `${base.replace(/\/+$/, "")}/${encodeURIComponent(id)}`;
  }

  /** Sends `req` with the user's live access token (the answer). */
  send(req: HttpRequest): Promise<HttpResponse> {
    return this.tokens.send(req);
  }

  /** `POST /personal-tokens` with any JSON body (the answer). */
  createPersonalToken(body: unknown, label = "create a personal token"): Promise<HttpResponse> {
    return this.send({ method: "POST", url: this.url(), json: body, label });
  }

  /** `GET /personal-tokens` (the answer). */
  listPersonalTokens(label = "list personal tokens"): Promise<HttpResponse> {
    return this.send({ method: "GET", url: this.url(), label });
  }

  /** `DELETE /personal-tokens/{id}` (the answer). */
  revokePersonalToken(id: string, label = "revoke a personal token"): Promise<HttpResponse> {
    return this.send({ method: "DELETE", url: this.url(id), label });
  }

  /** Creates a personal token that must be created (the personal token's owner, or `requirement`). */
  async personalToken(
    options: { name?: string; expiresIn?: number; scope?: string; requirement?: string } = {},
  ): Promise<PersonalToken> {
    const owner = ownerOf("personalToken", options.requirement);
    const expiresIn = options.expiresIn ?? 600;
    const res = await this.createPersonalToken({
      name: options.name ?? "dtp-kit personal token",
      expires_in: expiresIn,
      ...(options.scope !== undefined ? { scope: options.scope } : {}),
    });
    expectStatus(res, 201, owner);
    const body = expectJson(res, owner);
    if (typeof body.token !== "string" || typeof body.id !== "string") {
      fail(owner, 'the created token\'s "id" and "token" strings', JSON.stringify(body), res);
    }
    this.#ctx.http.addSecret?.(body.token, "personal-token");
    const tokens: TokenSet = {
      accessToken: body.token,
      tokenType: "Bearer",
      expiresIn,
      ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
      receivedAt: this.#ctx.clock.now(),
      res,
    };
    const holder = new TokenHolder(this.#ctx, tokens, {
      what: "personal token",
      kind: "personal",
      clientId: this.device.clientId,
    });
    return { id: body.id, token: body.token, holder, res };
  }
}
