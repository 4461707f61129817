/**
 * Request bodies: read at most 64 KiB, decode strictly as UTF-8, parse form-urlencoded
 * (rejecting duplicated parameters, RFC 6749 §3.1) or JSON. Every failure is an
 * `InputError` (a 4xx), never an exception that could become a 5xx.
 */
import type { IncomingMessage } from "node:http";
import { InputError } from "../errors.ts";
import { quote } from "./echo.ts";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The client closed the connection (or broke the framing) before its body was complete:
 * there is nobody to answer, and nothing to log (issue 16: no "internal error", no stack).
 */
export class ClientGone extends Error {
  constructor() {
    super("the client closed the connection before its request body was complete");
    this.name = "ClientGone";
  }
}

/**
 * Reads the whole body. Past the limit (a declared `Content-Length`, or the bytes read so
 * far) it stops reading and throws `InputError("too_large")` at once: the reply then says
 * 413 and reads and discards the rest before closing (`reply.ts`), so the client sees the
 * answer and not a reset. A client that goes away mid-body is `ClientGone`.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new InputError("too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
    const declared = Number(req.headers["content-length"] ?? "0");
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: Error | undefined) => {
      req.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) settle(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => settle(undefined);
    const onGone = () => settle(new ClientGone());
    req.on("data", onData).on("end", onEnd).on("error", onGone).on("close", onGone);
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decoding. */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new InputError("malformed", "request body is not valid UTF-8");
  }
}

/** The media type of a Content-Type header, lower-cased, and its charset if any. */
export function mediaType(header: string | undefined): { type: string; charset?: string } {
  if (header === undefined) return { type: "" };
  const [type = "", ...params] = header.split(";");
  const result: { type: string; charset?: string } = { type: type.trim().toLowerCase() };
  for (const p of params) {
    const [k, v] = p.split("=");
    if (k?.trim().toLowerCase() === "charset" && v !== undefined)
      result.charset = v.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return result;
}

/** Checks the content type; `expected` is e.g. `application/x-www-form-urlencoded`. */
export function requireMediaType(header: string | undefined, expected: string): void {
  const { type, charset } = mediaType(header);
  if (type !== expected)
    throw new InputError(
      "unsupported_media_type",
      `Content-Type must be ${expected} (got ${type === "" ? "none" : quote(type)})`,
    );
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8")
    throw new InputError("unsupported_media_type", `charset must be utf-8 (got ${quote(charset)})`);
}

/**
 * Parses `application/x-www-form-urlencoded` strictly: malformed percent-encoding and
 * repeated parameter names are errors (RFC 6749 §3.1: parameters MUST NOT repeat).
 * A parameter without a value is treated as omitted (RFC 6749 §3.1, DTP-ERR-013).
 */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (text === "") return out;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? "" : pair.slice(eq + 1));
    if (name === "") throw new InputError("malformed", "form parameter with an empty name");
    if (Object.hasOwn(out, name))
      throw new InputError("duplicate", `${quote(name)} is repeated (parameters must not repeat)`);
    out[name] = value;
  }
  for (const [name, value] of Object.entries(out)) if (value === "") delete out[name];
  return out;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw new InputError("malformed", "form body has malformed percent-encoding");
  }
}

/** Parses a JSON body; must be an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError("malformed", "request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InputError("invalid", "request body must be a JSON object");
  return value as Record<string, unknown>;
}
