/** Counting results by status, area and level. */
import type { Level, Status } from "../check/check.ts";
import type { CheckResult, RunSummary, StatusCounts } from "./types.ts";

export const STATUSES: readonly Status[] = ["PASS", "FAIL", "WARN", "BLOCKED", "SKIP", "ERROR"];

const zero = (): StatusCounts => ({ PASS: 0, FAIL: 0, WARN: 0, BLOCKED: 0, SKIP: 0, ERROR: 0 });

export function summarize(results: readonly CheckResult[]): RunSummary {
  const byStatus = zero();
  const byArea: RunSummary["byArea"] = {};
  const byLevel: Record<Level, StatusCounts> = { MUST: zero(), SHOULD: zero(), MAY: zero() };
  let expectedFailures = 0;
  const stale: string[] = [];
  for (const r of results) {
    byStatus[r.status]++;
    const area = byArea[r.area] ?? zero();
    area[r.status]++;
    byArea[r.area] = area;
    byLevel[r.level][r.status]++;
    if (r.expectedFailure !== undefined) expectedFailures++;
    if (r.stale) stale.push(r.id);
  }
  return { total: results.length, byStatus, byArea, byLevel, expectedFailures, stale };
}
