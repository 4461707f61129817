/**
 * What a handler returns, and how it is written to the socket.
 */
import type { ServerResponse } from "node:http";

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  /** JSON-serialised unless `text` is given. */
  json?: unknown;
  /** Raw text body (with its own content type in `headers`). */
  text?: string;
}

/** Headers for responses that carry a secret (RFC 6749 §5.1). */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

export const json = (status: number, body: unknown, headers: Reply["headers"] = {}): Reply => ({
  status,
  json: body,
  headers,
});

/** A JSON reply with `Cache-Control: no-store` and `Pragma: no-cache`. */
export const secretJson = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  json(status, body, { ...NO_STORE, ...headers });

export const empty = (status: number, headers: Reply["headers"] = {}): Reply => ({
  status,
  headers,
});

export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | string[]> = {
    "X-Content-Type-Options": "nosniff",
    ...reply.headers,
  };
  let body: string | undefined = reply.text;
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    if (!hasHeader(headers, "content-type")) headers["Content-Type"] = "application/json";
  }
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  else if (reply.status !== 204 && reply.status !== 304) headers["Content-Length"] = "0";
  res.writeHead(reply.status, headers);
  res.end(body);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
