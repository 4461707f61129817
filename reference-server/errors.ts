/**
 * The reference server's errors: one base class with a stable `code`, rendered by
 * `http/render-error.ts` in the format of the endpoint that raised it:
 * - OAuth endpoints: RFC 6749 §5.2 `{"error", "error_description"}`;
 * - other APIs: RFC 9457 `application/problem+json`;
 * - protected resources: RFC 6750 §3 / RFC 9449 §7 `WWW-Authenticate` challenges.
 */

/** OAuth error codes (RFC 6749 §5.2, RFC 8628 §3.5, RFC 9449, DTP). */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "authorization_pending"
  | "slow_down"
  | "access_denied"
  | "expired_token"
  | "invalid_dpop_proof"
  | "use_dpop_nonce"
  | "invalid_signature"
  | "invalid_token"
  /** Too many failed attempts or pending registrations: 429 with `Retry-After` (DTP). */
  | "temporarily_unavailable";

/** Problem slugs (`https://dtp.dev/problems/<slug>`). */
export type ProblemSlug =
  | "invalid-request"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "method-not-allowed"
  | "conflict"
  | "gone"
  | "payload-too-large"
  | "unsupported-media-type"
  | "rate-limited"
  | "invalid-token"
  | "insufficient-scope"
  | "internal-error";

/** Challenge errors at protected resources (RFC 6750 §3.1, RFC 9449 §7). */
export type ChallengeErrorCode =
  | "invalid_request"
  | "invalid_token"
  | "insufficient_scope"
  | "invalid_dpop_proof"
  | "use_dpop_nonce";

/** What went wrong with the request bytes themselves, before any protocol logic. */
export type InputErrorKind =
  | "malformed"
  | "duplicate"
  | "too_large"
  | "unsupported_media_type"
  | "invalid";

export type ServerErrorCode =
  | `oauth:${OAuthErrorCode}`
  | `problem:${ProblemSlug}`
  | `challenge:${ChallengeErrorCode | "none"}`
  | `input:${InputErrorKind}`;

/** Base class: every error the server raises on purpose. Anything else is a 500. */
export class DtpServerError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. `DPoP-Nonce`, `WWW-Authenticate: Basic`). */
  readonly headers: Record<string, string>;

  constructor(code: ServerErrorCode, status: number, message: string, headers = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/** RFC 6749 §5.2 error at an OAuth endpoint. */
export class OAuthError extends DtpServerError {
  readonly error: OAuthErrorCode;
  constructor(error: OAuthErrorCode, description: string, status = 400, headers = {}) {
    super(`oauth:${error}`, status, description, headers);
    this.error = error;
  }
}

/** RFC 9457 problem at a non-OAuth API. */
export class ProblemError extends DtpServerError {
  readonly slug: ProblemSlug;
  constructor(slug: ProblemSlug, status: number, detail: string, headers = {}) {
    super(`problem:${slug}`, status, detail, headers);
    this.slug = slug;
  }
}

/**
 * RFC 6750 / RFC 9449 challenge at a protected resource; `error` undefined when no
 * credentials were sent at all (RFC 6750 §3.1: no error attribute then).
 */
export class ChallengeError extends DtpServerError {
  readonly error: ChallengeErrorCode | undefined;
  readonly scheme: "Bearer" | "DPoP";
  /** The scope the resource needs (for `insufficient_scope`). */
  readonly scope: string | undefined;
  /** The schemes challenged (default: `scheme` only). */
  readonly offer: readonly ("Bearer" | "DPoP")[];
  constructor(
    scheme: "Bearer" | "DPoP",
    error: ChallengeErrorCode | undefined,
    description: string,
    extra: {
      status?: number;
      scope?: string;
      headers?: Record<string, string>;
      offer?: readonly ("Bearer" | "DPoP")[];
    } = {},
  ) {
    const status = extra.status ?? (error === "insufficient_scope" ? 403 : 401);
    super(`challenge:${error ?? "none"}`, status, description, extra.headers ?? {});
    this.error = error;
    this.scheme = scheme;
    this.scope = extra.scope;
    this.offer = extra.offer ?? [scheme];
  }
}

/** The request bytes are unusable: rendered as `invalid_request` or a 4xx problem. */
export class InputError extends DtpServerError {
  readonly kind: InputErrorKind;
  constructor(kind: InputErrorKind, message: string) {
    super(`input:${kind}`, INPUT_STATUS[kind], message);
    this.kind = kind;
  }
}

const INPUT_STATUS: Record<InputErrorKind, number> = {
  malformed: 400,
  duplicate: 400,
  invalid: 400,
  too_large: 413,
  unsupported_media_type: 415,
};

/** Shorthands for the common cases. */
export const notFound = (detail: string) => new ProblemError("not-found", 404, detail);
