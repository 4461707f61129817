/**
 * The refresh suite's assertion: a refresh answered with a new pair.
 */

import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { type DtpContext, readStepTokens, type TokenSet } from "../../src/client/index.ts";

export type Pair = TokenSet & { refreshToken: string };

/**
 * Fails `requirement` unless `res` is a 200 token response (a malformed one: the token
 * response's owner) carrying a new refresh token (RFC 6749 §6, §5.1).
 */
export function expectRefreshed(ctx: DtpContext, res: HttpResponse, requirement: string): Pair {
  const tokens = readStepTokens(ctx, res, requirement, "a refresh");
  if (tokens.refreshToken === undefined) {
    fail(requirement, "a new refresh_token in the refresh response", "no refresh_token", res);
  }
  return { ...tokens, refreshToken: tokens.refreshToken };
}
