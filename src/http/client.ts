/**
 * The kit's HTTP layer on undici: every request a check makes goes through here.
 *
 * - records each exchange (method, URL, headers, body, status, timing) as evidence, with
 *   secrets redacted (see redact.ts);
 * - enforces a per-request deadline (headers and whole body) and a response-size cap;
 * - never follows redirects: a 3xx is returned as is (see redirect.ts to follow one on the
 *   target's origin);
 * - turns transport trouble (hang, reset, oversized body, invalid framing) into a
 *   {@link TransportError} naming the exchange, never an unhandled rejection (the runner
 *   maps it to a failure of the check that made the request).
 */
import { type Dispatcher, request as undiciRequest } from "undici";
import type { Exchange, HttpClient, HttpRequest, HttpResponse } from "../check/http.ts";
import { classifyTransportError, isTimeout } from "./classify.ts";
import { TransportError, type TransportErrorCode } from "./errors.ts";
import { blockedTime, measureLoopLag } from "./loop-lag.ts";
import { prepare } from "./prepare.ts";
import { Redactor } from "./redact.ts";
import { createDispatcher, type Transport } from "./transport.ts";

/** The kit's connection pool, with the run's TLS and proxy settings (see transport.ts). */
export function createAgent(transport?: Transport): Dispatcher {
  return createDispatcher(transport);
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Bodies longer than this are shortened in the recorded evidence (not for the check). */
export const EVIDENCE_BODY_CHARS = 64 * 1024;
export { USER_AGENT } from "./prepare.ts";

export interface HttpClientOptions {
  /** Base URL relative request URLs are resolved against (the target). */
  baseUrl: string;
  /** Per-request deadline in ms (headers and the whole body). Default 10 s. */
  timeoutMs?: number;
  /** Response body cap in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Secret values to redact from evidence, optionally with a label. */
  secrets?: Iterable<string | { value: string; label: string }>;
  /** Aborts every request of this client (run cancelled, check deadline). */
  signal?: AbortSignal;
  /** undici dispatcher to share connections; by default the client owns an Agent. */
  dispatcher?: Dispatcher;
  /** Redactor to share with other clients of the same run. */
  redactor?: Redactor;
  /**
   * Extra headers (a gateway's) sent with every request to `baseUrl`'s origin, before the
   * request's own headers (which win). Their values are redacted like secrets.
   */
  extraHeaders?: Record<string, string>;
}

/** The HttpClient implementation, with a few extras for the runner. */
export interface RecordingHttpClient extends HttpClient {
  readonly baseUrl: string;
  readonly redactor: Redactor;
  /** Number of exchanges recorded so far. */
  exchangeCount(): number;
  /** The redacted exchanges with these indexes (in index order). */
  exchangesAt(indexes: Iterable<number>): Exchange[];
  /** The redacted exchange a response came from. */
  exchangeOf(res: HttpResponse): Exchange | undefined;
  /**
   * The exchanges as sent and received, secrets included: only for the runner, which turns
   * them into reproduction scripts whose secrets come from environment variables.
   */
  unredactedExchanges(): readonly RawExchange[];
  /** Closes the client's own connections (no-op with a shared dispatcher). */
  close(): Promise<void>;
}

export interface RawExchange {
  index: number;
  /** True while the request is in flight (not cached). */
  pending?: boolean;
  label?: string;
  startedAt: string;
  durationMs: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  error?: string;
}

const responseIndex = new WeakMap<HttpResponse, { client: RecordingHttpClient; index: number }>();

/**
 * The redacted exchange a response came from (for failure evidence), whatever client made it.
 */
export function exchangeOfResponse(res: HttpResponse): Exchange | undefined {
  return responseIndex.get(res)?.client.exchangeOf(res);
}

/**
 * Creates a recording HTTP client for one check.
 *
 * @example
 * const http = createHttpClient({ baseUrl: "https://as.example", secrets: [apiKey] });
 * const res = await http.request({ method: "GET", url: "/.well-known/oauth-authorization-server" });
 */
export function createHttpClient(options: HttpClientOptions): RecordingHttpClient {
  const baseUrl = options.baseUrl;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const redactor = options.redactor ?? new Redactor();
  for (const s of options.secrets ?? []) {
    if (typeof s === "string") redactor.add(s);
    else redactor.add(s.value, s.label);
  }
  const extra = options.extraHeaders ?? {};
  for (const [name, value] of Object.entries(extra))
    redactor.add(value, `header:${name.toLowerCase()}`);
  const origin = Object.keys(extra).length ? new URL(baseUrl).origin : undefined;
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createAgent();
  const raw: RawExchange[] = [];
  let closed = false;

  const evidenceBody = (body: string, contentType: string | undefined): string => {
    if (body.length <= EVIDENCE_BODY_CHARS) return redactor.body(body, contentType);
    // Cut before redacting (with a margin, so a secret at the cut is still matched).
    const redacted = redactor.body(body.slice(0, EVIDENCE_BODY_CHARS + 4096), contentType);
    return `${redacted.slice(0, EVIDENCE_BODY_CHARS)}… (${body.length - EVIDENCE_BODY_CHARS} more characters not recorded)`;
  };
  // Redacted copies are cached per exchange until a new secret is learned.
  const cache: { version: number; exchange: Exchange }[] = [];
  const redact = (x: RawExchange): Exchange => {
    const cached = cache[x.index];
    if (cached && cached.version === redactor.version && !x.pending) return cached.exchange;
    const reqCt = findHeader(x.request.headers, "content-type");
    const resCt = x.response ? findHeader(x.response.headers, "content-type") : undefined;
    const out: Exchange = {
      index: x.index,
      startedAt: x.startedAt,
      durationMs: x.durationMs,
      request: {
        method: x.request.method,
        url: redactor.url(x.request.url),
        headers: redactor.headers(x.request.headers),
      },
    };
    if (x.label !== undefined) out.label = x.label;
    if (x.request.body !== undefined) out.request.body = evidenceBody(x.request.body, reqCt);
    if (x.response) {
      out.response = { status: x.response.status, headers: redactor.headers(x.response.headers) };
      if (x.response.body !== undefined) out.response.body = evidenceBody(x.response.body, resCt);
    }
    if (x.error !== undefined) out.error = redactor.text(x.error);
    cache[x.index] = { version: redactor.version, exchange: out };
    return out;
  };

  const client: RecordingHttpClient = {
    baseUrl,
    redactor,
    exchanges: () => raw.map(redact),
    exchangeCount: () => raw.length,
    exchangesAt: (indexes) =>
      [...new Set(indexes)]
        .filter((i) => i >= 0 && i < raw.length)
        .sort((a, b) => a - b)
        .map((i) => redact(raw[i]!)),
    exchangeOf: (res) => {
      const entry = responseIndex.get(res);
      return entry && entry.client === client ? redact(raw[entry.index]!) : undefined;
    },
    unredactedExchanges: () => raw,
    addSecret: (value: string, label?: string) => redactor.add(value, label),
    close: async () => {
      closed = true;
      if (ownDispatcher) await dispatcher.destroy().catch(() => {});
    },
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      // Let pending I/O run first: after a CPU-heavy stretch of a check, a keep-alive
      // socket the target closed meanwhile must be seen as closed before it is reused.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const prepared = prepare(
        req,
        baseUrl,
        origin !== undefined ? { origin, headers: extra } : undefined,
      );
      const started = performance.now();
      const x: RawExchange = {
        index: raw.length,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        request: {
          method: req.method,
          url: prepared.url,
          headers: prepared.headers,
          ...(prepared.body !== undefined ? { body: prepared.body } : {}),
        },
      };
      if (req.label !== undefined) x.label = req.label;
      x.pending = true;
      raw.push(x);
      redactor.learnHeaders(prepared.headers);
      redactor.learnBody(prepared.body ?? "", prepared.headers["content-type"]);
      const deadline = req.timeoutMs ?? timeoutMs;
      const controller = new AbortController();
      // The deadline is extended by the time the kit's own event loop was blocked (see
      // loop-lag.ts), and the abort waits one turn so that a response that arrived during
      // a stall is read before the deadline is declared.
      const releaseLag = measureLoopLag();
      const blockedAtStart = blockedTime();
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number) => {
        timer = setTimeout(() => {
          const stalled = blockedTime() - blockedAtStart - granted;
          if (stalled > 1) {
            granted += stalled;
            arm(stalled);
            return;
          }
          timer = setTimeout(() => controller.abort(new DeadlineSignal()), 0);
        }, ms);
      };
      let granted = 0;
      arm(deadline);
      const onOuterAbort = () => controller.abort(new OuterAbortSignal());
      if (options.signal?.aborted || closed) onOuterAbort();
      options.signal?.addEventListener("abort", onOuterAbort, { once: true });

      const fail = (code: TransportErrorCode, expected: string, actual: string): TransportError => {
        x.durationMs = Math.round(performance.now() - started);
        x.error = actual;
        return transportFailure(code, expected, actual);
      };
      const transportFailure = (
        code: TransportErrorCode,
        expected: string,
        actual: string,
      ): TransportError =>
        new TransportError(
          code,
          expected,
          `${actual} (${req.method} ${redactor.url(prepared.url)})`,
          x.index,
        );

      try {
        new URL(prepared.url);
      } catch {
        x.error = `invalid URL ${JSON.stringify(req.url)}`;
        delete x.pending;
        clearTimeout(timer);
        releaseLag();
        options.signal?.removeEventListener("abort", onOuterAbort);
        throw transportFailure("DTP_HTTP_INVALID_URL", "a valid request URL", x.error);
      }

      let status = 0;
      try {
        const res = await undiciRequest(prepared.url, {
          method: req.method,
          headers: prepared.headers,
          body: prepared.payload ?? null,
          dispatcher,
          signal: controller.signal,
          // undici's own timers are only a backstop: the deadline above is authoritative.
          headersTimeout: deadline * 2 + 30_000,
          bodyTimeout: deadline * 2 + 30_000,
        });
        status = res.statusCode;
        const headers = flattenHeaders(res.headers);
        x.response = { status, headers };
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBodyBytes) {
            tooLarge = true;
            chunks.push(chunk.subarray(0, Math.max(0, chunk.length - (size - maxBodyBytes))));
            res.body.destroy();
            break;
          }
          chunks.push(chunk);
        }
        const text = new TextDecoder("utf-8").decode(Buffer.concat(chunks));
        x.response.body = text;
        redactor.learnBody(text, headers["content-type"]);
        if (tooLarge) {
          throw fail(
            "DTP_HTTP_TOO_LARGE",
            `a response body of at most ${maxBodyBytes} bytes`,
            `the body exceeded ${maxBodyBytes} bytes (reading stopped)`,
          );
        }
        x.durationMs = Math.round(performance.now() - started);
        const response: HttpResponse = {
          status,
          headers,
          text,
          body: parseJson(text),
          exchange: x.index,
          durationMs: x.durationMs,
          url: prepared.url,
        };
        responseIndex.set(response, { client, index: x.index });
        return response;
      } catch (err) {
        if (err instanceof TransportError) throw err;
        const reason = controller.signal.reason;
        if (reason instanceof DeadlineSignal || isTimeout(err)) {
          throw fail(
            "DTP_HTTP_TIMEOUT",
            `a complete response within ${deadline} ms`,
            x.response
              ? `status ${status} headers arrived but the body did not complete within ${deadline} ms`
              : `no response within ${deadline} ms`,
          );
        }
        if (reason instanceof OuterAbortSignal) {
          throw fail("DTP_HTTP_ABORTED", "the request to complete", "the check was stopped");
        }
        const { code, message } = classifyTransportError(err);
        throw fail(
          code,
          code === "DTP_HTTP_PROTOCOL" ? "a valid HTTP response" : "a complete response",
          x.response ? `status ${status} then ${message} while reading the body` : `${message}`,
        );
      } finally {
        delete x.pending;
        clearTimeout(timer);
        releaseLag();
        options.signal?.removeEventListener("abort", onOuterAbort);
      }
    },
  };
  return client;
}

class DeadlineSignal extends Error {}
class OuterAbortSignal extends Error {}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function findHeader(h: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
