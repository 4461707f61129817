/**
 * JUnit XML: one `<testsuite>` per area, one `<testcase>` per check (name = requirement ID
 * and title, classname = area), `<failure>` for FAIL, `<error>` for ERROR, `<skipped>` for
 * SKIP and for expected failures, the transcript in `<system-out>`. WARN results pass, with
 * the warning at the top of `<system-out>` (JUnit has no warning state).
 */
import { create } from "xmlbuilder2";
import type { CheckResult, RunReport } from "../runner/types.ts";
import { runNotes } from "./run-notes.ts";
import { formatTranscript } from "./transcript.ts";

export function renderJunit(report: RunReport): string {
  const s = report.summary;
  const doc = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" });
  const root = doc.ele("testsuites", {
    name: `DTP conformance: ${report.target.baseUrl}`,
    tests: String(s.total),
    failures: String(countFailures(report.results)),
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
  return doc.end({ prettyPrint: true });
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
  } else if (r.status === "FAIL" && r.expectedFailure !== undefined) {
    tc.ele("skipped", {
      message: `expected failure: ${r.expectedFailure} — ${r.message ?? ""}`,
    }).up();
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
  if (r.exchanges.length) out.push(formatTranscript(r.exchanges, r.omittedExchanges ?? 0));
  if (out.length) tc.ele("system-out").txt(out.join("\n\n")).up();
  tc.up();
}

function detailText(r: CheckResult): string {
  const lines: string[] = [];
  if (r.requirement) lines.push(`requirement: ${r.requirement} (${r.level}, ${r.specRef})`);
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`);
  if (r.actual !== undefined) lines.push(`actual: ${r.actual}`);
  if (r.message !== undefined && r.expected === undefined) lines.push(r.message);
  if (r.counterexample) lines.push(`counterexample: ${r.counterexample}`);
  if (r.seed !== undefined) lines.push(`seed: ${r.seed}${r.path ? ` path: ${r.path}` : ""}`);
  if (r.replay) lines.push(`replay: ${r.replay}`);
  return lines.join("\n");
}

function countFailures(results: readonly CheckResult[]): number {
  return results.filter((r) => r.stale || (r.status === "FAIL" && r.expectedFailure === undefined))
    .length;
}

function countSkipped(results: readonly CheckResult[]): number {
  return results.filter(
    (r) => r.status === "SKIP" || (r.status === "FAIL" && r.expectedFailure !== undefined),
  ).length;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
