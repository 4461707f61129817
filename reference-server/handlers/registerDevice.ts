/**
 * `POST /register` — the device authorization endpoint (RFC 8628 §3.1–3.2), with DTP's
 * registration parameters and signed re-registration (RFC 9421).
 */
import type { components } from "../../src/generated/openapi.ts";
import { type KeyType, parseRegisteredKey } from "../../src/protocol/keys.ts";
import { authenticateClient } from "../auth/client-auth.ts";
import type { Handler } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { createRegistration, displayUserCode, installDevice } from "../registration/install.ts";
import { isSigned, verifySignedReRegistration } from "../registration/signature.ts";
import type { ClientType } from "../store/types.ts";

type DeviceAuthorizationResponse = components["schemas"]["DeviceAuthorizationResponse"];
const REGISTRATION_SCOPES = new Set(["me", "login"]);

export const registerDevice: Handler = (ctx) => {
  const { app, form } = ctx;
  // 1. Authenticate the client with the API key (Basic or client_secret, not both).
  const client = authenticateClient(ctx);
  // 2. response_type must be device_code; scope a subset of "me login".
  if (form.response_type !== undefined && form.response_type !== "device_code")
    throw new OAuthError("unsupported_response_type", '"response_type" must be device_code');
  if (form.scope?.split(" ").some((s) => s !== "" && !REGISTRATION_SCOPES.has(s)))
    throw new OAuthError("invalid_scope", '"scope" must be a subset of "me login"');
  // 3. Validate the form against RegistrationRequest (types, lengths, both-or-neither key).
  validateBody(ctx);
  // 4. Parse the key: its encoding must match key_type; its thumbprint is the jkt.
  let key: { keyType: KeyType; publicKey: string; jkt: string } | undefined;
  if (form.public_key !== undefined && form.key_type !== undefined) {
    const parsed = parseRegisteredKey(form.public_key, form.key_type);
    if (!parsed.ok) throw new OAuthError("invalid_request", parsed.reason);
    key = { keyType: parsed.keyType, publicKey: form.public_key, jkt: parsed.jkt };
  }
  // 5. A signed request is a re-registration: verify it before storing anything; it
  //    keeps the device's registered key.
  const signed = isSigned(ctx);
  if (signed) {
    const device = verifySignedReRegistration(ctx, client.clientId, key?.jkt);
    key = { keyType: device.keyType!, publicKey: device.publicKey!, jkt: device.jkt! };
  }
  // 6. Store the registration: pending (at most limits.pendingRegistrations per API key),
  //    or approved at once when the signature verified.
  const { record, deviceCode } = createRegistration(
    app,
    {
      clientId: client.clientId,
      clientType: form.client_type as ClientType,
      clientDescription: form.client_description ?? null,
      keyType: key?.keyType ?? null,
      publicKey: key?.publicKey ?? null,
      jkt: key?.jkt ?? null,
      scope: normaliseScope(form.scope ?? "me login"),
      apiKeyHash: client.apiKeyHash,
    },
    signed ? "approved" : "pending",
  );
  if (signed) installDevice(app, record);
  // 7. Answer the device authorization response (state echoed only when sent).
  const userCode = displayUserCode(record.userCode);
  const body: DeviceAuthorizationResponse = {
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: `${app.issuer}/device`,
    verification_uri_complete: `${app.issuer}/device?user_code=${userCode}`,
    expires_in: app.options.lifetimes.deviceCode,
    interval: record.interval,
    ...(form.state === undefined ? {} : { state: form.state }),
  };
  return secretJson(200, body);
};

/** Deduplicated, in a stable order. */
function normaliseScope(scope: string): string {
  return [...new Set(scope.split(" ").filter((s) => s !== ""))].join(" ");
}
