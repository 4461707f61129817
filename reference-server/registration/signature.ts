/**
 * Signed re-registration (RFC 9421 + RFC 9530, seed 004): a device that registered a key
 * proves it holds it, and the registration is approved at once.
 */
import { verifyRequestSignature } from "../../src/protocol/http-signature.ts";
import { parseRegisteredKey } from "../../src/protocol/keys.ts";
import type { RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";

/** True when the request carries signature headers (so it is a signed re-registration). */
export function isSigned(ctx: RequestContext): boolean {
  return ctx.headers.signature !== undefined || ctx.headers["signature-input"] !== undefined;
}

const invalid = (reason: string) => new OAuthError("invalid_signature", reason, 401);

/**
 * 1. Find the approved device by `client_id`; it must have a registered key.
 * 2. Verify (src/protocol): covered components, created/expires window, alg, the
 *    Content-Digest recomputed over the received body, the signature with the stored key.
 * 3. `keyid` must be the device's `jkt`.
 * 4. Consume the nonce (single use, atomic) — only once the signature verified.
 * Any failure → 401 `invalid_signature`, nothing stored.
 */
export function verifySignedReRegistration(ctx: RequestContext, clientId: string): void {
  const { app } = ctx;
  const device = app.store.device(clientId);
  if (!device?.publicKey || !device.keyType || !device.jkt)
    throw invalid("no approved device with a registered key has this client_id");
  const key = parseRegisteredKey(device.publicKey, device.keyType);
  if (!key.ok) throw invalid("the registered key cannot be used");
  const now = app.now();
  const result = verifyRequestSignature({
    method: ctx.method,
    url: ctx.url.href,
    headers: ctx.headers,
    body: ctx.rawBody,
    key,
    now,
    maxAge: app.options.lifetimes.signatureMaxAge,
    skew: app.options.clockSkew,
  });
  if (!result.ok) throw invalid(result.reason);
  if (result.params.keyid !== device.jkt)
    throw invalid('"keyid" is not the key registered for this device');
  const nonce = result.params.nonce;
  if (nonce === undefined) throw invalid('"nonce" is missing');
  const keep =
    Math.max(result.params.expires, now + app.options.lifetimes.signatureMaxAge) +
    app.options.clockSkew;
  if (!app.store.consumeOnce("signature_nonce", `${device.jkt}:${nonce}`, keep))
    throw invalid('"nonce" was already used');
}
