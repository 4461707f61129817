/**
 * The HTTP layer's contract (implemented in src/http/client.ts on undici).
 * Every request made by a check goes through an HttpClient, which records the exchange
 * (secrets redacted) as evidence, enforces the per-request deadline and the response-size
 * cap, never follows a redirect off the target, and turns transport failures (timeout,
 * reset, oversized or undecodable body) into a CheckFailure with the exchange attached.
 */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  /** Absolute URL, or a path resolved against the target's base URL. */
  url: string;
  headers?: Record<string, string>;
  /** application/x-www-form-urlencoded body; `undefined` values are left out. */
  form?: Record<string, string | undefined> | URLSearchParams;
  /** JSON body (sets content-type application/json). */
  json?: unknown;
  /** Raw body, sent as is (set content-type yourself). */
  body?: string | Uint8Array;
  /** Per-request deadline override in ms. */
  timeoutMs?: number;
  /** Short human label shown in transcripts, e.g. "poll #3". */
  label?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** Index of this exchange in the client's transcript. */
  exchange: number;
  /** The absolute URL that was requested (set by the kit's client). */
  url?: string;
  durationMs: number;
}

export interface Exchange {
  index: number;
  label?: string;
  startedAt: string;
  durationMs: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  /** Transport-level failure (timeout, reset, too large, redirect off target). */
  error?: string;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** The transcript so far, secrets redacted. */
  exchanges(): Exchange[];
  /**
   * Registers a secret value so that it is redacted wherever it appears in evidence.
   * `label` names it in the marker (`«redacted:<label>#a1b2»`), default "secret".
   */
  addSecret(value: string, label?: string): void;
}
