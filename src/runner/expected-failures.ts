/**
 * The expected-failures file: a vendor's list of known failures, so that CI can gate on
 * "no new failures". Listed checks that FAIL or WARN do not fail the run; listed checks that
 * now PASS are stale and DO fail the run, so the list stays honest. An ERROR is never
 * excused (it means the kit could not judge).
 *
 * @example
 * { "failures": [{ "id": "DTP-REF-004", "reason": "family revocation lands in v2.3" }] }
 */
import { z } from "zod";
import { readTextFile } from "../config/read-file.ts";
import type { Check } from "./check.ts";
import { ConfigError } from "./failure.ts";
import { matches } from "./registry.ts";
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

/** Unknown ids (not in the registry at all) are a config error: a typo must not pass. */
export function validateExpectedFailures(
  list: readonly ExpectedFailure[],
  registry: readonly Check[],
): void {
  const unknown = list.filter((f) => !registry.some((c) => matches(c, f.id)));
  if (unknown.length) {
    throw new ConfigError(
      `expected failures name unknown checks: ${unknown.map((f) => f.id).join(", ")}`,
    );
  }
}

/** Marks one result in place (as it finishes, so progress lines can show it). */
export function markExpectedFailure(r: CheckResult, list: readonly ExpectedFailure[]): void {
  const entry = list.find((f) => f.id === r.id);
  if (!entry) return;
  if (r.status === "FAIL" || r.status === "WARN") {
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
