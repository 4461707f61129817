/**
 * Client authentication with the vendor API key (RFC 6749 §2.3.1): HTTP Basic
 * (`client_secret_basic`, each part form-urlencoded) or `client_id` + `client_secret` in the
 * form (`client_secret_post`). Both at once is `invalid_request`. Keys are compared as
 * SHA-256 hashes, in constant time. Wrong keys are limited per `client_id` and source
 * (DTP-ERR-017, `limits.ts`).
 */
import { sha256b64url, timingSafeEqualStr } from "../../src/protocol/random.ts";
import type { App, RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { attemptOf, checkAttemptSync, refusedOAuth } from "../limits.ts";

export interface ClientAuth {
  clientId: string;
  method: "client_secret_basic" | "client_secret_post";
  /** The stored hash of the API key it used (pending registrations are capped per key). */
  apiKeyHash: string;
}

const BASIC_CHALLENGE = { "WWW-Authenticate": 'Basic realm="dtp"' };
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** The Basic credentials of the request, `null` when it has none, or throws when malformed. */
export function basicCredentials(ctx: RequestContext): { id: string; secret: string } | null {
  const header = ctx.headers.authorization;
  if (header === undefined || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1)
    throw new OAuthError("invalid_client", "malformed Basic credentials", 401, BASIC_CHALLENGE);
  try {
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError("invalid_client", "malformed Basic credentials", 401, BASIC_CHALLENGE);
  }
}

/** The stored hash of `secret` when it is one of the server's API keys. */
export function apiKeyHashOf(app: App, secret: string): string | undefined {
  const hash = sha256b64url(secret);
  let found: string | undefined;
  // Compare against every stored hash, without stopping early.
  for (const stored of app.store.secretHashes("api_key"))
    if (timingSafeEqualStr(stored, hash)) found = stored;
  return found;
}

/** 5. The key, under the failed-attempt limit of this client_id from this source. */
function checkKey(
  ctx: RequestContext,
  clientId: string,
  secret: string,
  challenge: boolean,
): string {
  const headers = challenge ? BASIC_CHALLENGE : {};
  return checkAttemptSync(
    ctx.app,
    attemptOf(ctx, "client_secret", clientId),
    () => apiKeyHashOf(ctx.app, secret),
    () => new OAuthError("invalid_client", "client authentication failed", 401, headers),
    refusedOAuth,
  );
}

/**
 * Authenticates the client with the API key.
 * 1. Two methods at once (Basic, `client_secret`, a client assertion) → `invalid_request`.
 * 2. Basic: `client_id` from the header (a different form `client_id` → `invalid_request`).
 * 3. Post: `client_id` and `client_secret` from the form.
 * 4. No credentials, or a wrong key → 401 `invalid_client`.
 * 5. Past the failed-attempt limit of this `client_id` from this source → 429.
 */
export function authenticateClient(ctx: RequestContext): ClientAuth {
  const basic = basicCredentials(ctx);
  const { client_id: formId, client_secret: formSecret } = ctx.form;
  const assertion =
    ctx.form.client_assertion !== undefined || ctx.form.client_assertion_type !== undefined;
  if ((basic || formSecret !== undefined) && assertion)
    throw new OAuthError(
      "invalid_request",
      "use one client authentication method, not the API key and an assertion",
    );
  if (basic && formSecret !== undefined)
    throw new OAuthError(
      "invalid_request",
      "use one client authentication method, not Basic and client_secret",
    );
  if (basic) {
    if (formId !== undefined && formId !== basic.id)
      throw new OAuthError("invalid_request", '"client_id" does not match the Basic user name');
    if (!CLIENT_ID.test(basic.id))
      throw new OAuthError("invalid_request", '"client_id" is invalid');
    const apiKeyHash = checkKey(ctx, basic.id, basic.secret, true);
    return { clientId: basic.id, method: "client_secret_basic", apiKeyHash };
  }
  if (formSecret !== undefined) {
    if (formId === undefined) throw new OAuthError("invalid_request", '"client_id" is required');
    if (!CLIENT_ID.test(formId)) throw new OAuthError("invalid_request", '"client_id" is invalid');
    const apiKeyHash = checkKey(ctx, formId, formSecret, false);
    return { clientId: formId, method: "client_secret_post", apiKeyHash };
  }
  throw new OAuthError("invalid_client", "client authentication is required", 401, BASIC_CHALLENGE);
}
