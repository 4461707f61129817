/**
 * Device code polling (RFC 8628 §3.4–3.5): `authorization_pending`, `slow_down` (interval
 * +5 s, enforced), `access_denied`, `expired_token` (remembered), `invalid_grant`; exactly
 * one redemption.
 */
import { sha256b64url } from "../../src/protocol/random.ts";
import { authenticateClient } from "../auth/client-auth.ts";
import type { RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { type Reply, secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { createFamily, issueTokenPair } from "../tokens/issue.ts";
import { requireDpop } from "./dpop.ts";

export async function deviceCodeGrant(ctx: RequestContext): Promise<Reply> {
  const { app, form } = ctx;
  // 1. Authenticate the client (the same client_id + API key as at registration).
  const client = authenticateClient(ctx);
  // 2. Validate the form against DeviceCodeGrantRequest.
  validateBody(ctx);
  // 3. The code must exist and belong to this client.
  const reg = app.store.registrationByDeviceCodeHash(sha256b64url(form.device_code ?? ""));
  if (!reg || reg.clientId !== client.clientId)
    throw new OAuthError("invalid_grant", "the device code is not valid for this client");
  // 4. A device that registered a key proves possession with a DPoP proof.
  const nonce = reg.jkt === null ? {} : await requireDpop(ctx, reg.jkt);
  // 5. Decided, redeemed, expired or still pending?
  const now = app.now();
  if (reg.redeemedAt !== null)
    throw new OAuthError("invalid_grant", "the device code was already used");
  if (reg.status === "denied")
    throw new OAuthError("access_denied", "the registration was denied", 400, nonce);
  if (reg.expiresAt <= now)
    throw new OAuthError("expired_token", "the device code has expired", 400, nonce);
  if (reg.status === "pending") {
    // 5a. Polling faster than the interval → slow_down; the interval grows by 5 s and stays.
    if (app.store.recordPoll(reg.id, app.nowMs()) === "slow_down")
      throw new OAuthError(
        "slow_down",
        `poll at most every ${reg.interval + 5} seconds`,
        400,
        nonce,
      );
    throw new OAuthError("authorization_pending", "the registration awaits approval", 400, nonce);
  }
  // 6. Approved: the device record must be this registration's (not replaced since).
  const device = app.store.device(reg.clientId);
  if (!device || device.registrationId !== reg.id)
    throw new OAuthError("invalid_grant", "the registration was superseded");
  // 7. Redeem atomically: exactly one request wins.
  if (!app.store.redeemRegistration(reg.id, now))
    throw new OAuthError("invalid_grant", "the device code was already used");
  // 8. Issue the device token pair (DPoP-bound when the device has a key).
  const family = createFamily(app, {
    clientId: device.clientId,
    deviceUid: device.uid,
    sub: device.clientId,
    kind: "device",
    scope: device.scope,
    jkt: device.jkt,
  });
  return secretJson(200, issueTokenPair(app, family, device.scope, null), nonce);
}
