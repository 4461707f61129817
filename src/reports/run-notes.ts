/**
 * What every report states about how the run reached the target, besides the results:
 * today, that TLS certificates were not verified (`--insecure`). One line each; the
 * console, HTML and JUnit reports print them, the JSON report has `options.insecure`.
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
  return notes;
}

/** The notes as HTML paragraphs for the report's header (empty when there is none). */
export function runNotesHtml(report: Pick<RunReport, "options">): string {
  return runNotes(report)
    .map((n) => `  <p class="note"><strong>${escapeHtml(n)}</strong></p>\n`)
    .join("");
}
