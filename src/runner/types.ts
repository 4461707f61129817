/**
 * The result model: what a run produces, shared by the engine, the reports (the JSON report
 * is exactly a {@link RunReport}, schema in `schemas/dtp-report.schema.json`) and the
 * programmatic API.
 */
import type { Area, Level, Status } from "../check/check.ts";
import type { Exchange } from "../check/http.ts";
import type { Feature, Profile } from "../check/target.ts";

export const REPORT_SCHEMA_VERSION = 2;

/** Why a check was skipped: see {@link SkipKind}; `out-of-profile` = not part of the run's profile. */
export type ResultSkipKind = "not-claimed" | "untested" | "out-of-profile";

/** One failing case of a check (a check reports every failing case, not only the first). */
export interface FailureRecord {
  /** The requirement the failure is about. */
  requirement: string;
  level: Level;
  /**
   * `fail`: a requirement of this check; `blocked`: a setup step failed on a requirement the
   * check does not own (the check could not test its own requirements).
   */
  kind: "fail" | "blocked";
  /** The case (`ctx.case` / `ctx.property` label); absent for a failure outside any case. */
  case?: string;
  expected: string;
  actual: string;
  /** Indexes (into `exchanges[].index`) of the exchanges that show it. */
  evidence: number[];
  /** Set for a failure of the transport (DTP_HTTP_TIMEOUT, …). */
  code?: string;
  /** fast-check seed, path and shrunk counterexample of a property failure. */
  seed?: number;
  path?: string;
  counterexample?: string;
  /** A `dtp test` command that re-runs exactly this case. */
  replay: string;
  /** A bash script (curl) replaying the exchanges that show it; secrets come from environment variables. */
  curl?: string;
}

/** A case that presented a real credential of another actor or kind (`ctx.wrongActor`). */
export interface WrongActorCase {
  /** The binding requirement the case is about. */
  requirement: string;
  /** The case label (replay it with `--case`). */
  case: string;
}

export interface CheckResult {
  /** Check id (its first requirement ID). */
  id: string;
  requirements: string[];
  level: Level;
  area: Area;
  title: string;
  specRef: string;
  status: Status;
  durationMs: number;
  /** One line: why it failed, was skipped, or errored. */
  message?: string;
  /** The requirement the failure is about (FAIL/WARN). */
  requirement?: string;
  expected?: string;
  actual?: string;
  /**
   * The check's HTTP transcript, secrets redacted: in full for failing, blocked and erroring
   * checks; empty for passing and skipped ones, which keep {@link exchangeSummary} instead
   * (unless the run keeps all evidence).
   */
  exchanges: Exchange[];
  /** A passing or skipped check's exchanges, one entry per method, path and outcome. */
  exchangeSummary?: ExchangeGroup[];
  /** Indexes (into `exchanges[].index`) of the exchanges that show the failure. */
  evidence?: number[];
  /** Exchanges left out of `exchanges` to keep the report small. */
  omittedExchanges?: number;
  notes: string[];
  /** fast-check seed (the run's seed) for FAIL/WARN/ERROR results. */
  seed?: number;
  /** fast-check path of the shrunk counterexample. */
  path?: string;
  /** The shrunk counterexample, as fast-check prints it. */
  counterexample?: string;
  /** A command that re-runs exactly this case. */
  replay?: string;
  /** Every failing case (FAIL, WARN, BLOCKED), the first one mirrored in the fields above. */
  failures?: FailureRecord[];
  /** BLOCKED: the requirement whose failure stopped the check's setup. */
  blockedBy?: string;
  /** The wrong-actor cases that ran (see `CheckContext.wrongActor`), in order. */
  wrongActor?: WrongActorCase[];
  /** SKIP: not claimed by the target, untested by the kit, or outside the run's profile. */
  skipKind?: ResultSkipKind;
  /**
   * False when the check ended at a failure before judging all of its requirements (its
   * other requirements are then untested); true when it ran to its end.
   */
  completed?: boolean;
  /** Set when the check is listed in the expected-failures file; the reason given there. */
  expectedFailure?: string;
  /** Listed as an expected failure but now passes: the run fails until the list is updated. */
  stale?: boolean;
}

export interface ExchangeGroup {
  method: string;
  /** The URL's path. */
  path: string;
  /** The status, or "no response". */
  outcome: string;
  count: number;
  totalMs: number;
}

export type StatusCounts = Record<Status, number>;

export interface RunSummary {
  total: number;
  byStatus: StatusCounts;
  byArea: Partial<Record<Area, StatusCounts>>;
  byLevel: Record<Level, StatusCounts>;
  /** FAIL/WARN results listed in the expected-failures file. */
  expectedFailures: number;
  /** Ids listed as expected failures that passed. */
  stale: string[];
}

/**
 * What a requirement's checks showed. `passed`: every claimed check of it passed;
 * `failed`: a check failed on it (or a check was blocked by it); `not-claimed`: the target
 * does not offer what it needs; `untested`: the kit could not test it (the reason says what
 * would enable it).
 */
export type RequirementState = "passed" | "failed" | "not-claimed" | "untested";

export interface RequirementCoverage {
  id: string;
  level: Level;
  state: RequirementState;
  /** The selected checks that cover it. */
  checks: string[];
  /** For untested and not-claimed: why (and what would enable it); for failed: the first failure. */
  reason?: string;
  /** The check the reason comes from. */
  via?: string;
  /** A failed requirement all of whose failures are listed in the expected-failures file. */
  expectedFailure?: boolean;
  /** An untested requirement whose checks were blocked by an expected failure only. */
  excused?: boolean;
  /** True when no selected check covers it: it is in the run only as a root cause. */
  outsideSelection?: boolean;
}

export interface RootCause {
  /** The failed requirement. */
  requirement: string;
  level: Level;
  /** Checks that failed on it. */
  failedChecks: string[];
  /** Checks whose setup it blocked. */
  blockedChecks: string[];
  /** Every check that failed on it is listed in the expected-failures file. */
  expected: boolean;
}

export type VerdictWord = "CONFORMANT" | "NOT CONFORMANT" | "INCOMPLETE";

export interface Coverage {
  /** "every area" or the selection ("refresh, revocation"; "--only DTP-REF-002"). */
  scope: string;
  /** MUST requirements the run judges (in the selection and the profile, observable). */
  mustInScope: number;
  /** Every MUST requirement of the catalogue. */
  mustTotal: number;
  /** Per level, how many requirements in scope are in each state. */
  counts: Record<Level, Record<RequirementState, number>>;
  /** Every requirement in scope (and every root cause outside it), in catalogue order. */
  requirements: RequirementCoverage[];
  /** MUST requirements of the catalogue the run does not judge, by reason. */
  outOfScope: { unobservable: number; notSelected: number; outOfProfile: number };
}

export interface Verdict {
  verdict: VerdictWord;
  /** The one-line verdict the console prints last. */
  line: string;
  /** Distinct failed requirements, with the checks that failed on each and those they blocked. */
  rootCauses: RootCause[];
  /** Claimed MUST requirements that could not be tested (ids), excused ones left out. */
  untested: string[];
  /** --allow-untested was given. */
  allowUntested: boolean;
  /** Set when the run stopped early (--max-failures, cancelled). */
  stoppedEarly?: string;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: "dtp-kit"; version: string };
  target: {
    baseUrl: string;
    discoveryUrl?: string;
    embedded: boolean;
    features: Feature[];
    metadata: Record<string, unknown>;
  };
  options: {
    seed: number;
    runs: number;
    strict: boolean;
    maxWaitMs: number;
    timeoutMs: number;
    /** Absent for the default "dtp" profile. */
    profile?: Profile;
    areas?: Area[];
    only?: string[];
    exclude?: string[];
    /** --requirement: checks selected by the requirements they cover. */
    requirements?: string[];
    /** --case: the one case replayed. */
    case?: string;
    replayPath?: string;
    allowUntested?: boolean;
    maxFailures?: number;
    /** "all": every transcript in full (default: full transcripts for failures only). */
    evidence?: "all";
    /** The target's TLS certificate was not verified (`--insecure`). */
    insecure?: true;
    /** The target's instances (`--instance`); exchanges name the one that answered. */
    instances?: string[];
  };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The metadata request made before the checks (redacted). */
  discovery: Exchange[];
  results: CheckResult[];
  summary: RunSummary;
  /** Per requirement: passed, failed, not claimed or untested. */
  coverage: Coverage;
  verdict: Verdict;
  /**
   * 0 = CONFORMANT (or every failure and untested requirement excused by the
   * expected-failures file, or untested ones allowed by --allow-untested); 1 otherwise.
   */
  exitCode: 0 | 1;
}
