/**
 * What every report states about how the run reached the target, besides the results:
 * that TLS certificates were not verified (`--insecure`), and over which instances the
 * requests were spread (`--instance`). One line each; the console, HTML and JUnit reports
 * print them, the JSON report has `options.insecure` and `options.instances`.
 */
import escapeHtml from "escape-html";
import type { RunReport } from "../runner/types.ts";

export function runNotes(report: Pick<RunReport, "options">): string[] {
  const notes: string[] = [];
  if (report.options.insecure) {
    notes.push(
      "TLS certificates were not verified (--insecure): these results do not show that clients can trust the target's certificate",
    );
  }
  if (report.options.instances) {
    notes.push(
      `requests spread over ${report.options.instances.length} instances (${report.options.instances.join(", ")}), a replay always to another instance than the original; each exchange names the instance that answered`,
    );
  }
  return notes;
}

/** The notes as HTML paragraphs for the report's header (empty when there is none). */
export function runNotesHtml(report: Pick<RunReport, "options">): string {
  return runNotes(report)
    .map((n) => `  <p class="note"><strong>${escapeHtml(n)}</strong></p>\n`)
    .join("");
}
