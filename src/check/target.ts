import type { TargetConfig } from "../config/schema.ts";
import type { Feature } from "./check.ts";

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
