/**
 * The verdict model: CONFORMANT only when every claimed MUST requirement in scope was tested
 * and passed; INCOMPLETE when some could not be tested (or nothing was); NOT CONFORMANT on a
 * failure. Expected failures excuse what they list (and what it blocked); stale ones fail.
 */
import { describe, expect, it } from "vitest";
import type { Level } from "../../src/check/check.ts";
import type { CheckResult, FailureRecord } from "../../src/runner/types.ts";
import { judgeRun } from "../../src/runner/verdict.ts";
import type { Requirement } from "../../src/spec/catalogue.ts";

const req = (id: string, level: Level = "MUST", observable = true): Requirement => ({
  id,
  area: "refresh",
  level,
  text: id,
  operations: [],
  source: "test",
  observable,
});

const REQS = [
  req("DTP-A-001"),
  req("DTP-A-002"),
  req("DTP-A-003"),
  req("DTP-A-004", "SHOULD"),
  req("DTP-A-005", "MUST", false),
];

function result(
  id: string,
  status: CheckResult["status"],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id,
    requirements: [id],
    level: "MUST",
    area: "refresh",
    title: id,
    specRef: "t",
    status,
    durationMs: 1,
    exchanges: [],
    notes: [],
    completed: status !== "SKIP",
    ...extra,
  };
}

const failure = (requirement: string, kind: FailureRecord["kind"] = "fail"): FailureRecord => ({
  requirement,
  level: "MUST",
  kind,
  expected: "x",
  actual: "y",
  evidence: [],
  replay: "dtp test …",
});

const judge = (results: CheckResult[], opts: { allowUntested?: boolean; strict?: boolean } = {}) =>
  judgeRun({ results, requirements: REQS, scope: "every area", ...opts });

describe("verdict", () => {
  it("CONFORMANT: every claimed MUST passed; not-claimed ones are out of the way, unobservable ones out of scope", () => {
    const j = judge([
      result("DTP-A-001", "PASS"),
      result("DTP-A-002", "PASS"),
      result("DTP-A-003", "SKIP", { skipKind: "not-claimed", message: "no revocation_endpoint" }),
    ]);
    expect(j.verdict.verdict).toBe("CONFORMANT");
    expect(j.exitCode).toBe(0);
    expect(j.coverage.counts.MUST).toEqual({ passed: 2, failed: 0, "not-claimed": 1, untested: 0 });
    expect(j.coverage.mustInScope).toBe(3);
    expect(j.coverage.outOfScope).toEqual({ unobservable: 1, notSelected: 0, outOfProfile: 0 });
    expect(j.verdict.line).toMatch(
      /^CONFORMANT — MUST requirements: 2 passed, 0 failed, 1 not claimed, 0 untested of 3 in scope/,
    );
  });

  it("INCOMPLETE (exit 1) when a claimed MUST is untested, listed with what would enable it; --allow-untested exits 0", () => {
    const results = [
      result("DTP-A-001", "PASS"),
      result("DTP-A-002", "SKIP", { skipKind: "untested", message: 'add "admin" to the config' }),
    ];
    const j = judge(results);
    expect(j.verdict.verdict).toBe("INCOMPLETE");
    expect(j.exitCode).toBe(1);
    expect(j.verdict.untested).toEqual(["DTP-A-002"]);
    expect(j.coverage.requirements.find((r) => r.id === "DTP-A-002")).toMatchObject({
      state: "untested",
      reason: 'add "admin" to the config',
      via: "DTP-A-002",
    });
    const allowed = judge(results, { allowUntested: true });
    expect(allowed.verdict.verdict).toBe("INCOMPLETE");
    expect(allowed.exitCode).toBe(0);
    expect(allowed.verdict.line).toContain("allowed by --allow-untested");
  });

  it("a run that tested no MUST requirement is never CONFORMANT", () => {
    const j = judge([result("DTP-A-003", "SKIP", { skipKind: "not-claimed", message: "n/a" })]);
    expect(j.verdict.verdict).toBe("INCOMPLETE");
    expect(j.exitCode).toBe(1);
    expect(j.verdict.line).toContain("no MUST requirement was tested");
  });

  it("NOT CONFORMANT on a MUST failure; a check that stopped at its failure leaves its other requirements untested", () => {
    const j = judge([
      result("DTP-A-001", "FAIL", {
        requirements: ["DTP-A-001", "DTP-A-002"],
        failures: [failure("DTP-A-001")],
        requirement: "DTP-A-001",
        completed: false,
      }),
    ]);
    expect(j.verdict.verdict).toBe("NOT CONFORMANT");
    expect(j.exitCode).toBe(1);
    expect(j.coverage.requirements.find((r) => r.id === "DTP-A-002")).toMatchObject({
      state: "untested",
      reason: "not judged: the check stopped at its failure of DTP-A-001",
    });
    // Had it run all its cases, the other requirement is judged (passed).
    const complete = judge([
      result("DTP-A-001", "FAIL", {
        requirements: ["DTP-A-001", "DTP-A-002"],
        failures: [failure("DTP-A-001")],
        completed: true,
      }),
    ]);
    expect(complete.coverage.requirements.find((r) => r.id === "DTP-A-002")!.state).toBe("passed");
  });

  it("one root cause: a failure and the checks it blocked count once", () => {
    const j = judge([
      result("DTP-A-001", "FAIL", { failures: [failure("DTP-A-001")], completed: true }),
      result("DTP-A-002", "BLOCKED", {
        failures: [failure("DTP-A-001", "blocked")],
        blockedBy: "DTP-A-001",
        completed: false,
      }),
      result("DTP-A-003", "BLOCKED", {
        failures: [failure("DTP-A-001", "blocked")],
        blockedBy: "DTP-A-001",
        completed: false,
      }),
    ]);
    expect(j.verdict.rootCauses).toHaveLength(1);
    expect(j.verdict.rootCauses[0]).toMatchObject({
      requirement: "DTP-A-001",
      failedChecks: ["DTP-A-001"],
      blockedChecks: ["DTP-A-002", "DTP-A-003"],
    });
    expect(j.coverage.counts.MUST).toEqual({ passed: 0, failed: 1, "not-claimed": 0, untested: 2 });
    expect(j.verdict.line).toContain("1 root cause: DTP-A-001");
  });

  it("expected failures excuse the failure and what it blocked (exit 0); the verdict still says NOT CONFORMANT", () => {
    const j = judge([
      result("DTP-A-001", "FAIL", {
        failures: [failure("DTP-A-001")],
        completed: true,
        expectedFailure: "known",
      }),
      result("DTP-A-002", "BLOCKED", {
        failures: [failure("DTP-A-001", "blocked")],
        blockedBy: "DTP-A-001",
        completed: false,
      }),
      result("DTP-A-003", "PASS"),
    ]);
    expect(j.verdict.verdict).toBe("NOT CONFORMANT");
    expect(j.exitCode).toBe(0);
    expect(j.verdict.rootCauses[0]!.expected).toBe(true);
    expect(j.coverage.requirements.find((r) => r.id === "DTP-A-002")).toMatchObject({
      state: "untested",
      excused: true,
    });
  });

  it("a stale expected failure, an ERROR or a run stopped early always exits 1", () => {
    expect(judge([result("DTP-A-001", "PASS", { stale: true })]).exitCode).toBe(1);
    expect(
      judge([result("DTP-A-001", "PASS"), result("DTP-A-002", "ERROR", { message: "bug" })])
        .exitCode,
    ).toBe(1);
    expect(
      judgeRun({
        results: [result("DTP-A-001", "PASS")],
        requirements: REQS,
        scope: "t",
        stoppedEarly: "cancelled",
      }).exitCode,
    ).toBe(1);
  });

  it("SHOULD failures warn; under --strict they make the run NOT CONFORMANT", () => {
    const results = [
      result("DTP-A-001", "PASS"),
      result("DTP-A-004", "WARN", {
        level: "SHOULD",
        failures: [{ ...failure("DTP-A-004"), level: "SHOULD" }],
        completed: true,
      }),
    ];
    expect(judge(results).verdict.verdict).toBe("CONFORMANT");
    expect(judge(results, { strict: true }).verdict.verdict).toBe("NOT CONFORMANT");
  });

  it("a root cause outside the selection is still a failure", () => {
    const j = judgeRun({
      results: [
        result("DTP-A-002", "BLOCKED", {
          failures: [failure("DTP-A-001", "blocked")],
          blockedBy: "DTP-A-001",
          completed: false,
        }),
      ],
      requirements: REQS,
      scope: "--only DTP-A-002",
    });
    expect(j.verdict.verdict).toBe("NOT CONFORMANT");
    expect(j.coverage.requirements.find((r) => r.id === "DTP-A-001")).toMatchObject({
      state: "failed",
      outsideSelection: true,
    });
    expect(j.coverage.mustInScope).toBe(1);
  });
});
