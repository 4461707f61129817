/**
 * What a handler returns, and how it is written to the socket.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";

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

/** How long a reply to a request whose body was not read waits for the rest of it. */
export const LINGER_MS = 5000;

/**
 * Writes the reply. When the request body was not (fully) read — a 413, a 404 with a large
 * body — the reply says `Connection: close`, and the connection closes only once the client
 * has sent the rest (read and discarded, at most LINGER_MS): closing with unread data would
 * reset the connection, and the client could lose the answer.
 */
export function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
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
  if (req.complete) {
    res.writeHead(reply.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(reply.status, { ...headers, Connection: "close" });
  if (body !== undefined) res.write(body);
  // The answer is complete (Content-Length); ending the response lets node close the socket.
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  req.once("end", end).once("close", end).resume();
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/**
 * The reply as raw HTTP/1.1 bytes, for the few answers written straight to a socket (no
 * request object: `CONNECT`, a request node:http could not parse); the connection closes.
 */
export function rawReply(reply: Reply): string {
  const body = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
  const headers = {
    "X-Content-Type-Options": "nosniff",
    ...reply.headers,
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
  };
  const lines = Object.entries(headers).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`),
  );
  return `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ""}\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}
