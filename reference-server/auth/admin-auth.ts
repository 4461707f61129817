/**
 * The administrator credential: `Authorization: Bearer <admin key>` (security scheme
 * `adminBearer`), compared as a SHA-256 hash in constant time. Wrong keys are limited per
 * source (DTP-APR-014, `limits.ts`): past the limit a source is refused, even with the right
 * key, while the administrator elsewhere is not.
 */
import { sha256b64url, timingSafeEqualStr } from "../../src/protocol/random.ts";
import type { App, RequestContext } from "../context.ts";
import type { DtpServerError } from "../errors.ts";
import { ChallengeError } from "../errors.ts";
import { attemptOf, checkAttemptSync, refusedProblem } from "../limits.ts";

/** The bearer token of the request, if its scheme is Bearer. */
export function bearerToken(ctx: RequestContext): string | undefined {
  const header = ctx.headers.authorization;
  const m = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
  return m?.[1];
}

function isAdminKey(app: App, secret: string): boolean {
  const hash = sha256b64url(secret);
  let found = false;
  for (const stored of app.store.secretHashes("admin_key"))
    found = timingSafeEqualStr(stored, hash) || found;
  return found;
}

/**
 * Checks `token` as the admin key, under the limit of this source; returns a key
 * identifying the credential. `wrong` is the endpoint's error for a wrong key, `refused`
 * its 429.
 */
export function checkAdminKey(
  ctx: RequestContext,
  token: string,
  wrong: () => Error,
  refused: (seconds: number) => DtpServerError = refusedProblem,
): string {
  return checkAttemptSync(
    ctx.app,
    attemptOf(ctx, "admin_key"),
    () => (isAdminKey(ctx.app, token) ? sha256b64url(token) : undefined),
    wrong,
    refused,
  );
}

/**
 * Checks the admin credential; returns a key identifying it (for the user-code limit).
 * No credential → 401 challenge without `error`; a wrong one → 401 `invalid_token`; past
 * the failed-attempt limit of this source → 429.
 */
export function authenticateAdmin(ctx: RequestContext): string {
  const token = bearerToken(ctx);
  if (token === undefined)
    throw new ChallengeError("Bearer", undefined, "admin credential required");
  return checkAdminKey(
    ctx,
    token,
    () => new ChallengeError("Bearer", "invalid_token", "the admin credential is not valid"),
  );
}
