/**
 * The refresh suite's assertion: a refresh answered with a new pair.
 */

import type { CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  type DtpContext,
  readStepTokens,
  type TokenSet,
  withRefreshToken,
} from "../../src/client/index.ts";
import { oauthClient } from "../../src/client/kit/auth.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";

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

/**
 * Under the OAuth profile, RFC 9700 §4.14.2 requires refresh-token rotation only for public
 * clients without sender-constrained refresh tokens; a server may keep a confidential
 * client's refresh token. One refresh by the kit's (confidential) client shows which the
 * target does; a target that does not rotate there does not claim rotation (DTP requires it
 * of every client: DTP-REF-002 under the dtp profile).
 */
export async function requireRotationClaimed(ctx: CheckContext): Promise<void> {
  if (ctx.target.profile !== "oauth") return;
  const { device, tokens } = await approvedDevice(ctx, { label: "rotates" });
  if (oauthClient(ctx.target, device.clientId)?.authMethod === "none") return;
  const before = withRefreshToken(tokens.tokens).refreshToken;
  const res = await device.refresh(before);
  const after = (res.body as { refresh_token?: unknown } | undefined)?.refresh_token;
  if (res.status === 200 && (after === undefined || after === before)) {
    ctx.notClaimed(
      "the target keeps a confidential client's refresh token on refresh (no rotation); RFC 9700 §4.14.2 requires rotation only for public clients without sender-constrained refresh tokens",
    );
  }
}
