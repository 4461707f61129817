/**
 * The expected-failures file: a vendor's list of known failures, so that CI can gate on
 * "no new failures". Entries name checks (not requirements). Listed checks that FAIL, WARN or
 * are BLOCKED do not fail the run, nor do the checks a listed failure blocks; listed checks
 * that now PASS are stale and DO fail the run, so the list stays honest. An ERROR is never
 * excused (it means the kit could not judge).
 *
 * @example
 * { "failures": [{ "id": "DTP-REF-004", "reason": "family revocation lands in v2.3" }] }
 */
import { z } from "zod";
import type { Check } from "../check/check.ts";
import { ConfigError } from "../check/failure.ts";
import { readTextFile } from "../config/read-file.ts";
import { covers, matches } from "./registry.ts";
import type { CheckResult } from "./types.ts";

export const expectedFailuresSchema = z
  .strictObject({
    $schema: z.string().optional(),
    failures: z.array(
      z.strictObject({
        id: z
          .string()
          .regex(/^DTP-[A-Z]+-\d{3}$/)
          .describe("Check id"),
        reason: z.string().min(1).describe("Why it fails and when it will be fixed"),
      }),
    ),
  })
  .describe("DTP conformance kit: expected failures");

export interface ExpectedFailure {
  id: string;
  reason: string;
}

export async function loadExpectedFailures(path: string): Promise<ExpectedFailure[]> {
  const text = await readTextFile(path, "expected-failures file", (m) => new ConfigError(m));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `expected-failures file ${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
  const parsed = expectedFailuresSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: "${i.path.join(".")}": ${i.message}`);
  }
  return parsed.data.failures;
}

/**
 * Every entry must name a check: a typo must not pass, and a requirement id that is not a
 * check's id would suppress nothing (the error names the checks that cover it).
 */
export function validateExpectedFailures(
  list: readonly ExpectedFailure[],
  registry: readonly Check[],
): void {
  const problems: string[] = [];
  for (const f of list) {
    if (registry.some((c) => matches(c, f.id) && !f.id.includes("*"))) continue;
    const covering = registry.filter((c) => covers(c, f.id)).map((c) => c.meta.id);
    problems.push(
      covering.length
        ? `${f.id} is a requirement, not a check (list the check that fails: ${covering.join(", ")})`
        : `${f.id} is not a check`,
    );
  }
  if (problems.length) throw new ConfigError(`expected failures: ${problems.join("; ")}`);
}

/** Marks one result in place (as it finishes, so progress lines can show it). */
export function markExpectedFailure(r: CheckResult, list: readonly ExpectedFailure[]): void {
  const entry = list.find((f) => f.id === r.id);
  if (!entry) return;
  if (r.status === "FAIL" || r.status === "WARN" || r.status === "BLOCKED") {
    r.expectedFailure = entry.reason;
  } else if (r.status === "PASS") {
    r.stale = true;
    r.notes.push(
      `listed in expected failures ("${entry.reason}") but passes: remove it from the list`,
    );
  } else if (r.status === "SKIP") {
    r.notes.push(`listed in expected failures ("${entry.reason}") but was skipped`);
  }
}

/** Marks results in place; returns the ids of stale entries. */
export function applyExpectedFailures(
  results: CheckResult[],
  list: readonly ExpectedFailure[],
): string[] {
  for (const r of results) markExpectedFailure(r, list);
  return results.filter((r) => r.stale).map((r) => r.id);
}
