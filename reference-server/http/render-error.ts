/**
 * Turns an error into the response format of the endpoint that raised it (see errors.ts).
 * Unexpected errors become a 500 problem without details.
 */
import {
  ChallengeError,
  DtpServerError,
  InputError,
  OAuthError,
  ProblemError,
  type ProblemSlug,
} from "../errors.ts";
import type { Reply } from "./reply.ts";

/** How an endpoint answers errors: RFC 6749 §5.2 JSON or RFC 9457 problem+json. */
export type ErrorStyle = "oauth" | "problem";

export const PROBLEM_BASE = "https://dtp.dev/problems/";
export const DPOP_ALGS = "ES256 EdDSA RS256 PS256";

const TITLES: Record<ProblemSlug, string> = {
  "invalid-request": "Invalid request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  "not-found": "Not found",
  "method-not-allowed": "Method not allowed",
  conflict: "Conflict",
  gone: "Gone",
  "payload-too-large": "Payload too large",
  "unsupported-media-type": "Unsupported media type",
  "rate-limited": "Too many requests",
  "invalid-token": "Invalid token",
  "insufficient-scope": "Insufficient scope",
  "internal-error": "Internal server error",
};

export function problem(
  slug: ProblemSlug,
  status: number,
  detail: string,
  headers: Record<string, string | string[]> = {},
): Reply {
  return {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
    json: { type: PROBLEM_BASE + slug, title: TITLES[slug], status, detail },
  };
}

/**
 * `error_description` may only use %x20-21 / %x23-5B / %x5D-7E (RFC 6749 §5.2, RFC 6750
 * §3): double quotes become single quotes, backslashes and non-ASCII are dropped.
 */
export const safeDescription = (s: string) =>
  s.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "");

function oauth(error: string, description: string, status: number, headers = {}): Reply {
  return {
    status,
    headers: { "Cache-Control": "no-store", ...headers },
    json: { error, error_description: safeDescription(description) },
  };
}

const quote = (s: string) => `"${safeDescription(s)}"`;

/** The WWW-Authenticate value(s) of a challenge. */
export function challengeHeader(e: ChallengeError): string[] {
  const params = (scheme: "Bearer" | "DPoP") => {
    const parts = [`${scheme} realm="dtp"`];
    if (e.error !== undefined)
      parts.push(`error="${e.error}"`, `error_description=${quote(e.message)}`);
    if (e.scope !== undefined) parts.push(`scope=${quote(e.scope)}`);
    if (scheme === "DPoP") parts.push(`algs="${DPOP_ALGS}"`);
    return parts.join(", ");
  };
  return e.offer.map(params);
}

const INPUT_SLUG: Record<InputError["kind"], ProblemSlug> = {
  malformed: "invalid-request",
  duplicate: "invalid-request",
  invalid: "invalid-request",
  too_large: "payload-too-large",
  unsupported_media_type: "unsupported-media-type",
};

export function renderError(err: unknown, style: ErrorStyle): Reply {
  if (!(err instanceof DtpServerError)) return problem("internal-error", 500, "internal error");
  if (err instanceof OAuthError) return oauth(err.error, err.message, err.status, err.headers);
  if (err instanceof ProblemError) return problem(err.slug, err.status, err.message, err.headers);
  if (err instanceof ChallengeError) {
    const slug: ProblemSlug =
      err.status === 403
        ? "insufficient-scope"
        : err.status === 400
          ? "invalid-request"
          : "unauthorized";
    return problem(slug, err.status, err.message, {
      ...err.headers,
      "WWW-Authenticate": challengeHeader(err),
    });
  }
  if (err instanceof InputError) {
    // Oversized bodies are 413 problems everywhere (the spec's PayloadTooLarge response);
    // other input errors at OAuth endpoints are `invalid_request` (RFC 6749 §5.2).
    if (style === "oauth" && err.kind !== "too_large")
      return oauth("invalid_request", err.message, 400);
    return problem(INPUT_SLUG[err.kind], err.status, err.message);
  }
  return problem("internal-error", 500, "internal error");
}
