/**
 * The characters RFC 6749 §5.2 allows in an OAuth error (DTP-ERR-053), asserted on every
 * OAuth error the errors suite judges (`expectOAuthErrorFormat` in _helpers.ts).
 */
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";

export const ERR053 = "DTP-ERR-053";

/** Characters RFC 6749 §5.2 allows in `error` and `error_description`. */
const ERROR_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;
/** Characters RFC 6749 §5.2 allows in `error_uri`, a URI-reference. */
const URI_CHARS = /^[\x21\x23-\x5B\x5D-\x7E]*$/;
/** A `%` not followed by two hex digits: not a URI-reference (RFC 3986 §2.1). */
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * DTP-ERR-053 (RFC 6749 §5.2): `error` and `error_description` only of %x20-21 / %x23-5B /
 * %x5D-7E (no double quote, no backslash, nothing outside printable ASCII); `error_uri`, when
 * present, a URI-reference of %x21 / %x23-5B / %x5D-7E (and no stray `%`).
 */
export function expectErrorCharacters(res: HttpResponse, body: Record<string, unknown>): void {
  for (const name of ["error", "error_description"]) {
    const v = body[name];
    if (typeof v === "string" && !ERROR_CHARS.test(v))
      fail(
        ERR053,
        `"${name}" made only of %x20-21 / %x23-5B / %x5D-7E (RFC 6749 §5.2: no double quote, backslash or non-ASCII character)`,
        `"${name}": ${JSON.stringify(v)} (${describeChars(v, ERROR_CHARS)})`,
        res,
      );
  }
  const uri = body.error_uri;
  if (uri === undefined) return;
  if (typeof uri !== "string" || !URI_CHARS.test(uri) || BAD_PERCENT.test(uri))
    fail(
      ERR053,
      '"error_uri" a URI-reference made only of %x21 / %x23-5B / %x5D-7E (RFC 6749 §5.2)',
      `"error_uri": ${JSON.stringify(uri)}${typeof uri === "string" ? ` (${describeChars(uri, URI_CHARS)})` : ""}`,
      res,
    );
}

/** The first character of `v` outside `allowed`, as U+XXXX. */
function describeChars(v: string, allowed: RegExp): string {
  for (const ch of v) {
    if (!allowed.test(ch))
      return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} is not allowed`;
  }
  return 'a "%" not followed by two hex digits';
}
