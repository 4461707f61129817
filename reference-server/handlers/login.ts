/**
 * `POST /login` — a user logs in through a trusted device (seeds 000/001): the device
 * access token is the credential, the form carries the user's credentials.
 */
import { authenticateClient, basicCredentials } from "../auth/client-auth.ts";
import { authenticateResource } from "../auth/resource-auth.ts";
import type { App, Handler, RequestContext } from "../context.ts";
import { dpopNonceHeader } from "../dpop/nonces.ts";
import { ChallengeError, OAuthError } from "../errors.ts";
import { secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { attemptOf, checkAttempt, refusedOAuth } from "../limits.ts";
import { createFamily, issueTokenPair } from "../tokens/issue.ts";

const USER_SCOPE = "me tokens";

export const login: Handler = async (ctx) => {
  const { app, form } = ctx;
  // 1. The caller: a device token with scope `login` (Bearer, or DPoP + proof), or —
  //    only under allow_untrusted_endpoints — the API key with HTTP Basic.
  const caller = await authenticateCaller(ctx);
  // 2. Validate the form against LoginRequest (username + password, or card_id).
  validateBody(ctx);
  // 3. One form of credentials only; card_id (a weak identifier) only with
  //    allow_unauthenticated_requests.
  if (form.card_id !== undefined && (form.username !== undefined || form.password !== undefined))
    throw new OAuthError("invalid_request", "send username + password or card_id, not both");
  if (form.card_id !== undefined && !app.options.policies.allowUnauthenticatedRequests)
    throw new OAuthError(
      "invalid_request",
      '"card_id" login is not allowed (allow_unauthenticated_requests is off)',
    );
  // 4. Find the user; wrong credentials → invalid_grant, past the failed-attempt limit of
  //    this user through this device from this source → 429 (DTP-LOGIN-013).
  const subject = form.card_id !== undefined ? ["card_id"] : ["user", form.username ?? ""];
  const user = await checkAttempt(
    app,
    attemptOf(ctx, "password", caller.clientId, ...subject),
    () => findUser(app, form),
    () => new OAuthError("invalid_grant", "the user credentials are not valid"),
    refusedOAuth,
  );
  // 5. Issue a user token pair through this device, bound to the device key if it has one.
  const family = createFamily(app, {
    clientId: caller.clientId,
    deviceUid: caller.deviceUid,
    sub: user,
    kind: "user",
    scope: USER_SCOPE,
    jkt: caller.jkt,
  });
  return secretJson(200, issueTokenPair(app, family, USER_SCOPE, null), dpopNonceHeader(app));
};

async function authenticateCaller(
  ctx: RequestContext,
): Promise<{ clientId: string; deviceUid: string | null; jkt: string | null }> {
  const { app } = ctx;
  if (app.options.policies.allowUntrustedEndpoints && basicCredentials(ctx)) {
    const client = authenticateClient(ctx);
    const device = app.store.device(client.clientId);
    return { clientId: client.clientId, deviceUid: device?.uid ?? null, jkt: device?.jkt ?? null };
  }
  const principal = await authenticateResource(ctx, "login");
  if (principal.kind !== "device")
    throw new ChallengeError("Bearer", "invalid_token", "a device access token is required");
  return { clientId: principal.clientId, deviceUid: principal.deviceUid, jkt: principal.jkt };
}

async function findUser(app: App, form: Record<string, string>): Promise<string | undefined> {
  if (form.card_id !== undefined) return app.users.byCardId(form.card_id);
  return app.users.byPassword(form.username ?? "", form.password ?? "");
}
