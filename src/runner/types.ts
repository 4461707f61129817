/**
 * The result model: what a run produces, shared by the engine, the reports (the JSON report
 * is exactly a {@link RunReport}, schema in `schemas/dtp-report.schema.json`) and the
 * programmatic API.
 */
import type { Exchange } from "../http/types.ts";
import type { Area, Feature, Level, Status } from "./check.ts";
import type { Profile } from "./profiles.ts";

export const REPORT_SCHEMA_VERSION = 1;

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
  /** The check's HTTP transcript, secrets redacted. */
  exchanges: Exchange[];
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
  /** Set when the check is listed in the expected-failures file; the reason given there. */
  expectedFailure?: string;
  /** Listed as an expected failure but now passes: the run fails until the list is updated. */
  stale?: boolean;
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
    replayPath?: string;
    /** The target's TLS certificate was not verified (`--insecure`). */
    insecure?: true;
  };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The metadata request made before the checks (redacted). */
  discovery: Exchange[];
  results: CheckResult[];
  summary: RunSummary;
  /** 0 = every MUST passes (and SHOULD under --strict); 1 = a check failed or errored. */
  exitCode: 0 | 1;
}
