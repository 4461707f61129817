/**
 * Console output: a header (target, features, seed), one progress line per finished check,
 * then the details of every failure, warning and error (requirement, expected vs actual,
 * evidence, seed, replay command), a summary by area and by level, and the verdict.
 */
import pc from "picocolors";
import { formatDuration } from "../config/duration.ts";
import type { Area, Check, Level, Status } from "../runner/check.ts";
import { STATUSES } from "../runner/summary.ts";
import type { Target } from "../runner/target.ts";
import type { CheckResult, RunReport, StatusCounts } from "../runner/types.ts";
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
  finish(report: RunReport): void;
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
      const status = paint(r.status, r.status.padEnd(5));
      const extra =
        r.status === "SKIP" || r.status === "ERROR" || r.status === "WARN" || r.status === "FAIL"
          ? c.dim(` — ${oneLine((r.message ?? "").replace(`${r.id}: `, ""), 100)}`)
          : "";
      const expected = r.expectedFailure !== undefined ? c.dim(" (expected failure)") : "";
      const stale = r.stale ? c.red(" (stale expected failure)") : "";
      w(
        `${counter} ${status} ${r.id.padEnd(13)} ${r.title}${c.dim(` ${formatDuration(r.durationMs)}`)}${expected}${stale}${extra}`,
      );
    },
    finish(report) {
      const problems = report.results.filter(
        (r) => r.status === "FAIL" || r.status === "ERROR" || r.status === "WARN" || r.stale,
      );
      if (problems.length) {
        w();
        w(c.bold("Details"));
        for (const r of problems) details(r);
      }
      w();
      w(c.bold("Summary by area"));
      table(
        Object.entries(report.summary.byArea) as [Area, StatusCounts][],
        report.summary.byStatus,
      );
      w();
      w(c.bold("Summary by level"));
      table(
        (Object.entries(report.summary.byLevel) as [Level, StatusCounts][]).filter(([, counts]) =>
          STATUSES.some((s) => counts[s] > 0),
        ),
      );
      w();
      const s = report.summary;
      const parts = STATUSES.filter((st) => s.byStatus[st] > 0).map((st) =>
        paint(st, `${s.byStatus[st]} ${st}`),
      );
      if (s.expectedFailures) parts.push(`${s.expectedFailures} expected failures`);
      if (s.stale.length) parts.push(c.red(`${s.stale.length} stale expected failures`));
      for (const note of runNotes(report)) w(c.yellow(note));
      const verdict =
        report.exitCode === 0 ? c.green(c.bold("CONFORMANT")) : c.red(c.bold("NOT CONFORMANT"));
      w(
        `${verdict}  ${parts.join(", ")}  ${c.dim(`in ${formatDuration(report.durationMs)}, seed ${report.options.seed}, exit ${report.exitCode}`)}`,
      );
    },
  };

  function details(r: CheckResult): void {
    w();
    const tag = r.stale && r.status === "PASS" ? c.red(c.bold("STALE")) : paint(r.status, r.status);
    w(`${tag} ${c.bold(r.id)} ${c.dim(`(${r.level}, ${r.area})`)} ${r.title}`);
    const row = (k: string, v: string) => w(`    ${c.dim(k.padEnd(14))} ${v}`);
    if (r.stale) row("stale", "listed in expected failures but passes: remove it from the list");
    if (r.requirement) row("requirement", `${r.requirement} — ${r.specRef}`);
    if (r.expected !== undefined) row("expected", r.expected);
    if (r.actual !== undefined) row("actual", r.actual);
    if (r.expected === undefined && r.message) row("message", r.message);
    if (r.expectedFailure !== undefined) row("known", r.expectedFailure);
    const evidence = r.exchanges.filter((x) => r.evidence?.includes(x.index));
    const shown = evidence.length ? evidence : r.exchanges.slice(-2);
    for (const x of shown) row(evidence.length ? "evidence" : "last exchange", exchangeLine(x));
    if (r.counterexample) row("counterexample", oneLine(r.counterexample, 300));
    if (r.seed !== undefined) row("seed", `${r.seed}${r.path ? `  path ${r.path}` : ""}`);
    for (const n of r.notes) row("note", n);
    if (r.replay) row("replay", c.cyan(r.replay));
  }

  function table(rows: [string, StatusCounts][], totals?: StatusCounts): void {
    const head = `  ${"".padEnd(16)}${STATUSES.map((s) => s.padStart(7)).join("")}`;
    w(c.dim(head));
    const line = (name: string, counts: StatusCounts) =>
      w(
        `  ${name.padEnd(16)}${STATUSES.map((s) => {
          const n = String(counts[s]).padStart(7);
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
