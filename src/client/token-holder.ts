/**
 * A token holder: the current token pair of one actor (a device, a user, a service) and the
 * ONE live-token policy of the client, so that an answer about a request is never an
 * answer about an access token that expired on the way:
 *
 * - before a request, the access token must stay provably valid ({@link provablyValid})
 *   for {@link liveMargin} more; otherwise it is renewed (refresh, a new assertion, a new
 *   login: whatever the holder was given), or, when it cannot be, the request is not sent
 *   (a check ends untested);
 * - a 401 that arrives when the token may no longer have been valid proves nothing: the
 *   token is renewed and the request sent once more; a second such 401 ends a check
 *   untested (a device program gets the answer).
 */
import type { HttpRequest, HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import type { DpopSession } from "./dpop-session.ts";
import { endpoint } from "./metadata.ts";
import { provablyValid, type TokenSet, validUntil } from "./tokens.ts";

/** The kind of actor a token belongs to (`token_kind` at `/me`). */
export type TokenKind = "device" | "user" | "personal" | "service";

/**
 * The margin: 1.5 s, or half the token's provable lifetime when that is shorter (so that a
 * fresh short-lived token is usable at once).
 */
export function liveMargin(
  tokens: Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
): number {
  const life = validUntil(tokens) - (tokens.receivedAt - tokens.res.durationMs);
  return Math.min(1500, Math.max(0, life / 2));
}

export interface TokenHolderOptions {
  /** For messages: "device token", "user token of alice", … */
  what: string;
  kind: TokenKind;
  /** The client the tokens were issued to. */
  clientId: string;
  /** The DPoP session the tokens are bound to (a keyed device's). */
  dpop?: DpopSession;
  /** Gets a new pair (refresh, new assertion, new login); absent: the token cannot be renewed. */
  renew?: (current: TokenSet) => Promise<TokenSet>;
}

export class TokenHolder {
  tokens: TokenSet;
  readonly what: string;
  readonly kind: TokenKind;
  readonly clientId: string;
  readonly dpop: DpopSession | undefined;
  readonly #ctx: DtpContext;
  readonly #renew: ((current: TokenSet) => Promise<TokenSet>) | undefined;

  constructor(ctx: DtpContext, tokens: TokenSet, options: TokenHolderOptions) {
    this.#ctx = ctx;
    this.tokens = tokens;
    this.what = options.what;
    this.kind = options.kind;
    this.clientId = options.clientId;
    this.dpop = options.dpop;
    this.#renew = options.renew;
  }

  get accessToken(): string {
    return this.tokens.accessToken;
  }

  /** True when the access token is bound (`token_type` DPoP). */
  get bound(): boolean {
    return this.tokens.tokenType.toLowerCase() === "dpop";
  }

  /** Whether the holder can get a new pair. */
  get renewable(): boolean {
    return this.#renew !== undefined;
  }

  /** Gets a new pair now. */
  async renew(): Promise<TokenSet> {
    if (!this.#renew) throw new Error(`the ${this.what} cannot be renewed`);
    this.tokens = await this.#renew(this.tokens);
    return this.tokens;
  }

  /** Makes sure the access token stays provably valid for the margin (see the file header). */
  async fresh(): Promise<TokenSet> {
    const now = this.#ctx.clock.now();
    if (provablyValid(this.tokens, now + liveMargin(this.tokens))) return this.tokens;
    if (this.#renew) return this.renew();
    if (!provablyValid(this.tokens, now)) this.#inconclusive("before the request was sent");
    return this.tokens;
  }

  /**
   * Runs `attempt` with a live access token (see the file header): the answer, or a list of
   * answers, of which any 401 that may be due to expiry makes the attempt inconclusive.
   */
  async use<T extends HttpResponse | HttpResponse[]>(
    attempt: (tokens: TokenSet) => Promise<T>,
  ): Promise<T> {
    for (let resend = false; ; resend = true) {
      const tokens = await this.fresh();
      const out = await attempt(tokens);
      const answers: HttpResponse[] = Array.isArray(out) ? out : [out];
      const inconclusive =
        answers.some((r) => r.status === 401) && !provablyValid(tokens, this.#ctx.clock.now());
      if (!inconclusive) return out;
      if (resend || !this.#renew) {
        this.#inconclusive("before the server answered");
        return out;
      }
      this.#ctx.note?.(
        `a 401 arrived when the ${this.what} may have expired: renewed and sent again`,
      );
      await this.renew();
    }
  }

  /**
   * Sends `req` presenting the access token: `Authorization: DPoP` with a proof for a bound
   * token, `Bearer` otherwise (or `scheme`).
   */
  send(req: HttpRequest, options: { scheme?: "DPoP" | "Bearer" } = {}): Promise<HttpResponse> {
    return this.use((tokens) => presentToken(this.#ctx, tokens, this.dpop, req, options.scheme));
  }

  /** `GET` the protected resource (`/me`). */
  me(label = `GET /me (${this.what})`): Promise<HttpResponse> {
    return this.send({
      method: "GET",
      url: endpoint(this.#ctx.target, "dtp_resource_endpoint"),
      label,
    });
  }

  #inconclusive(when: string): void {
    this.#ctx.skip?.(
      `the ${this.what} (expires_in ${this.tokens.expiresIn} s) may have expired ${when}, so the answer would prove nothing: lengthen dtp_lifetimes.access_token on the target`,
    );
  }
}

/**
 * For a token that must not be renewed (its own identity is what a check examines): when it
 * may already have expired, an answer about it would prove nothing, and a check ends as
 * untested naming the setting (the pinned side of the one policy).
 */
export function requireValid(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "expiresIn" | "receivedAt" | "res">,
  what: string,
): void {
  if (!provablyValid(tokens, ctx.clock.now())) {
    ctx.skip?.(
      `the access token (expires_in ${tokens.expiresIn} s) may have expired before ${what}, so the answer would prove nothing: lengthen dtp_lifetimes.access_token on the target`,
    );
  }
}

/**
 * Sends `req` with `tokens`' access token as issued: DPoP-bound (with `dpop`'s proof) or
 * Bearer; `scheme` forces the authorization scheme (a bound token sent as Bearer, …).
 */
export function presentToken(
  ctx: DtpContext,
  tokens: Pick<TokenSet, "accessToken" | "tokenType">,
  dpop: DpopSession | undefined,
  req: HttpRequest,
  scheme?: "DPoP" | "Bearer",
): Promise<HttpResponse> {
  const bound = tokens.tokenType.toLowerCase() === "dpop";
  if ((scheme ?? (bound ? "DPoP" : "Bearer")) === "DPoP") {
    if (!dpop) throw new Error("a token presented with the DPoP scheme needs a DPoP session");
    return dpop.send(ctx, req, { accessToken: tokens.accessToken });
  }
  return ctx.http.request({
    ...req,
    headers: { ...req.headers, authorization: `Bearer ${tokens.accessToken}` },
  });
}
