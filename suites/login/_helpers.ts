/**
 * The login suite's assertion: a refused login issues no token.
 */
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";

/** Fails when a refused answer still carries a token (the requirement: "MUST NOT issue"). */
export function expectNoToken(res: HttpResponse, requirement: string, what: string): void {
  const body = res.body as Record<string, unknown> | undefined;
  if (
    body &&
    typeof body === "object" &&
    (body.access_token !== undefined || body.refresh_token !== undefined)
  ) {
    fail(requirement, `no token issued for ${what}`, "the answer carries a token", res);
  }
}
