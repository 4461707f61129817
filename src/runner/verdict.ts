/**
 * The verdict of a run, from its coverage:
 * - NOT CONFORMANT: a MUST requirement failed (a SHOULD too under --strict);
 * - INCOMPLETE: none failed, but a MUST requirement the target claims is untested;
 * - CONFORMANT: every claimed MUST requirement in scope was tested and passed.
 *
 * Exit code 0 only for CONFORMANT, or when every failure is listed in the expected-failures
 * file (and what it blocked), or when the only gap is untested requirements under
 * --allow-untested; a stale expected failure, an ERROR or a run stopped early is always 1.
 */
import type { Level } from "../check/check.ts";
import type { Requirement } from "../spec/catalogue.ts";
import { computeCoverage, rootCauses } from "./coverage.ts";
import { STATUSES, summarize } from "./summary.ts";
import type {
  CheckResult,
  Coverage,
  RootCause,
  RunSummary,
  Verdict,
  VerdictWord,
} from "./types.ts";

/** Everything a run concludes from its results: summary, coverage, verdict, exit code. */
export function judgeRun(input: {
  results: readonly CheckResult[];
  requirements: readonly Requirement[];
  scope: string;
  strict?: boolean;
  allowUntested?: boolean;
  stoppedEarly?: string;
  /** False when the target is not a DTP server (see computeCoverage). */
  dtpTarget?: boolean;
}): { summary: RunSummary; coverage: Coverage; verdict: Verdict; exitCode: 0 | 1 } {
  const levels = new Map(input.requirements.map((r) => [r.id, r.level as Level]));
  const summary = summarize(input.results);
  const coverage = computeCoverage({
    requirements: input.requirements,
    results: input.results,
    scope: input.scope,
    ...(input.dtpTarget !== undefined ? { dtpTarget: input.dtpTarget } : {}),
  });
  const { verdict, exitCode } = decideVerdict({
    coverage,
    rootCauses: rootCauses(input.results, (id) => levels.get(id)),
    results: input.results,
    summary,
    strict: input.strict ?? false,
    allowUntested: input.allowUntested ?? false,
    ...(input.stoppedEarly !== undefined ? { stoppedEarly: input.stoppedEarly } : {}),
  });
  return { summary, coverage, verdict, exitCode };
}

export interface VerdictInput {
  coverage: Coverage;
  rootCauses: RootCause[];
  results: readonly CheckResult[];
  summary: RunSummary;
  strict: boolean;
  allowUntested: boolean;
  stoppedEarly?: string;
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; exitCode: 0 | 1 } {
  const { coverage, strict } = input;
  const judgedLevels: Level[] = strict ? ["MUST", "SHOULD"] : ["MUST"];
  const failed = coverage.requirements.filter(
    (r) => r.state === "failed" && judgedLevels.includes(r.level),
  );
  const untested = coverage.requirements.filter(
    (r) => r.state === "untested" && r.level === "MUST" && !r.excused,
  );
  // A run that judged no MUST requirement at all tested nothing: never CONFORMANT.
  const nothingTested = coverage.counts.MUST.passed === 0 && failed.length === 0;
  const word: VerdictWord = failed.length
    ? "NOT CONFORMANT"
    : untested.length || nothingTested
      ? "INCOMPLETE"
      : "CONFORMANT";
  const unexcusedFailure = failed.some((r) => !r.expectedFailure);
  const errored = input.results.some((r) => r.status === "ERROR");
  const exitCode: 0 | 1 =
    unexcusedFailure ||
    ((untested.length > 0 || nothingTested) && !input.allowUntested) ||
    input.summary.stale.length > 0 ||
    errored ||
    input.stoppedEarly !== undefined
      ? 1
      : 0;

  const causes = input.rootCauses.filter((c) => judgedLevels.includes(c.level));
  const parts: string[] = [];
  if (causes.length) {
    const listed = causes
      .slice(0, 5)
      .map((c) => `${c.requirement}${c.expected ? " (expected)" : ""}`);
    parts.push(
      `${causes.length} root cause${causes.length === 1 ? "" : "s"}: ${listed.join(", ")}${causes.length > 5 ? ", …" : ""}`,
    );
  }
  const m = coverage.counts.MUST;
  parts.push(
    `MUST requirements: ${m.passed} passed, ${m.failed} failed, ${m["not-claimed"]} not claimed, ${m.untested} untested of ${coverage.mustInScope} in scope (${coverage.scope}; ${coverage.mustTotal} in the spec)`,
  );
  const s = input.summary.byStatus;
  parts.push(
    STATUSES.filter((st) => s[st] > 0)
      .map((st) => `${s[st]} ${st}`)
      .join(", ") || "no checks",
  );
  if (input.summary.expectedFailures)
    parts.push(`${input.summary.expectedFailures} expected failures`);
  if (input.summary.stale.length)
    parts.push(`${input.summary.stale.length} stale expected failures`);
  if (nothingTested) parts.push("no MUST requirement was tested");
  if ((untested.length || nothingTested) && input.allowUntested)
    parts.push("allowed by --allow-untested");
  if (input.stoppedEarly) parts.push(input.stoppedEarly);

  const verdict: Verdict = {
    verdict: word,
    line: `${word} — ${parts.join(" · ")}`,
    rootCauses: input.rootCauses,
    untested: untested.map((r) => r.id),
    allowUntested: input.allowUntested,
    ...(input.stoppedEarly !== undefined ? { stoppedEarly: input.stoppedEarly } : {}),
  };
  return { verdict, exitCode };
}
