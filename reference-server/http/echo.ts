/**
 * What an error message may repeat of the request (DTP-ERR-015, DTP-ERR-016): a request
 * value only as a short excerpt of plain characters, never a credential.
 *
 * - `quote(value)` is how handlers put a request value into a message;
 * - `scrubReply(reply, request)` enforces both rules on every error reply before it is
 *   written, whatever raised the error (a handler, the spec's validators, a protocol
 *   verifier quoting a header): credentials the request carried become `[redacted]`, and
 *   any run of more than 32 characters of a request value is cut to an excerpt.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Reply } from "./reply.ts";

/** The longest run of a request value an error may repeat (DTP-ERR-016). */
export const MAX_ECHO = 32;
const EXCERPT = 16;

/** Form fields that carry a credential. */
const CREDENTIAL_FIELDS = [
  "client_secret",
  "password",
  "refresh_token",
  "device_code",
  "token",
  "client_assertion",
  "card_id",
];

/**
 * A request value as a message may quote it: `"value"` when it is short and plain, otherwise
 * only its length.
 *
 * @example
 * quote("password"); // '"password"'
 * quote("refresh_token;refresh_token=Zm9v…"); // "(a 71-character value)"
 */
export function quote(value: string): string {
  return /^[A-Za-z0-9._:/+~-]{1,32}$/.test(value)
    ? `"${value}"`
    : `(a ${value.length}-character value)`;
}

/** What the request sent, as far as it was read when the error happened. */
export interface RequestView {
  headers: IncomingHttpHeaders;
  url: string;
  form?: Record<string, string>;
  json?: unknown;
}

/** The request's credentials and all of its other values. */
function valuesOf(view: RequestView): { credentials: string[]; values: string[] } {
  const credentials: string[] = [];
  const values: string[] = [];
  for (const [name, value] of Object.entries(view.form ?? {})) {
    (CREDENTIAL_FIELDS.includes(name) ? credentials : values).push(value);
    values.push(name);
  }
  for (const [name, raw] of Object.entries(view.headers)) {
    for (const value of Array.isArray(raw) ? raw : [raw ?? ""]) {
      if (name === "authorization" || name === "dpop") credentials.push(...authParts(value));
      else values.push(value);
    }
  }
  values.push(view.url, ...stringsIn(view.json));
  try {
    values.push(decodeURIComponent(view.url));
  } catch {}
  return { credentials, values };
}

/**
 * The credential of an `Authorization` (or `DPoP`) header in every form it could come back
 * in — not the scheme name, nor the user name of HTTP Basic (the `client_id`).
 */
function authParts(value: string): string[] {
  const m = /^(\S+)\s+(.*)$/.exec(value);
  if (!m) return /^(basic|bearer|dpop|digest|negotiate|token)$/i.test(value) ? [] : [value];
  // Not the whole value: "Bearer r" would also match the server's own "Bearer realm=…".
  const parts = [m[2]!];
  if (m[1]!.toLowerCase() === "basic") {
    const decoded = Buffer.from(m[2]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    parts.push(decoded, ...(colon === -1 ? [] : [decoded.slice(colon + 1)]));
  }
  return parts;
}

function stringsIn(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v === null || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => [k, ...stringsIn(x)]);
}

/** `message` with credentials redacted and long runs of request values cut. */
export function scrub(message: string, view: RequestView): string {
  const { credentials, values } = valuesOf(view);
  let out = message;
  for (const c of credentials) if (c.length >= 4) out = out.split(c).join("[redacted]");
  for (const v of values) if (v.length > MAX_ECHO) out = cutEchoes(out, v);
  return out;
}

/** Replaces every run of more than MAX_ECHO characters of `value` in `text` by an excerpt. */
function cutEchoes(text: string, value: string): string {
  let out = text;
  for (let j = 0; j + MAX_ECHO < out.length; j++) {
    if (!value.includes(out.slice(j, j + MAX_ECHO + 1))) continue;
    let end = j + MAX_ECHO + 1;
    while (end < out.length && value.includes(out.slice(j, end + 1))) end++;
    // ASCII "...": an OAuth error_description allows only %x20-21 / %x23-5B / %x5D-7E.
    out = `${out.slice(0, j + EXCERPT)}...${out.slice(end)}`;
  }
  return out;
}

/**
 * The error reply with the strings that may echo the request scrubbed: every string of its
 * body except the `error` code, and in its headers the quoted `error_description` values.
 * The server's own vocabulary (error codes, challenge schemes and parameters) is left alone:
 * a presented credential "token" must not turn `invalid_token` into `invalid_[redacted]`.
 */
export function scrubReply(reply: Reply, view: RequestView): Reply {
  const clean = (v: unknown, key?: string): unknown =>
    typeof v === "string"
      ? key === "error"
        ? v
        : scrub(v, view)
      : Array.isArray(v)
        ? v.map((x) => clean(x))
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x, k)]))
          : v;
  const described = (h: string) =>
    h.replace(
      /(error_description=")((?:[^"\\]|\\.)*)"/g,
      (_all, head: string, text: string) => `${head}${scrub(text, view).replace(/"/g, "'")}"`,
    );
  const headers =
    reply.headers &&
    (Object.fromEntries(
      Object.entries(reply.headers).map(([k, v]) => [
        k,
        typeof v === "string"
          ? described(v)
          : Array.isArray(v)
            ? v.map((x) => (typeof x === "string" ? described(x) : x))
            : v,
      ]),
    ) as Reply["headers"]);
  return {
    ...reply,
    ...(headers ? { headers } : {}),
    ...(reply.json === undefined ? {} : { json: clean(reply.json) }),
  };
}
