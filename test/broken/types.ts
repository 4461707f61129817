/**
 * The broken-server catalogue: one documented fault per entry, injected into the reference
 * server through its test-only fixture argument (`startReferenceServer(options, fixture)`:
 * replaced or wrapped operations, a wrapped store, replaced protocol verifiers) — never
 * through a server option a vendor could ship.
 */
import type { ServerFixture, ServerOptionsInput } from "../../reference-server/index.ts";

/** Where a fault lives (the catalogue's areas; the check areas plus two cross-cutting ones). */
export type FaultArea =
  | "discovery"
  | "registration"
  | "approval"
  | "signing"
  | "polling"
  | "tokens"
  | "login"
  | "personal-tokens"
  | "expiry"
  | "refresh"
  | "revocation"
  | "resource"
  | "errors"
  | "concurrency"
  | "persistence"
  | "instances";

export interface Fault {
  /** `F-<AREA>-NN-slug`, stable. */
  id: string;
  area: FaultArea;
  /** What is broken, in a sentence a vendor understands. */
  description: string;
  /** The requirement the fault violates. */
  requirement: string;
  /** Check IDs that must FAIL against this server. */
  catchers: string[];
  /**
   * The fault, built fresh for every server start (faults may keep state, e.g. a cache).
   * Only the test-only fixture argument: replaced or wrapped operations, a wrapped store,
   * replaced protocol verifiers.
   */
  fixture: () => ServerFixture;
  /** A legal configuration the fault needs (merged over the catalogue's base options). */
  options?: ServerOptionsInput;
  /**
   * The fault shows only across instances: the catalogue runs the target as this many
   * instances (instance-proxies.ts) and the kit with `--instance` over them, and checks that
   * its catchers pass without `--instance`.
   */
  instances?: number;
  /** How the catchers see the fault, when it is not obvious (shown in the docs). */
  note?: string;
}
