/**
 * JUnit XML: one `<testsuite>` per area, one `<testcase>` per check (name = check ID and
 * title, classname = area), `<failure>` for FAIL (every failing case in its text), `<error>`
 * for ERROR, `<skipped>` for SKIP, for BLOCKED (message "blocked by <requirement>": the root
 * cause fails once, in the check that owns it) and for expected failures, the transcript in
 * `<system-out>`. WARN results pass, with the warning at the top of `<system-out>` (JUnit
 * has no warning state).
 *
 * A last `<testsuite name="verdict">` holds one testcase, "requirement coverage", which
 * fails when the run is INCOMPLETE (untested claimed MUST requirements, listed) so that a CI
 * reading only JUnit cannot mistake a run that tested little for a pass.
 */
import { create } from "xmlbuilder2";
import type { CheckResult, RunReport } from "../runner/types.ts";
import { runNotes } from "./run-notes.ts";
import { formatTranscript, summaryLines } from "./transcript.ts";

export function renderJunit(report: RunReport): string {
  const s = report.summary;
  const doc = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" });
  const incomplete = report.verdict.verdict === "INCOMPLETE" && !report.verdict.allowUntested;
  const root = doc.ele("testsuites", {
    name: `DTP conformance: ${report.target.baseUrl}`,
    tests: String(s.total + 1),
    failures: String(countFailures(report.results) + (incomplete ? 1 : 0)),
    errors: String(s.byStatus.ERROR),
    skipped: String(countSkipped(report.results)),
    time: seconds(report.durationMs),
    timestamp: report.startedAt,
  });
  const areas = [...new Set(report.results.map((r) => r.area))];
  for (const area of areas) {
    const results = report.results.filter((r) => r.area === area);
    const suite = root.ele("testsuite", {
      name: area,
      tests: String(results.length),
      failures: String(countFailures(results)),
      errors: String(results.filter((r) => r.status === "ERROR").length),
      skipped: String(countSkipped(results)),
      time: seconds(results.reduce((t, r) => t + r.durationMs, 0)),
      timestamp: report.startedAt,
    });
    const props = suite.ele("properties");
    props.ele("property", { name: "target", value: report.target.baseUrl }).up();
    props.ele("property", { name: "seed", value: String(report.options.seed) }).up();
    for (const note of runNotes(report)) props.ele("property", { name: "note", value: note }).up();
    for (const r of results) testcase(suite, r);
  }
  verdictSuite(root, report);
  return doc.end({ prettyPrint: true });
}

function verdictSuite(root: Node, report: RunReport): void {
  const v = report.verdict;
  const incomplete = v.verdict === "INCOMPLETE" && !v.allowUntested;
  const suite = root.ele("testsuite", {
    name: "verdict",
    tests: "1",
    failures: incomplete ? "1" : "0",
    errors: "0",
    skipped: "0",
    time: "0.000",
    timestamp: report.startedAt,
  });
  const tc = suite.ele("testcase", {
    name: "requirement coverage",
    classname: "verdict",
    time: "0.000",
  });
  const untested = report.coverage.requirements.filter(
    (r) => r.state === "untested" && r.level === "MUST" && !r.excused,
  );
  const text = [v.line, ...untested.map((r) => `untested ${r.id}: ${r.reason ?? ""}`)].join("\n");
  if (incomplete) {
    tc.ele("failure", { message: v.line, type: "incomplete" }).txt(text).up();
  } else {
    tc.ele("system-out").txt(text).up();
  }
  tc.up();
}

type Node = ReturnType<typeof create>;

function testcase(suite: Node, r: CheckResult): void {
  const tc = suite.ele("testcase", {
    name: `${r.id} ${r.title}`,
    classname: r.area,
    time: seconds(r.durationMs),
  });
  const details = detailText(r);
  if (r.stale) {
    tc.ele("failure", {
      message: `${r.id} is listed as an expected failure but passes: remove it from the list`,
      type: "stale-expected-failure",
    })
      .txt(details)
      .up();
  } else if ((r.status === "FAIL" || r.status === "BLOCKED") && r.expectedFailure !== undefined) {
    tc.ele("skipped", {
      message: `expected failure: ${r.expectedFailure} — ${r.message ?? ""}`,
    }).up();
  } else if (r.status === "BLOCKED") {
    tc.ele("skipped", { message: r.message ?? `blocked by ${r.blockedBy}` }).up();
  } else if (r.status === "FAIL") {
    tc.ele("failure", { message: r.message ?? "failed", type: r.requirement ?? r.id })
      .txt(details)
      .up();
  } else if (r.status === "ERROR") {
    tc.ele("error", { message: r.message ?? "error", type: "kit-error" })
      .txt(details)
      .up();
  } else if (r.status === "SKIP") {
    tc.ele("skipped", { message: r.message ?? "skipped" }).up();
  }
  const out: string[] = [];
  if (r.status === "WARN") out.push(`WARN (${r.level}): ${r.message ?? ""}`);
  if (details && r.status !== "FAIL" && r.status !== "ERROR") out.push(details);
  if (r.notes.length) out.push(`notes:\n${r.notes.map((n) => `  ${n}`).join("\n")}`);
  if (r.exchangeSummary?.length)
    out.push(`exchanges (summarized):\n${summaryLines(r.exchangeSummary).join("\n")}`);
  else if (r.exchanges.length) out.push(formatTranscript(r.exchanges, r.omittedExchanges ?? 0));
  if (out.length) tc.ele("system-out").txt(out.join("\n\n")).up();
  tc.up();
}

function detailText(r: CheckResult): string {
  const lines: string[] = [];
  const failures = r.failures ?? [];
  for (const [i, f] of failures.entries()) {
    if (failures.length > 1)
      lines.push(`— failing case ${i + 1} of ${failures.length}${f.case ? `: ${f.case}` : ""}`);
    else if (f.case) lines.push(`case: ${f.case}`);
    lines.push(
      f.kind === "blocked"
        ? `blocked by: ${f.requirement} (a setup step failed on it)`
        : `requirement: ${f.requirement} (${f.level}, ${r.specRef})`,
    );
    lines.push(`expected: ${f.expected}`);
    lines.push(`actual: ${f.actual}`);
    if (f.counterexample) lines.push(`counterexample: ${f.counterexample}`);
    if (f.seed !== undefined) lines.push(`seed: ${f.seed}${f.path ? ` path: ${f.path}` : ""}`);
    lines.push(`replay: ${f.replay}`);
  }
  if (!failures.length) {
    if (r.message !== undefined) lines.push(r.message);
    if (r.counterexample) lines.push(`counterexample: ${r.counterexample}`);
    if (r.replay) lines.push(`replay: ${r.replay}`);
  }
  return lines.join("\n");
}

function countFailures(results: readonly CheckResult[]): number {
  return results.filter((r) => r.stale || (r.status === "FAIL" && r.expectedFailure === undefined))
    .length;
}

function countSkipped(results: readonly CheckResult[]): number {
  return results.filter(
    (r) =>
      r.status === "SKIP" ||
      r.status === "BLOCKED" ||
      (r.status === "FAIL" && r.expectedFailure !== undefined),
  ).length;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
