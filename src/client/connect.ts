/**
 * For device programs: an {@link Http} on the platform's `fetch`, and {@link connect},
 * which reads the server's metadata (RFC 8414 §3) and returns a ready {@link DtpContext}.
 */
import type { DtpContext, Http, HttpRequest, HttpResponse } from "./context.ts";
import { systemClock } from "./context.ts";
import { wellKnownUrl } from "./metadata.ts";

export interface FetchHttpOptions {
  /** Resolves relative request URLs. */
  baseUrl?: string;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
  /** Headers added to every request (a proxy token, a tracing id). */
  headers?: Record<string, string>;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * An {@link Http} on `fetch`: form and JSON bodies, lower-cased response headers, JSON
 * bodies parsed, redirects not followed (a token endpoint never redirects).
 *
 * @example
 * const http = fetchHttp({ baseUrl: "https://dtp.example.com" });
 * const res = await http.request({ method: "GET", url: "/.well-known/oauth-authorization-server" });
 */
export function fetchHttp(options: FetchHttpOptions = {}): Http {
  const doFetch = options.fetch ?? fetch;
  let count = 0;
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const url = new URL(req.url, options.baseUrl).href;
      const headers: Record<string, string> = { ...options.headers, ...req.headers };
      let body: string | Uint8Array | undefined;
      if (req.form !== undefined) {
        const params = new URLSearchParams();
        const entries = req.form instanceof URLSearchParams ? req.form : Object.entries(req.form);
        for (const [k, v] of entries) if (v !== undefined) params.append(k, v);
        body = params.toString();
        headers["content-type"] ??= "application/x-www-form-urlencoded";
      } else if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers["content-type"] ??= "application/json";
      } else body = req.body;
      const started = performance.now();
      const res = await doFetch(url, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(req.timeoutMs ?? options.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      const out: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        out[name.toLowerCase()] = value;
      });
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return {
        status: res.status,
        headers: out,
        text,
        body: parsed,
        exchange: count++,
        url,
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}

/**
 * Reads the metadata of the DTP (or OAuth) server at `issuer` and returns the context every
 * client operation takes.
 *
 * @example
 * import { connect } from "dtp-kit/client";
 * const dtp = await connect("https://dtp.example.com");
 * console.log(dtp.target.metadata.token_endpoint);
 */
export async function connect(issuer: string, options: FetchHttpOptions = {}): Promise<DtpContext> {
  const baseUrl = issuer.replace(/\/+$/, "");
  const http = fetchHttp({ ...options, baseUrl });
  const res = await http.request({
    method: "GET",
    url: wellKnownUrl(baseUrl),
  });
  const metadata = res.body;
  if (res.status !== 200 || typeof metadata !== "object" || metadata === null) {
    throw new Error(
      `${baseUrl}: no usable metadata (status ${res.status}): ${res.text.slice(0, 200)}`,
    );
  }
  return {
    http,
    clock: systemClock,
    target: { baseUrl, metadata: metadata as Record<string, unknown> },
  };
}
