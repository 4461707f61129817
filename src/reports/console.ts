/**
 * Console output: a header (target, features, seed), one progress line per finished check,
 * then the details of every failure (each failing case: requirement, expected vs actual,
 * evidence, counterexample, curl script, replay command), the root causes with the checks
 * they blocked, the requirement coverage (untested ones with what would enable each, not
 * claimed ones by reason), a summary by area, and the verdict.
 */
import pc from "picocolors";
import type { Area, Check, Level, Status } from "../check/check.ts";
import type { Target } from "../check/target.ts";
import { formatDuration } from "../config/duration.ts";
import { STATUSES } from "../runner/summary.ts";
import type { CheckResult, FailureRecord, RunReport, StatusCounts } from "../runner/types.ts";
import { runNotes } from "./run-notes.ts";
import { exchangeLine } from "./transcript.ts";

export interface ConsoleOptions {
  write: (text: string) => void;
  /** ANSI colours (default: picocolors' detection of the terminal and NO_COLOR/FORCE_COLOR). */
  color?: boolean;
}

export interface ConsoleReporter {
  start(info: {
    target: Target;
    checks: readonly Check[];
    seed: number;
    runs: number;
    maxWaitMs: number;
    timeoutMs: number;
  }): void;
  result(r: CheckResult): void;
  /** `scripts`: where each failure's curl script was written. */
  finish(report: RunReport, scripts?: ReadonlyMap<FailureRecord, string>): void;
}

type Colors = ReturnType<typeof pc.createColors>;

export function createConsoleReporter(opts: ConsoleOptions): ConsoleReporter {
  const c: Colors = pc.createColors(opts.color ?? pc.isColorSupported);
  const w = (line = "") => opts.write(`${line}\n`);
  let total = 0;
  let done = 0;
  const paint = (s: Status, text: string = s): string => {
    switch (s) {
      case "PASS":
        return c.green(text);
      case "FAIL":
        return c.red(c.bold(text));
      case "WARN":
        return c.yellow(text);
      case "BLOCKED":
        return c.yellow(c.bold(text));
      case "SKIP":
        return c.dim(text);
      case "ERROR":
        return c.magenta(c.bold(text));
    }
  };

  return {
    start(info) {
      total = info.checks.length;
      w(c.bold("DTP conformance kit"));
      w(
        `${label("target")}${info.target.baseUrl}${info.target.embedded ? c.dim(" (embedded reference server)") : ""}`,
      );
      w(`${label("features")}${[...info.target.features].sort().join(", ") || c.dim("none")}`);
      w(
        `${label("seed")}${info.seed} ${c.dim(`(runs ${info.runs}, max-wait ${formatDuration(info.maxWaitMs)}, timeout ${formatDuration(info.timeoutMs)})`)}`,
      );
      w(`${label("checks")}${total}`);
      w();
    },
    result(r) {
      done++;
      const width = String(total).length;
      const counter = c.dim(`[${String(done).padStart(width)}/${total}]`);
      const status = paint(r.status, r.status.padEnd(7));
      const extra =
        r.status !== "PASS"
          ? c.dim(` — ${oneLine((r.message ?? "").replace(`${r.id}: `, ""), 100)}`)
          : "";
      const expected = r.expectedFailure !== undefined ? c.dim(" (expected failure)") : "";
      const stale = r.stale ? c.red(" (stale expected failure)") : "";
      w(
        `${counter} ${status} ${r.id.padEnd(13)} ${r.title}${c.dim(` ${formatDuration(r.durationMs)}`)}${expected}${stale}${extra}`,
      );
    },
    finish(report, scripts) {
      const problems = report.results.filter(
        (r) => r.status === "FAIL" || r.status === "ERROR" || r.status === "WARN" || r.stale,
      );
      if (problems.length) {
        w();
        w(c.bold("Details"));
        for (const r of problems) details(r, scripts);
      }
      const causes = report.verdict.rootCauses;
      if (causes.length) {
        w();
        w(c.bold(`Root causes (${causes.length})`));
        for (const rc of causes) {
          const tag = rc.expected ? c.dim(" (expected failure)") : "";
          w(`  ${c.bold(rc.requirement)} ${c.dim(`(${rc.level})`)}${tag}`);
          if (rc.failedChecks.length) w(`      failed   ${rc.failedChecks.join(", ")}`);
          if (rc.blockedChecks.length) w(`      blocked  ${rc.blockedChecks.join(", ")}`);
        }
      }
      coverage(report);
      w();
      w(c.bold("Summary by area"));
      table(
        Object.entries(report.summary.byArea) as [Area, StatusCounts][],
        report.summary.byStatus,
      );
      w();
      for (const note of runNotes(report)) w(c.yellow(note));
      const v = report.verdict;
      const word =
        v.verdict === "CONFORMANT"
          ? c.green(c.bold(v.verdict))
          : v.verdict === "INCOMPLETE"
            ? c.yellow(c.bold(v.verdict))
            : c.red(c.bold(v.verdict));
      w(
        `${word}${v.line.slice(v.verdict.length)}  ${c.dim(`in ${formatDuration(report.durationMs)}, seed ${report.options.seed}, exit ${report.exitCode}`)}`,
      );
    },
  };

  function coverage(report: RunReport): void {
    const cov = report.coverage;
    w();
    w(c.bold(`Requirements in scope (${cov.scope})`));
    const head = `  ${"".padEnd(8)}${["passed", "failed", "not claimed", "untested"].map((s) => s.padStart(13)).join("")}`;
    w(c.dim(head));
    for (const level of ["MUST", "SHOULD", "MAY"] as Level[]) {
      const n = cov.counts[level];
      const cells = [n.passed, n.failed, n["not-claimed"], n.untested];
      if (cells.every((x) => x === 0)) continue;
      w(`  ${level.padEnd(8)}${cells.map((x) => String(x).padStart(13)).join("")}`);
    }
    const out = cov.outOfScope;
    w(
      c.dim(
        `  ${cov.mustInScope} of ${cov.mustTotal} MUST requirements in scope; not judged: ${out.notSelected} not selected, ${out.outOfProfile} outside the profile, ${out.unobservable} not observable over HTTP`,
      ),
    );
    const grouped = (title: string, rows: typeof cov.requirements) => {
      if (!rows.length) return;
      w();
      w(c.bold(`${title} (${rows.length})`));
      const byReason = new Map<string, string[]>();
      for (const r of rows) {
        const why = `${r.excused ? "(blocked by an expected failure) " : ""}${oneLine(r.reason ?? "", 200)}`;
        byReason.set(why, [...(byReason.get(why) ?? []), r.id]);
      }
      for (const [why, ids] of byReason) {
        w(`  ${why}`);
        w(`    ${c.dim(ids.join(", "))}`);
      }
    };
    grouped(
      "Untested MUST requirements, by what would enable them",
      cov.requirements.filter((r) => r.state === "untested" && r.level === "MUST"),
    );
    grouped(
      "Not claimed by the target",
      cov.requirements.filter((r) => r.state === "not-claimed"),
    );
  }

  function details(r: CheckResult, scripts?: ReadonlyMap<FailureRecord, string>): void {
    w();
    const tag = r.stale && r.status === "PASS" ? c.red(c.bold("STALE")) : paint(r.status, r.status);
    w(`${tag} ${c.bold(r.id)} ${c.dim(`(${r.level}, ${r.area})`)} ${r.title}`);
    const row = (k: string, v: string) => w(`    ${c.dim(k.padEnd(14))} ${v}`);
    if (r.stale) row("stale", "listed in expected failures but passes: remove it from the list");
    if (r.expectedFailure !== undefined) row("known", r.expectedFailure);
    const failures = r.failures ?? [];
    if (failures.length === 0 && r.message) row("message", r.message);
    for (const [i, f] of failures.entries()) {
      if (failures.length > 1)
        w(`  ${c.bold(`case ${i + 1} of ${failures.length}`)}${f.case ? ` ${c.dim(f.case)}` : ""}`);
      else if (f.case) row("case", f.case);
      row(
        f.kind === "blocked" ? "blocked by" : "requirement",
        `${f.requirement}${f.kind === "fail" ? ` — ${r.specRef}` : " (a setup step failed on it)"}`,
      );
      row("expected", f.expected);
      row("actual", f.actual);
      const evidence = r.exchanges.filter((x) => f.evidence.includes(x.index));
      for (const x of evidence) row("evidence", exchangeLine(x));
      if (f.counterexample) row("counterexample", oneLine(f.counterexample, 300));
      if (f.seed !== undefined) row("seed", `${f.seed}${f.path ? `  path ${f.path}` : ""}`);
      const script = scripts?.get(f);
      if (script) row("curl", script);
      row("replay", c.cyan(f.replay));
    }
    if (failures.length === 0 && r.exchanges.length) {
      for (const x of r.exchanges.slice(-2)) row("last exchange", exchangeLine(x));
    }
    if (r.status === "ERROR" && r.replay) row("replay", c.cyan(r.replay));
    for (const n of r.notes) row("note", n);
  }

  function table(rows: [string, StatusCounts][], totals?: StatusCounts): void {
    const head = `  ${"".padEnd(16)}${STATUSES.map((s) => s.padStart(8)).join("")}`;
    w(c.dim(head));
    const line = (name: string, counts: StatusCounts) =>
      w(
        `  ${name.padEnd(16)}${STATUSES.map((s) => {
          const n = String(counts[s]).padStart(8);
          return counts[s] > 0 ? paint(s, n) : c.dim(n);
        }).join("")}`,
      );
    for (const [name, counts] of rows) line(name, counts);
    if (totals) line("total", totals);
  }
}

function label(s: string): string {
  return `${s.padEnd(10)}`;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
