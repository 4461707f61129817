/** Report writers: `--report json=path,junit=path,html=path`. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UsageError } from "../check/failure.ts";
import type { RunReport } from "../runner/types.ts";
import { renderHtml } from "./html.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";

export { type ConsoleReporter, createConsoleReporter } from "./console.ts";
export { renderHtml } from "./html.ts";
export { renderJson } from "./json.ts";
export { renderJunit } from "./junit.ts";

export type ReportFormat = "json" | "junit" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["json", "junit", "html"];

export interface ReportTarget {
  format: ReportFormat;
  path: string;
}

/** Parses `json=out.json,junit=out.xml` (repeatable) into targets. */
export function parseReportSpec(specs: readonly string[]): ReportTarget[] {
  const out: ReportTarget[] = [];
  for (const spec of specs) {
    for (const part of spec.split(",")) {
      if (!part.trim()) continue;
      const eq = part.indexOf("=");
      const format = (eq < 0 ? part : part.slice(0, eq)).trim() as ReportFormat;
      const path = eq < 0 ? "" : part.slice(eq + 1).trim();
      if (!REPORT_FORMATS.includes(format)) {
        throw new UsageError(
          `--report: unknown format ${JSON.stringify(format)} (json, junit, html)`,
        );
      }
      if (!path)
        throw new UsageError(
          `--report: ${format} needs a path, e.g. ${format}=reports/dtp.${ext(format)}`,
        );
      out.push({ format, path });
    }
  }
  return out;
}

/** `--report-dir DIR`: the three reports under their default names. */
export function reportDirTargets(dir: string): ReportTarget[] {
  return [
    { format: "json", path: join(dir, "dtp-report.json") },
    { format: "junit", path: join(dir, "dtp-junit.xml") },
    { format: "html", path: join(dir, "dtp-report.html") },
  ];
}

function ext(f: ReportFormat): string {
  return f === "junit" ? "xml" : f;
}

export function renderReport(format: ReportFormat, report: RunReport): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report);
    case "html":
      return renderHtml(report);
  }
}

export async function writeReports(
  report: RunReport,
  targets: readonly ReportTarget[],
): Promise<void> {
  for (const t of targets) {
    await mkdir(dirname(t.path), { recursive: true });
    await writeFile(t.path, renderReport(t.format, report));
  }
}
