/**
 * The contract between the runner and the suites: what a check is and what it gets.
 * Suites live in `suites/<area>/DTP-XXX-NNN-slug.ts` and each exports `check: Check`.
 *
 * This folder (`src/check/`) is the kit's ground floor: the runner, the client library, the
 * HTTP layer and the suites import it; it imports none of them.
 */
import type { IRawProperty } from "fast-check";
import type { HttpClient } from "./http.ts";
import type { Feature, Target } from "./target.ts";

export type Level = "MUST" | "SHOULD" | "MAY";
/**
 * A check's outcome. BLOCKED: a setup step failed on a requirement the check does not own
 * (its own requirements are untested; the run counts the owner as the root cause).
 */
export type Status = "PASS" | "FAIL" | "WARN" | "BLOCKED" | "SKIP" | "ERROR";

/**
 * Why a SKIP: the target does not claim what the check needs (a feature it does not
 * advertise, a policy it declares: legitimately out of scope), or the kit could not test it
 * (configuration missing, a wait longer than `--max-wait`, the run stopped): untested.
 */
export type SkipKind = "not-claimed" | "untested";

export type Area =
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
  | "errors";

export interface CheckMeta {
  /** Stable check id: the (first) requirement ID, e.g. "DTP-REF-004". */
  id: string;
  /** Every requirement ID this check verifies (includes `id`'s requirement). */
  requirements: string[];
  /** The strongest level among `requirements`. */
  level: Level;
  area: Area;
  title: string;
  /** Where the requirement comes from, e.g. "RFC 9700 §4.14.2". */
  specRef: string;
  requires: Feature[];
  /** True when the check generates inputs with fast-check (honours --seed / --runs). */
  property?: boolean;
  /** Upper bound of seconds this check may spend waiting on lifetimes or intervals. */
  waits?: boolean;
}

export interface Check {
  meta: CheckMeta;
  run(ctx: CheckContext): Promise<void>;
}

export interface Clock {
  now(): number;
  /**
   * Sleeps `ms`, charged to the run's --max-wait budget. `reason` says what for ("for the
   * refresh token to expire"); the console shows it while the check waits.
   */
  sleep(ms: number, reason?: string): Promise<void>;
}

export interface CheckContext {
  target: Target;
  http: HttpClient;
  clock: Clock;
  /** The run's fast-check seed and runs per property (use {@link CheckContext.property}). */
  fc: { seed: number; numRuns: number };
  /**
   * Runs one case of the check. A failure inside it is recorded with its own evidence and
   * the check goes on with its next case: the result lists every failing case. Under a
   * replay of one case (`dtp test --only <check> --case <label>`), the other cases do not
   * run. Labels are unique within a check.
   */
  case(label: string, fn: () => Promise<void>): Promise<void>;
  /**
   * Runs a fast-check property as the case `label`, with the run's seed and runs (or
   * `numRuns`), and the counterexample's path when this case is replayed. A failure is
   * recorded with its shrunk counterexample and the check goes on.
   */
  property<Ts>(
    label: string,
    property: IRawProperty<Ts>,
    options?: { numRuns?: number },
  ): Promise<void>;
  /**
   * A wrong-actor case: {@link CheckContext.case} for a case that presents a *real, valid*
   * credential or artifact issued by the target to another actor or of another kind (another
   * client's refresh token, a user token where a device token is required, another service
   * client's key), which `requirement` (one of the check's) says must be refused. The result
   * lists these cases (`wrongActor`); docs/wrong-actor.md is generated from them.
   */
  wrongActor(requirement: string, label: string, fn: () => Promise<void>): Promise<void>;
  /** Seconds this check may still wait (from --max-wait). */
  waitBudget(): number;
  /**
   * Ends the check as SKIP, untested: the kit could not test what the target claims. The
   * reason says what would enable it ("add admin.token to the config", "raise --max-wait").
   */
  skip(reason: string): never;
  /**
   * Ends the check as SKIP, not claimed: the target legitimately does not offer what the
   * check tests (it declares a policy or a value that puts the requirement out of scope).
   */
  notClaimed(reason: string): never;
  /** Adds a line to the check's notes (shown in reports). */
  note(message: string): void;
  /**
   * Gets a pending registration approved or denied the way the target config says (admin
   * API, shell command or webhook). Ends the check as SKIP when no approval is configured
   * (declare the "admin" feature in `requires` to skip earlier).
   */
  approval: Approver;
  /**
   * A fresh client_id for this check: the config's `clientIdPrefix` + `label` + random
   * suffix, within `[A-Za-z0-9._~-]`, unique across runs.
   */
  clientId(label?: string): string;
  /** Aborted when the check runs out of time or the run is cancelled. */
  signal: AbortSignal;
}

export interface Approver {
  approve(userCode: string): Promise<void>;
  deny(userCode: string): Promise<void>;
}
