/** The JSON report: the {@link RunReport} as is (schema: schemas/dtp-report.schema.json). */
import type { RunReport } from "../runner/types.ts";

export const REPORT_SCHEMA_URL = "https://dtp.dev/schemas/dtp-report.schema.json";

export function renderJson(report: RunReport): string {
  return `${JSON.stringify({ $schema: REPORT_SCHEMA_URL, ...report }, null, 2)}\n`;
}
