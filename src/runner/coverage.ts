/**
 * Requirement coverage of a run: for every requirement in scope, what its checks showed.
 *
 * In scope: observable requirements covered by a selected check that belongs to the run's
 * profile. A requirement is
 * - `failed` when a check failed on it or was blocked by it (also when no selected check
 *   covers it: a root cause outside the selection is still a failure);
 * - `not-claimed` when every check of it was skipped because the target does not claim
 *   what it needs, or when it is a DTP strengthening (`applies: dtp`) and the target is not a
 *   DTP server (a check that also judges an RFC rule runs, but not for this requirement);
 * - `passed` when every claimed check of it judged it: PASSED, or failed on another
 *   requirement after running to its end;
 * - `untested` otherwise: a check of it was skipped for want of configuration or time,
 *   blocked, errored, stopped, or ended at a failure before judging it.
 */
import type { Level } from "../check/check.ts";
import type { Requirement } from "../spec/catalogue.ts";
import type {
  CheckResult,
  Coverage,
  RequirementCoverage,
  RequirementState,
  RootCause,
} from "./types.ts";

export interface CoverageInput {
  /** The catalogue's requirements, in order. */
  requirements: readonly Requirement[];
  /** Results of the selected checks. */
  results: readonly CheckResult[];
  /** "every area", or what the selection was. */
  scope: string;
  /** False when the target is not a DTP server: its `applies: dtp` requirements are not claimed. */
  dtpTarget?: boolean;
}

/** Why a DTP strengthening is not judged on a target that is not a DTP server. */
export const NOT_DTP = "a DTP strengthening (applies: dtp); the target is not a DTP server";

const STATES: readonly RequirementState[] = ["passed", "failed", "not-claimed", "untested"];

export function computeCoverage(input: CoverageInput): Coverage {
  const covering = new Map<string, CheckResult[]>();
  for (const r of input.results) {
    for (const id of r.requirements) covering.set(id, [...(covering.get(id) ?? []), r]);
  }
  const failures = failuresByRequirement(input.results);
  const excusedCause = (id: string) => isExcused(failures.get(id));

  const counts = Object.fromEntries(
    (["MUST", "SHOULD", "MAY"] as const).map((l) => [
      l,
      Object.fromEntries(STATES.map((s) => [s, 0])) as Record<RequirementState, number>,
    ]),
  ) as Coverage["counts"];
  const rows: RequirementCoverage[] = [];
  const outOfScope = { unobservable: 0, notSelected: 0, outOfProfile: 0 };
  let mustInScope = 0;
  for (const req of input.requirements) {
    const failed = failures.get(req.id);
    const checks = covering.get(req.id) ?? [];
    const inProfile = checks.filter((r) => r.skipKind !== "out-of-profile");
    if (!failed) {
      const must = req.level === "MUST" ? 1 : 0;
      if (!req.observable) {
        outOfScope.unobservable += must;
        continue;
      }
      if (checks.length === 0) {
        outOfScope.notSelected += must;
        continue;
      }
      if (inProfile.length === 0) {
        outOfScope.outOfProfile += must;
        continue;
      }
    }
    const row: RequirementCoverage = {
      id: req.id,
      level: req.level as Level,
      state: "passed",
      checks: checks.map((r) => r.id),
    };
    if (failed) {
      row.state = "failed";
      row.reason = `expected ${failed[0]!.expected}; got ${failed[0]!.actual}`;
      row.via = failed[0]!.check;
      if (isExcused(failed)) row.expectedFailure = true;
      if (checks.length === 0) row.outsideSelection = true;
    } else {
      const claimed = inProfile.filter(
        (r) => !(r.status === "SKIP" && r.skipKind === "not-claimed"),
      );
      if (input.dtpTarget === false && req.applies === "dtp") {
        row.state = "not-claimed";
        row.reason = NOT_DTP;
      } else if (claimed.length === 0) {
        row.state = "not-claimed";
        row.reason = inProfile[0]?.message ?? "";
        if (inProfile[0]) row.via = inProfile[0].id;
      } else {
        const unjudged = claimed.find((r) => !judged(r));
        if (unjudged) {
          row.state = "untested";
          row.reason = whyUntested(unjudged);
          row.via = unjudged.id;
          if (
            unjudged.status === "BLOCKED" &&
            unjudged.blockedBy &&
            excusedCause(unjudged.blockedBy)
          ) {
            row.excused = true;
          }
        }
      }
    }
    counts[row.level][row.state]++;
    if (row.level === "MUST" && !row.outsideSelection) mustInScope++;
    rows.push(row);
  }
  return {
    scope: input.scope,
    mustInScope,
    mustTotal: input.requirements.filter((r) => r.level === "MUST").length,
    counts,
    requirements: rows,
    outOfScope,
  };
}

/** Distinct failed requirements, the checks that failed on each and those they blocked. */
export function rootCauses(
  results: readonly CheckResult[],
  levelOf: (id: string) => Level | undefined,
): RootCause[] {
  const out: RootCause[] = [];
  for (const [requirement, list] of failuresByRequirement(results)) {
    out.push({
      requirement,
      level: levelOf(requirement) ?? list[0]!.level,
      failedChecks: unique(list.filter((f) => f.kind === "fail").map((f) => f.check)),
      blockedChecks: unique(list.filter((f) => f.kind === "blocked").map((f) => f.check)),
      expected: isExcused(list),
    });
  }
  return out.sort((a, b) => a.requirement.localeCompare(b.requirement));
}

interface NamedFailure {
  check: string;
  kind: "fail" | "blocked";
  level: Level;
  expected: string;
  actual: string;
  /** The check is listed in the expected-failures file. */
  listed: boolean;
}

function failuresByRequirement(results: readonly CheckResult[]): Map<string, NamedFailure[]> {
  const out = new Map<string, NamedFailure[]>();
  for (const r of results) {
    for (const f of r.failures ?? []) {
      const list = out.get(f.requirement) ?? [];
      list.push({
        check: r.id,
        kind: f.kind,
        level: f.level,
        expected: f.expected,
        actual: f.actual,
        listed: r.expectedFailure !== undefined,
      });
      out.set(f.requirement, list);
    }
  }
  return out;
}

/**
 * A requirement's failure is excused when a check listed as an expected failure shows it and
 * every check that failed on it is listed (checks it merely blocked need not be).
 */
function isExcused(list: readonly NamedFailure[] | undefined): boolean {
  if (!list?.length) return false;
  const failing = list.filter((f) => f.kind === "fail");
  if (failing.length) return failing.every((f) => f.listed);
  return list.some((f) => f.listed);
}

/** True when the result judged every one of its requirements it did not fail on. */
function judged(r: CheckResult): boolean {
  if (r.status === "PASS") return true;
  return (r.status === "FAIL" || r.status === "WARN") && r.completed === true;
}

function whyUntested(r: CheckResult): string {
  switch (r.status) {
    case "BLOCKED":
      return `blocked by ${r.blockedBy}`;
    case "ERROR":
      return `the check errored: ${r.message ?? ""}`;
    case "FAIL":
    case "WARN":
      return `not judged: the check stopped at its failure of ${r.requirement}`;
    default:
      return r.message ?? "skipped";
  }
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
