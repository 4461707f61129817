/**
 * The administrator credential: `Authorization: Bearer <admin key>` (security scheme
 * `adminBearer`), compared as a SHA-256 hash in constant time.
 */
import { sha256b64url, timingSafeEqualStr } from "../../src/protocol/random.ts";
import type { App, RequestContext } from "../context.ts";
import { ChallengeError } from "../errors.ts";

/** The bearer token of the request, if its scheme is Bearer. */
export function bearerToken(ctx: RequestContext): string | undefined {
  const header = ctx.headers.authorization;
  const m = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
  return m?.[1];
}

export function isAdminKey(app: App, secret: string): boolean {
  const hash = sha256b64url(secret);
  let found = false;
  for (const stored of app.store.secretHashes("admin_key"))
    found = timingSafeEqualStr(stored, hash) || found;
  return found;
}

/**
 * Checks the admin credential; returns a key identifying it (for rate limiting).
 * No credential → 401 challenge without `error`; a wrong one → 401 `invalid_token`.
 */
export function authenticateAdmin(ctx: RequestContext): string {
  const token = bearerToken(ctx);
  if (token === undefined)
    throw new ChallengeError("Bearer", undefined, "admin credential required");
  if (!isAdminKey(ctx.app, token))
    throw new ChallengeError("Bearer", "invalid_token", "the admin credential is not valid");
  return sha256b64url(token);
}
