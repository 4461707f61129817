/**
 * A request as it goes on the wire: its absolute URL (paths resolved against the target's
 * base URL, path prefix included), its headers (the kit's User-Agent, then the gateway's
 * extra headers for the target's origin, then the request's own, which win) and its body
 * (form, JSON or raw).
 */
import type { HttpRequest } from "../check/http.ts";

export const USER_AGENT = "dtp-kit/0.1 (+https://dtp.dev)";

export function prepare(
  req: HttpRequest,
  baseUrl: string,
  extra: { origin: string; headers: Record<string, string> } | undefined,
): {
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  payload: string | Buffer | undefined;
} {
  let url: string;
  try {
    url = new URL(req.url, ensureTrailingSlashless(baseUrl)).toString();
  } catch {
    url = req.url;
  }
  // Resolve paths against the base URL's path too ("/token" on "https://h/as" → "https://h/as/token").
  if (req.url.startsWith("/") && !req.url.startsWith("//")) {
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, "");
    url = `${base.origin}${prefix}${req.url}`;
  }
  const headers: Record<string, string> = { "user-agent": USER_AGENT };
  if (extra && originOf(url) === extra.origin) {
    for (const [k, v] of Object.entries(extra.headers)) headers[k.toLowerCase()] = v;
  }
  let body: string | undefined;
  let payload: string | Buffer | undefined;
  if (req.form !== undefined) {
    const params = new URLSearchParams();
    if (req.form instanceof URLSearchParams) {
      for (const [k, v] of req.form) params.append(k, v);
    } else {
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) params.append(k, v);
    }
    body = params.toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  } else if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers["content-type"] = "application/json";
  } else if (req.body !== undefined) {
    if (typeof req.body === "string") body = req.body;
    else {
      payload = Buffer.from(req.body);
      body = new TextDecoder("utf-8").decode(payload);
    }
  }
  payload ??= body;
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  return { url, headers, body, payload };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function ensureTrailingSlashless(u: string): string {
  return u.endsWith("/") ? u.slice(0, -1) : u;
}
