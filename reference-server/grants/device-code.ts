/**
 * Device code polling (RFC 8628 §3.4–3.5): `authorization_pending`, `slow_down` (interval
 * +5 s, enforced), `access_denied`, `expired_token` (remembered), `invalid_grant`; exactly
 * one redemption.
 */
import { sha256b64url } from "../../src/protocol/random.ts";
import { authenticateClient } from "../auth/client-auth.ts";
import { inTransaction, type RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { type Reply, secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { createFamily, issueTokenPair } from "../tokens/issue.ts";
import { dpopForToken } from "./dpop.ts";

export async function deviceCodeGrant(ctx: RequestContext): Promise<Reply> {
  const { app, form } = ctx;
  // 1. Authenticate the client (the same client_id + API key as at registration).
  const client = await authenticateClient(ctx);
  // 2. Validate the form against DeviceCodeGrantRequest.
  validateBody(ctx);
  // 3. The code must exist and belong to this client.
  const reg = await app.store.registrationByDeviceCodeHash(sha256b64url(form.device_code ?? ""));
  if (!reg || reg.clientId !== client.clientId)
    throw new OAuthError("invalid_grant", "the device code is not valid for this client");
  // 4. DPoP: required with the registered key; a keyless device may bind to its proof key.
  const dpop = await dpopForToken(ctx, reg.jkt);
  const fail = (
    code:
      | "access_denied"
      | "expired_token"
      | "slow_down"
      | "authorization_pending"
      | "invalid_grant",
    why: string,
  ) => new OAuthError(code, why, 400, dpop.headers);
  // 5. Redeemed, denied or expired codes (expired codes are remembered: never purged).
  const now = app.now();
  if (reg.redeemedAt !== null) throw fail("invalid_grant", "the device code was already used");
  if (reg.status === "denied") throw fail("access_denied", "the registration was denied");
  if (reg.expiresAt <= now) throw fail("expired_token", "the device code has expired");
  // 6. Polling faster than the interval (whatever the previous answer) → slow_down; the
  //    interval of this code grows by 5 s for every later poll.
  if ((await app.store.recordPoll(reg.id, app.nowMs())) === "slow_down")
    throw fail("slow_down", `poll at most every ${reg.interval + 5} seconds`);
  if (reg.status === "pending")
    throw fail("authorization_pending", "the registration awaits approval");
  // 7. Approved: the device record must be this registration's (not replaced since).
  const device = await app.store.device(reg.clientId);
  if (!device || device.registrationId !== reg.id)
    throw fail("invalid_grant", "the registration was superseded");
  // 8. Redeem atomically: exactly one request wins. 9. Issue the device token pair,
  //    DPoP-bound to the device key (or the proof key), in the same transaction.
  const pair = await inTransaction(app, async (tx) => {
    if (!(await tx.store.redeemRegistration(reg.id, now))) return undefined;
    const family = await createFamily(tx, {
      clientId: device.clientId,
      deviceUid: device.uid,
      sub: device.clientId,
      kind: "device",
      scope: device.scope,
      jkt: dpop.jkt,
    });
    return issueTokenPair(tx, family, device.scope, null);
  });
  if (!pair) throw fail("invalid_grant", "the device code was already used");
  return secretJson(200, pair, dpop.headers);
}
