import type { Target } from "../../check/target.ts";

/** Metadata fields that name endpoints (RFC 8414 and the DTP extensions). */
export type EndpointName =
  | "token_endpoint"
  | "device_authorization_endpoint"
  | "revocation_endpoint"
  | "introspection_endpoint"
  | "jwks_uri"
  | "dtp_login_endpoint"
  | "dtp_personal_tokens_endpoint"
  | "dtp_resource_endpoint"
  | "dtp_admin_endpoint";

/**
 * The endpoint URL the target advertises, or undefined when it advertises none. Under the
 * OAuth profile the protected resource is the config's `oauth.resourceUrl`.
 */
export function endpointOf(target: Target, name: EndpointName): string | undefined {
  if (target.profile === "oauth" && name === "dtp_resource_endpoint") {
    return target.config.oauth?.resourceUrl;
  }
  const value = target.metadata[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Like endpointOf, but throws when missing: call only when the check `requires` the feature. */
export function endpoint(target: Target, name: EndpointName): string {
  const value = endpointOf(target, name);
  if (value === undefined) throw new Error(`target metadata has no ${name}`);
  return value;
}

/** The issuer identifier from metadata (RFC 8414 §2), falling back to the base URL. */
export function issuerOf(target: Target): string {
  const iss = target.metadata.issuer;
  return typeof iss === "string" ? iss : target.baseUrl;
}

/** A number the target declares in `dtp_lifetimes` (seconds), or the fallback. */
export function declaredLifetime(target: Target, name: string, fallback: number): number {
  const lifetimes = target.metadata.dtp_lifetimes;
  if (lifetimes && typeof lifetimes === "object") {
    const v = (lifetimes as Record<string, unknown>)[name];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return fallback;
}

/** A failed-attempt limit the target declares (`dtp_limits.failed_attempts.<kind>`). */
export function declaredFailureLimit(
  target: Target,
  kind: "client_secret" | "password" | "admin_key" | "user_code",
): { max: number; window: number } | undefined {
  const limits = target.metadata.dtp_limits as
    | { failed_attempts?: Record<string, { max?: unknown; window?: unknown }> }
    | undefined;
  const l = limits?.failed_attempts?.[kind];
  return typeof l?.max === "number" && typeof l.window === "number"
    ? { max: l.max, window: l.window }
    : undefined;
}

/**
 * How many deliberate failures of `kind` one check may spend when the credential is shared
 * with the rest of the run (the admin key): a quarter of the declared limit, so that
 * several such checks together never lock the run out. Unlimited when none is declared.
 */
export function failureBudget(
  target: Target,
  kind: "client_secret" | "password" | "admin_key" | "user_code",
): number {
  const limit = declaredFailureLimit(target, kind);
  return limit ? Math.max(1, Math.floor(limit.max / 4)) : Number.POSITIVE_INFINITY;
}

/** The clock-skew allowance the target declares (`dtp_clock_skew`, seconds; default 5). */
export function declaredSkew(target: Target): number {
  const v = target.metadata.dtp_clock_skew;
  return typeof v === "number" && Number.isFinite(v) ? v : 5;
}
