/**
 * The committed expectations of a target (undici's WPT `expectation.json` pattern): for each
 * check, the status it must have, with the reason for anything but PASS. CI runs the suite
 * against the reference server and diffs the results against
 * `suites/expectations/reference-server.json`.
 */
import type { Status } from "../check/check.ts";
import type { CheckResult } from "./types.ts";

export interface ExpectationsFile {
  /** What the file is about and how to update it. */
  description: string;
  /** Check id → "PASS", or the expected non-PASS status with the reason. */
  checks: Record<string, "PASS" | { status: Exclude<Status, "PASS">; reason: string }>;
}

/** One line per difference between `results` and `expected`; empty when they agree. */
export function diffExpectations(
  results: readonly CheckResult[],
  expected: ExpectationsFile,
): string[] {
  const diffs: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    seen.add(r.id);
    const want = expected.checks[r.id];
    const wantStatus = want === undefined ? undefined : want === "PASS" ? "PASS" : want.status;
    if (wantStatus === undefined) {
      diffs.push(
        `${r.id}: not in the expectations file (got ${r.status}${r.message ? `: ${r.message}` : ""})`,
      );
    } else if (wantStatus !== r.status) {
      diffs.push(
        `${r.id}: expected ${wantStatus}, got ${r.status}${r.message ? `: ${r.message}` : ""}`,
      );
    }
  }
  for (const id of Object.keys(expected.checks)) {
    if (!seen.has(id)) diffs.push(`${id}: in the expectations file but no such check ran`);
  }
  return diffs;
}

/** The expectations that `results` would produce (for `npm run expectations:update`). */
export function expectationsOf(
  results: readonly CheckResult[],
  description: string,
): ExpectationsFile {
  const checks: ExpectationsFile["checks"] = {};
  for (const r of [...results].sort((a, b) => a.id.localeCompare(b.id))) {
    checks[r.id] = r.status === "PASS" ? "PASS" : { status: r.status, reason: r.message ?? "" };
  }
  return { description, checks };
}
