import type { TargetConfig } from "../config/schema.ts";

/**
 * Features a check may require. The runner derives the set a target offers from its
 * RFC 8414 metadata (and the target config); a check whose feature is missing is SKIPPED
 * with the reason, never FAILED.
 */
export type Feature =
  | "dtp" // DTP extensions present in metadata (dtp_version)
  | "device_code" // device_authorization_endpoint + device_code grant
  | "refresh_token"
  | "revocation"
  | "introspection"
  | "dpop" // dpop_signing_alg_values_supported
  | "client_credentials" // client_credentials + private_key_jwt
  | "http_signatures" // dtp_http_signature_algs_supported
  | "login" // dtp_login_endpoint
  | "personal_tokens" // dtp_personal_tokens_endpoint
  | "resource" // dtp_resource_endpoint
  | "admin" // approval through the admin API / command / webhook is configured
  | "user_credentials" // the config gives a user to log in with
  | "api_key"; // the config gives an API key; implicitly required by every check outside "discovery"

/**
 * Profiles: which checks a run applies. "dtp" (default): every check. "oauth": only the
 * checks that hold for any standard OAuth server (src/runner/profiles.ts lists them).
 */
export const PROFILES = ["dtp", "oauth"] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * What a check knows about the server under test: its base URL, its RFC 8414 metadata
 * (the raw JSON, validated loosely), the features derived from it, and the config the
 * vendor gave (credentials, how to approve a registration).
 */
export interface Target {
  baseUrl: string;
  /** Where the metadata was fetched from. */
  discoveryUrl?: string;
  /** The metadata document as served (object), or {} when discovery failed. */
  metadata: Record<string, unknown>;
  features: ReadonlySet<Feature>;
  config: TargetConfig;
  /** True when the target is the embedded reference server started by `dtp test`. */
  embedded: boolean;
  /** The profile of the run (default "dtp"); see `profiles.ts`. */
  profile?: Profile;
}
