/**
 * What the server declares in its metadata (RFC 8414 and the DTP extensions): endpoints,
 * lifetimes, clock skew, algorithms, key types, policies. Every reader takes the server
 * (`{ baseUrl, metadata }`) and never throws on a missing or malformed member.
 */
import type { Server } from "./context.ts";

/** RFC 8414 §3.1: where an issuer's metadata is. */
export const WELL_KNOWN = "/.well-known/oauth-authorization-server";

/**
 * RFC 8414 §3.1: the metadata URL of an issuer; the well-known segment goes between the
 * host and the issuer's path (`https://h/as` → `https://h/.well-known/oauth-authorization-server/as`).
 */
export function wellKnownUrl(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.origin}${WELL_KNOWN}${path}`;
}

/** The issuer a metadata URL was derived from (inverse of {@link wellKnownUrl}). */
export function issuerFromWellKnown(url: string): string | undefined {
  const u = new URL(url);
  if (!u.pathname.startsWith(WELL_KNOWN)) return undefined;
  return `${u.origin}${u.pathname.slice(WELL_KNOWN.length)}`.replace(/\/+$/, "");
}

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

/** A server whose protected resource may live elsewhere (the OAuth profile's `resourceUrl`). */
export interface ServerWithResource extends Server {
  profile?: string;
  config?: { oauth?: { resourceUrl?: string | undefined } | undefined };
}

/**
 * The endpoint URL the server advertises, or undefined. Under the kit's OAuth profile the
 * protected resource is the config's `oauth.resourceUrl`.
 */
export function endpointOf(target: ServerWithResource, name: EndpointName): string | undefined {
  if (target.profile === "oauth" && name === "dtp_resource_endpoint") {
    return target.config?.oauth?.resourceUrl;
  }
  const value = target.metadata[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Like {@link endpointOf}, but throws when the server advertises none. */
export function endpoint(target: ServerWithResource, name: EndpointName): string {
  const value = endpointOf(target, name);
  if (value === undefined) throw new Error(`the server metadata has no ${name}`);
  return value;
}

/** The endpoint as an absolute, normalised URL (what a DPoP `htu` names). */
export function absoluteEndpoint(target: ServerWithResource, name: EndpointName): string {
  return new URL(endpoint(target, name), target.baseUrl).href;
}

/** The issuer identifier (RFC 8414 §2), falling back to the base URL. */
export function issuerOf(target: Server): string {
  const iss = target.metadata.issuer;
  return typeof iss === "string" ? iss : target.baseUrl;
}

/** A lifetime the server declares in `dtp_lifetimes` (seconds), or `fallback`. */
export function declaredLifetime(target: Server, name: string, fallback: number): number {
  const lifetimes = target.metadata.dtp_lifetimes;
  if (lifetimes && typeof lifetimes === "object") {
    const v = (lifetimes as Record<string, unknown>)[name];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return fallback;
}

/** The kinds of credential whose failed attempts a target limits (`dtp_limits.failed_attempts`). */
export type FailureKind = "client_secret" | "password" | "admin_key" | "user_code";

/** A failed-attempt limit the target declares (`dtp_limits.failed_attempts.<kind>`). */
export function declaredFailureLimit(
  target: Server,
  kind: FailureKind,
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
export function failureBudget(target: Server, kind: FailureKind): number {
  const limit = declaredFailureLimit(target, kind);
  return limit ? Math.max(1, Math.floor(limit.max / 4)) : Number.POSITIVE_INFINITY;
}

/** The clock-skew allowance the server declares (`dtp_clock_skew`, seconds; default 5). */
export function declaredSkew(target: Server): number {
  const v = target.metadata.dtp_clock_skew;
  return typeof v === "number" && Number.isFinite(v) ? v : 5;
}

/** The strings of a metadata array member (`[]` when absent or not an array). */
export function declaredList(target: Server, member: string): string[] {
  const v = target.metadata[member];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** `dpop_signing_alg_values_supported`. */
export function dpopAlgs(target: Server): string[] {
  return declaredList(target, "dpop_signing_alg_values_supported");
}

/**
 * The DPoP proof acceptance window: `dtp_lifetimes.dpop_proof_max_age` and `dtp_clock_skew`.
 * A server that declares neither (a plain RFC 9449 server) gets generous values (1 h,
 * 5 min), so that a proof called "too old" or "in the future" surely is.
 */
export function proofWindow(target: Server): { maxAge: number; skew: number } {
  const skew = target.metadata.dtp_clock_skew;
  return {
    maxAge: declaredLifetime(target, "dpop_proof_max_age", 3600),
    skew: typeof skew === "number" && Number.isFinite(skew) ? skew : 300,
  };
}

/** `dtp_dpop_nonce_required`, or undefined when the server does not declare it. */
export function nonceRequired(target: Server): boolean | undefined {
  const v = target.metadata.dtp_dpop_nonce_required;
  return typeof v === "boolean" ? v : undefined;
}

/** `dtp_refresh_token_reuse_grace_period` (seconds, default 0). */
export function declaredGrace(target: Server): number {
  const v = target.metadata.dtp_refresh_token_reuse_grace_period;
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** `dtp_key_types_supported` (all three DTP key types when absent). */
export function declaredKeyTypes(target: Server): string[] {
  return Array.isArray(target.metadata.dtp_key_types_supported)
    ? declaredList(target, "dtp_key_types_supported")
    : ["rsa", "x509", "ed25519"];
}

/**
 * The cheapest key the server accepts (`dtp_key_types_supported`): Ed25519, else an EC P-256
 * key in an X.509 certificate, else RSA.
 */
export function cheapestKey(target: Server): {
  kind: "ed25519" | "ec-p256" | "rsa";
  keyType: "ed25519" | "x509" | "rsa";
} {
  const types = declaredKeyTypes(target);
  if (types.includes("ed25519")) return { kind: "ed25519", keyType: "ed25519" };
  if (types.includes("x509")) return { kind: "ec-p256", keyType: "x509" };
  return { kind: "rsa", keyType: "rsa" };
}

/** The DTP client types. */
export const CLIENT_TYPES = [
  "printer",
  "chrome_extension",
  "desktop_client",
  "mobile_device",
  "server",
] as const;

/** The client types the server accepts (`dtp_client_types_supported`, else all of DTP's). */
export function declaredClientTypes(target: Server): string[] {
  const known: readonly string[] = CLIENT_TYPES;
  const types = declaredList(target, "dtp_client_types_supported").filter((t) => known.includes(t));
  return types.length > 0 ? types : [...CLIENT_TYPES];
}

/** A `dtp_policies` member: its value, or undefined when not declared. */
export function declaredPolicy(target: Server, name: string): unknown {
  const policies = target.metadata.dtp_policies;
  return policies && typeof policies === "object" && !Array.isArray(policies)
    ? (policies as Record<string, unknown>)[name]
    : undefined;
}
