/**
 * One DPoP session (RFC 9449): a key, the algorithm it signs with, and the latest server
 * nonce per origin (§8, §9). Every request sent through {@link DpopSession.send} carries a
 * fresh proof (with `ath` when it presents an access token); when the server answers that
 * it wants a nonce and offers one the proof did not carry, the proof is rebuilt with it and
 * the request sent once more, as a client must.
 */

import { createDpopProof } from "../protocol/dpop.ts";
import { algsForKey } from "../protocol/jwk.ts";
import type { DeviceKey } from "../protocol/keys.ts";
import type { DtpContext, HttpRequest, HttpResponse } from "./context.ts";

/** Builds the `DPoP` header value for a nonce (undefined: send no `DPoP` header). */
export type ProofBuilder = (nonce: string | undefined) => string | undefined;

export interface DpopSendOptions {
  /** Presents this access token (`Authorization: <scheme> <token>`, `ath` in the proof). */
  accessToken?: string;
  /** The authorization scheme (default `DPoP`). */
  scheme?: "DPoP" | "Bearer";
  /** Builds the proof instead of a valid one (mutations, other keys). */
  build?: ProofBuilder;
  /** Seconds added to the proof's `iat` (clock-skew tests). */
  iatOffset?: number;
}

/** What {@link DpopSession.proof} may set; a `nonce` given (even undefined) replaces the session's. */
export interface ProofOptions {
  accessToken?: string;
  nonce?: string | undefined;
  iat?: number;
  jti?: string;
  /** The `htu` claim, when it must differ from the request URI. */
  htuClaim?: string;
}

/** True when the response asks for a DPoP nonce (400 `use_dpop_nonce`, or a 401 challenge). */
export function asksForNonce(res: HttpResponse): boolean {
  const body = res.body as { error?: unknown } | undefined;
  if (res.status === 400 && body?.error === "use_dpop_nonce") return true;
  return res.status === 401 && /use_dpop_nonce/.test(res.headers["www-authenticate"] ?? "");
}

export class DpopSession {
  readonly key: DeviceKey;
  readonly alg: string;
  /** The latest `DPoP-Nonce` the server sent, per origin. */
  readonly nonces = new Map<string, string>();

  /**
   * @example
   * const key = await generateDeviceKey("ed25519");
   * const dpop = new DpopSession(key);
   */
  constructor(key: DeviceKey, alg?: string) {
    this.key = key;
    this.alg = alg ?? algsForKey(key.kind)[0]!;
  }

  /** The key's RFC 7638 thumbprint (what a bound token's `cnf.jkt` names). */
  get jkt(): string {
    return this.key.jkt;
  }

  /** The nonce the server last sent for `url`'s origin. */
  nonceFor(url: string): string | undefined {
    return this.nonces.get(new URL(url).origin);
  }

  /**
   * A valid proof for `htm` / `htu` with the current nonce of `htu`'s origin (or
   * `options.nonce`), `ath` for `options.accessToken`.
   */
  proof(htm: string, htu: string, options: ProofOptions = {}): string {
    const nonce = "nonce" in options ? options.nonce : this.nonceFor(htu);
    return createDpopProof({
      key: { privateKey: this.key.privateKey, jwk: this.key.jwk },
      alg: this.alg,
      htm,
      htu: options.htuClaim ?? htu,
      ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(options.iat !== undefined ? { iat: options.iat } : {}),
      ...(options.jti !== undefined ? { jti: options.jti } : {}),
    });
  }

  /** Takes over the nonces `other` knows (a second key presenting proofs to the same server). */
  adoptNonces(other: DpopSession): this {
    for (const [origin, nonce] of other.nonces) this.nonces.set(origin, nonce);
    return this;
  }

  /** Remembers the `DPoP-Nonce` of a response. */
  remember(url: string, res: HttpResponse): void {
    const nonce = res.headers["dpop-nonce"];
    if (nonce) this.nonces.set(new URL(url).origin, nonce);
  }

  /**
   * Sends `req` with exactly `proof` (a replayed or hand-made one): no rebuild, no retry;
   * the nonce of the answer is remembered.
   */
  async sendOnce(
    ctx: DtpContext,
    req: HttpRequest,
    proof: string,
    options: Pick<DpopSendOptions, "accessToken" | "scheme"> = {},
  ): Promise<HttpResponse> {
    const url = new URL(req.url, ctx.target.baseUrl).href;
    const headers: Record<string, string> = { ...req.headers, dpop: proof };
    if (options.accessToken !== undefined) {
      headers.authorization = `${options.scheme ?? "DPoP"} ${options.accessToken}`;
    }
    const res = await ctx.http.request({ ...req, url, headers });
    this.remember(url, res);
    return res;
  }

  /**
   * Sends `req` with a proof (see the file header). Returns the answer to the last attempt.
   *
   * @example
   * const res = await dpop.send(dtp, { method: "GET", url: me }, { accessToken });
   */
  async send(
    ctx: DtpContext,
    req: HttpRequest,
    options: DpopSendOptions = {},
  ): Promise<HttpResponse> {
    const url = new URL(req.url, ctx.target.baseUrl).href;
    const label = req.label ?? `${req.method} ${new URL(url).pathname}`;
    const { accessToken } = options;
    const build: ProofBuilder =
      options.build ??
      ((nonce) =>
        this.proof(req.method, url, {
          nonce,
          ...(accessToken !== undefined ? { accessToken } : {}),
          ...(options.iatOffset !== undefined
            ? { iat: Math.floor(ctx.clock.now() / 1000) + options.iatOffset }
            : {}),
        }));
    const attempt = async (retry: boolean) => {
      const nonce = this.nonceFor(url);
      const headers: Record<string, string> = { ...req.headers };
      const proof = build(nonce);
      if (proof !== undefined) headers.dpop = proof;
      if (accessToken !== undefined) {
        headers.authorization = `${options.scheme ?? "DPoP"} ${accessToken}`;
      }
      const res = await ctx.http.request({
        ...req,
        url,
        headers,
        label: retry ? `${label} (with the server's nonce)` : label,
      });
      this.remember(url, res);
      return { res, nonce };
    };
    const first = await attempt(false);
    const offered = first.res.headers["dpop-nonce"];
    if (asksForNonce(first.res) && offered !== undefined && offered !== first.nonce) {
      return (await attempt(true)).res;
    }
    return first.res;
  }
}
