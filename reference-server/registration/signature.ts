/**
 * Signed re-registration (RFC 9421 + RFC 9530, seed 004): a device that registered a key
 * proves it holds it, and the registration is approved at once.
 */

import { getHeader } from "../../src/protocol/headers.ts";
import { parseSignatureHeaders } from "../../src/protocol/http-signature.ts";
import { parseRegisteredKey } from "../../src/protocol/keys.ts";
import { parseDictionary } from "../../src/protocol/structured-fields.ts";
import { BASIC_CHALLENGE } from "../auth/client-auth.ts";
import type { RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import type { DeviceRecord } from "../store/types.ts";

/** True when the request carries signature headers (so it is a signed re-registration). */
export function isSigned(ctx: RequestContext): boolean {
  return ctx.headers.signature !== undefined || ctx.headers["signature-input"] !== undefined;
}

/** A 401 carries a challenge (RFC 9110 §15.5.2): the endpoint's client authentication. */
const invalid = (reason: string) =>
  new OAuthError("invalid_signature", reason, 401, BASIC_CHALLENGE);

const LABEL = "sig1";

/** DTP-SIG-006: the digest checked is SHA-256, whatever other members the field has. */
function hasSha256Digest(ctx: RequestContext): boolean {
  const value = getHeader(ctx.headers, "content-digest");
  if (value === undefined) return false;
  try {
    return parseDictionary(value).has("sha-256");
  } catch {
    return false;
  }
}

/**
 * 1. Find the approved device by `client_id`; it must have a registered key.
 * 2. A `sig1` signature with an `alg` parameter.
 * 3. Verify (src/protocol): covered components, created/expires window, alg, the
 *    Content-Digest recomputed over the received body, the signature with the stored key.
 * 4. `keyid` must be the device's `jkt`; a `public_key` in the form must be that same key.
 * 5. Consume the nonce (single use, atomic) — only once the signature verified.
 * Any failure → 401 `invalid_signature`, nothing stored. Returns the device, whose key
 * the re-registration keeps.
 */
export async function verifySignedReRegistration(
  ctx: RequestContext,
  clientId: string,
  formJkt: string | undefined,
): Promise<DeviceRecord> {
  const { app } = ctx;
  const device = await app.store.device(clientId);
  if (!device?.publicKey || !device.keyType || !device.jkt)
    throw invalid("no approved device with a registered key has this client_id");
  const key = parseRegisteredKey(device.publicKey, device.keyType);
  if (!key.ok) throw invalid("the registered key cannot be used");
  if (!hasSha256Digest(ctx)) throw invalid("Content-Digest must have a sha-256 member");
  const parsed = parseSignatureHeaders(ctx.headers, LABEL);
  if (!parsed.ok) throw invalid(parsed.reason);
  if (parsed.params.get("alg") === undefined) throw invalid('"alg" is missing');
  const now = app.now();
  const result = app.verifiers.requestSignature({
    label: LABEL,
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
  if (formJkt !== undefined && formJkt !== device.jkt)
    throw invalid('"public_key" is not the key registered for this device');
  const nonce = result.params.nonce;
  if (nonce === undefined) throw invalid('"nonce" is missing');
  const keep =
    Math.max(result.params.expires, now + app.options.lifetimes.signatureMaxAge) +
    app.options.clockSkew;
  if (!(await app.store.consumeOnce("signature_nonce", `${device.jkt}:${nonce}`, keep)))
    throw invalid('"nonce" was already used');
  return device;
}
