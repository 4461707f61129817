/**
 * Service tokens (RFC 6749 §4.4 + RFC 7523 §2.2, seed 003): a `server` device with an EC
 * P-256 key authenticates with an ES256 JWT assertion (`aud` = the issuer, single-use `jti`).
 */
import { decodeJwsJson } from "../../src/protocol/jws.ts";
import { parseRegisteredKey } from "../../src/protocol/keys.ts";
import { authenticateClient, BASIC_CHALLENGE, basicCredentials } from "../auth/client-auth.ts";
import { inTransaction, type RequestContext } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { type Reply, secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { issueAccessToken, type TokenResponse } from "../tokens/issue.ts";
import { dpopForToken } from "./dpop.ts";

const SERVICE_SCOPES = new Set(["me", "service"]);
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export async function clientCredentialsGrant(ctx: RequestContext): Promise<Reply> {
  const { app, form } = ctx;
  const invalidClient = (reason: string) =>
    new OAuthError("invalid_client", reason, 401, BASIC_CHALLENGE);
  // 1. One authentication method: the assertion, not the API key as well. The API key alone
  //    authenticates a device as at every other grant (a wrong key: invalid_client), and a
  //    device so authenticated may not use this grant: unauthorized_client (DTP-ERR-054).
  const apiKey = basicCredentials(ctx) !== null || form.client_secret !== undefined;
  if (apiKey && form.client_assertion === undefined && form.client_assertion_type === undefined) {
    await authenticateClient(ctx);
    throw new OAuthError(
      "unauthorized_client",
      "client_credentials is for server devices that authenticate with a client assertion",
    );
  }
  if (apiKey)
    throw new OAuthError(
      "invalid_request",
      "use the client assertion only, not the API key as well",
    );
  // 2. Scope ⊆ "me service"; then the form against ClientCredentialsGrantRequest.
  if (form.scope?.split(" ").some((s) => !SERVICE_SCOPES.has(s)))
    throw new OAuthError("invalid_scope", '"scope" must be a subset of "me service"');
  // A malformed assertion (e.g. alg none with its empty signature) is a failed client
  // authentication, not a malformed request.
  if (form.client_assertion !== undefined && !COMPACT_JWS.test(form.client_assertion))
    throw invalidClient("client_assertion is not a signed compact JWS");
  validateBody(ctx);
  // 3. The client: `client_id` if sent, else the assertion's `iss`.
  const assertion = form.client_assertion ?? "";
  const claims = decodeJwsJson(assertion.split(".")[1] ?? "");
  const iss = claims?.iss;
  const clientId = form.client_id ?? (typeof iss === "string" ? iss : "");
  if (!CLIENT_ID.test(clientId)) throw invalidClient("the assertion does not name a client");
  // 4. It must be an approved `server` device with an EC P-256 key.
  const device = await app.store.device(clientId);
  const key =
    device?.publicKey && device.keyType
      ? parseRegisteredKey(device.publicKey, device.keyType)
      : undefined;
  if (device?.clientType !== "server" || !key?.ok || key.kind !== "ec-p256")
    throw invalidClient("the client is not an approved server device with an EC P-256 key");
  // 5. Verify the assertion (alg ES256, signature, iss = sub, aud = issuer, exp/iat window).
  const now = app.now();
  const { clockSkew: skew } = app.options;
  const verified = await app.verifiers.clientAssertion(assertion, {
    key,
    clientId,
    issuer: app.issuer,
    now,
    maxLifetime: app.options.lifetimes.assertionMaxLifetime,
    skew,
  });
  if (!verified.ok) throw invalidClient(verified.reason);
  // 5a. `aud` must be a single string (DTP-SVC-006), not even a one-element array.
  if (typeof claims?.aud !== "string")
    throw invalidClient('"aud" must be a single string: the issuer');
  // 5b. A DPoP proof, if sent, binds the token to its key (checked before the jti is spent,
  //     so a use_dpop_nonce retry can reuse the assertion).
  const dpop = await dpopForToken(ctx, null);
  // 6. `jti` single use (recorded atomically until the assertion expires), and 7. a
  //    service token (Bearer unless a DPoP proof was sent, no refresh token), in one
  //    transaction.
  const scope = [...new Set((form.scope ?? "me service").split(" "))].join(" ");
  const access = await inTransaction(app, async (tx) =>
    (await tx.store.consumeOnce(
      "assertion_jti",
      `${clientId}:${verified.jti}`,
      verified.exp + skew + 1,
    ))
      ? issueAccessToken(tx, {
          clientId,
          deviceUid: device.uid,
          sub: clientId,
          kind: "service",
          scope,
          jkt: dpop.jkt,
          familyId: null,
        })
      : undefined,
  );
  if (!access) throw invalidClient('the assertion "jti" was already used');
  const body: TokenResponse = {
    access_token: access.token,
    token_type: dpop.jkt === null ? "Bearer" : "DPoP",
    expires_in: access.expiresIn,
    scope,
  };
  return secretJson(200, body, dpop.headers);
}
