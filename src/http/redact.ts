/**
 * Redaction of secrets in evidence. Every exchange the kit records goes through a
 * {@link Redactor} before anyone (a report, a failure message) sees it.
 *
 * A redacted value becomes a marker such as `«redacted:refresh_token#a1b2»`: the label
 * says what it was, and the short keyed hash lets a reader tell two tokens apart (the same
 * value always gets the same hash within a run). The hash is an HMAC with a per-process
 * random key, so it gives no help in guessing a weak password.
 *
 * What is redacted:
 * - values registered with {@link Redactor.add} (API key, admin token, user password, …),
 *   wherever they appear (URL, headers, bodies), also in percent-encoded form;
 * - credentials in `Authorization` / `Proxy-Authorization` (the Basic user name is kept),
 *   `Cookie`, `Set-Cookie` and API-key headers;
 * - the signature of JWTs in `DPoP` headers and `client_assertion` fields (header and
 *   payload stay readable: they are the evidence);
 * - token, secret and password fields in form and JSON bodies (see {@link SENSITIVE_FIELDS});
 *   a value seen once in a field is remembered, so the access token issued in a response is
 *   shown as `«redacted:access_token#…»` in the `Authorization` header of later requests.
 */
import { createHmac, randomBytes } from "node:crypto";

/** Form and JSON fields whose values are secrets. */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  "access_token",
  "refresh_token",
  "id_token",
  "device_code",
  "client_secret",
  "password",
  "token",
  "api_key",
  "apiKey",
  "admin_key",
  "adminKey",
  "private_key",
  "secret",
]);

/** Fields holding a JWT whose signature is elided but whose header and payload are kept. */
const JWT_FIELDS: ReadonlySet<string> = new Set(["client_assertion", "assertion"]);

const MIN_SECRET_LENGTH = 4;
const MIN_LEARNED_LENGTH = 8;
const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A secret's spelling (raw, percent-encoded, form-encoded, JSON-escaped) and its marker. */
interface Form {
  form: string;
  marker: string;
}

export class Redactor {
  readonly #key = randomBytes(16);
  /** value → label */
  readonly #secrets = new Map<string, string>();
  /**
   * Forms indexed by their first MIN_SECRET_LENGTH characters, longest first: one pass
   * over a text with a hash lookup per position, whatever the number of secrets (a run
   * learns thousands of tokens).
   */
  readonly #index = new Map<string, Form[]>();
  #version = 0;

  /** Changes whenever a secret is added (for caches of redacted text). */
  get version(): number {
    return this.#version;
  }

  /** True when `value` is a registered or learned secret. */
  knows(value: string): boolean {
    return this.#secrets.has(value);
  }

  /** Registers a secret value; every later redaction replaces it with a marker. */
  add(value: string, label = "secret"): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
    if (this.#secrets.has(value)) return;
    this.#secrets.set(value, label);
    this.#version++;
    const marker = this.marker(label, value);
    for (const form of encodings(value)) {
      const key = form.slice(0, MIN_SECRET_LENGTH);
      const list = this.#index.get(key) ?? [];
      if (list.some((f) => f.form === form)) continue;
      list.push({ form, marker });
      list.sort((a, b) => b.form.length - a.form.length);
      this.#index.set(key, list);
    }
  }

  /** The marker that stands for `value`. */
  marker(label: string, value: string): string {
    return `«redacted:${label}#${this.hash(value)}»`;
  }

  /** Short keyed hash of a value (4 hex digits), stable within the process. */
  hash(value: string): string {
    return createHmac("sha256", this.#key).update(value).digest("hex").slice(0, 4);
  }

  /** The label under which `value` is known, if any. */
  labelOf(value: string): string | undefined {
    return this.#secrets.get(value);
  }

  /** Replaces every registered secret in `text` (longest match at each position). */
  text(text: string): string {
    if (this.#index.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    let out = "";
    let last = 0;
    let i = 0;
    const end = text.length - MIN_SECRET_LENGTH;
    while (i <= end) {
      const candidates = this.#index.get(text.substr(i, MIN_SECRET_LENGTH));
      const hit = candidates?.find((c) => text.startsWith(c.form, i));
      if (hit) {
        out += text.slice(last, i) + hit.marker;
        i += hit.form.length;
        last = i;
      } else {
        i++;
      }
    }
    return last === 0 ? text : out + text.slice(last);
  }

  /** Elides the signature of a compact JWS, keeping header and payload. */
  jwt(token: string): string {
    if (!JWT_RE.test(token)) return this.text(token);
    const [h, p] = token.split(".");
    return `${h}.${p}.«signature elided»`;
  }

  /** Redacts a URL: registered secrets and sensitive query parameters. */
  url(url: string): string {
    try {
      const u = new URL(url);
      for (const [name, value] of u.searchParams) this.learnField(name, value);
    } catch {
      // not a URL: plain text redaction below
    }
    return this.text(url);
  }

  /** Redacts header values (names are kept as given). */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = this.header(name.toLowerCase(), value);
    }
    return out;
  }

  header(name: string, value: string): string {
    switch (name) {
      case "authorization":
      case "proxy-authorization":
        return this.authorization(value);
      case "dpop":
        return this.jwt(value.trim());
      case "cookie":
      case "set-cookie":
      case "x-api-key":
      case "api-key":
        return this.marker(name, value);
      default:
        return this.text(value);
    }
  }

  /**
   * Looks for secrets in a body (form or JSON) and registers them under their field name.
   * Call this on every body before redacting anything, so that values issued in one
   * exchange are redacted in all of them.
   */
  learnBody(text: string, contentType: string | undefined): void {
    if (!text) return;
    const ct = (contentType ?? "").toLowerCase();
    if (ct.includes("application/x-www-form-urlencoded")) {
      for (const [name, value] of new URLSearchParams(text)) this.learnField(name, value);
      return;
    }
    if (ct.includes("json") || /^\s*[[{]/.test(text)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      this.#walk(parsed, 0);
    }
  }

  /** Redacts a body of the given content type. */
  body(text: string, contentType: string | undefined): string {
    if (!text) return text;
    const ct = (contentType ?? "").toLowerCase();
    if (ct.includes("application/x-www-form-urlencoded")) {
      // Rebuild pair by pair so that JWT fields keep their readable parts.
      return text
        .split("&")
        .map((pair) => {
          const eq = pair.indexOf("=");
          if (eq < 0) return this.text(pair);
          const name = decodeForm(pair.slice(0, eq));
          const value = decodeForm(pair.slice(eq + 1));
          if (JWT_FIELDS.has(name)) return `${pair.slice(0, eq)}=${this.jwt(value)}`;
          if (SENSITIVE_FIELDS.has(name) && value !== "") {
            return `${pair.slice(0, eq)}=${this.marker(this.labelOf(value) ?? name, value)}`;
          }
          return this.text(pair);
        })
        .join("&");
    }
    if (ct.includes("json") || /^\s*[[{]/.test(text)) {
      let out = this.text(text);
      // Sensitive fields, whatever their length (short values are not learned globally).
      out = out.replace(
        /"([A-Za-z_]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
        (m, name: string, sep: string, value: string) =>
          SENSITIVE_FIELDS.has(name) && value !== "" && !value.startsWith("«redacted:")
            ? `"${name}"${sep}"${this.marker(this.labelOf(value) ?? name, value)}"`
            : m,
      );
      // JWT assertions inside JSON: elide signatures.
      out = out.replace(
        /"(client_assertion|assertion)"(\s*:\s*)"([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)"/g,
        (_m, name: string, sep: string, jwt: string) => `"${name}"${sep}"${this.jwt(jwt)}"`,
      );
      return out;
    }
    return this.text(text);
  }

  /**
   * Registers the credentials of request headers (Authorization, Cookie, API-key headers),
   * so that a target echoing them elsewhere (a body, another header) is redacted too.
   */
  learnHeaders(headers: Record<string, string>): void {
    for (const [rawName, value] of Object.entries(headers)) {
      const name = rawName.toLowerCase();
      if (name === "authorization" || name === "proxy-authorization") {
        const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
        if (!m) continue;
        const credentials = m[2]!.trim();
        if (m[1]!.toLowerCase() === "basic") {
          this.add(credentials, "basic");
          const decoded = Buffer.from(credentials, "base64").toString("utf8");
          const colon = decoded.indexOf(":");
          if (colon > 0) this.add(decodeForm(decoded.slice(colon + 1)), "client_secret");
        } else if (!this.labelOf(credentials)) {
          this.add(credentials, "token");
        }
      } else if (name === "cookie" || name === "x-api-key" || name === "api-key") {
        this.add(value, name);
      }
    }
  }

  /**
   * Learns a field's value as a secret when the field is sensitive. Values shorter than
   * {@link MIN_LEARNED_LENGTH} are not learned (a check's deliberately wrong "pw" would
   * otherwise blank out every "pw" in the evidence); the config's secrets are registered
   * whatever their length.
   */
  learnField(name: string, value: unknown): void {
    if (typeof value !== "string" || value.length < MIN_LEARNED_LENGTH) return;
    if (SENSITIVE_FIELDS.has(name)) this.add(value, name);
  }

  #walk(value: unknown, depth: number): void {
    if (depth > 20 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) this.#walk(item, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "string") this.learnField(k, v);
      else this.#walk(v, depth + 1);
    }
  }

  authorization(value: string): string {
    const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
    if (!m) return this.marker("authorization", value);
    const scheme = m[1]!;
    const credentials = m[2]!.trim();
    if (scheme.toLowerCase() === "basic") {
      const decoded = Buffer.from(credentials, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        const user = decodeForm(decoded.slice(0, colon));
        return `${scheme} «redacted:basic user=${JSON.stringify(user)}#${this.hash(credentials)}»`;
      }
      return `${scheme} ${this.marker("basic", credentials)}`;
    }
    const label = this.labelOf(credentials) ?? "token";
    return `${scheme} ${this.marker(label, credentials)}`;
  }
}

function encodings(value: string): string[] {
  const forms = new Set([value]);
  const pct = encodeURIComponent(value);
  forms.add(pct);
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  forms.add(JSON.stringify(value).slice(1, -1));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function decodeForm(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}
