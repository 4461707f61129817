/** The resource suite's assertions: the problem body of a challenge, a SHOULD inside a MUST. */

import type { Level } from "../../src/check/check.ts";
import { expectProblem } from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";

/** DTP-RES-010: a 401/403 with a Bearer or DPoP challenge has a problem+json body. */
export function expectChallengeProblem(res: HttpResponse): void {
  expectProblem(res, [401, 403], "DTP-RES-010");
}

/**
 * Runs `fn`, turning its failure into one of `level` (SHOULD → WARN): for optional parts of
 * a check, asserted after the MUST parts so that a WARN never hides a FAIL.
 */
export async function atLevel(level: Level, fn: () => unknown | Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof CheckFailure)) throw err;
    throw new CheckFailure({
      requirement: err.requirement,
      expected: err.expected,
      actual: err.actual,
      evidence: err.evidence,
      level,
    });
  }
}
