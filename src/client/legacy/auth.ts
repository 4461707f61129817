/**
 * Client authentication (RFC 6749 §2.3.1): HTTP Basic with the client_id and the secret,
 * each form-urlencoded before base64, as the RFC requires; or the secret in the form body.
 *
 * DTP: every device authenticates with the vendor's API key, by Basic unless a check asks
 * for the form body or nothing. OAuth profile: the client_ids are the config's
 * pre-registered `oauth.clients`, each with its own secret and its registered method
 * (`token_endpoint_auth_method`), which wins over the way a check asks for (a plain OAuth
 * server may accept only the registered method); asking for no authentication still sends none.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import type { Target } from "../../check/target.ts";
import type { OAuthClient } from "../../config/schema.ts";
import { type DeviceKey, deviceKeyFromKeyObjects } from "../../protocol/keys.ts";

export function basicAuth(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString("base64")}`;
}

/** A fresh device id for the kit's own registrations: prefix + 16 random hex chars. */
export function newClientId(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}${Buffer.from(rand).toString("hex")}`;
}

/** How a request authenticates its client: HTTP Basic, form body, or not at all. */
export type ClientAuth = "basic" | "post" | "none";

/** The OAuth profile's pre-registered client with this client_id, if any. */
export function oauthClient(target: Target, clientId: string): OAuthClient | undefined {
  if (target.profile !== "oauth") return undefined;
  return target.config.oauth?.clients.find((c) => c.clientId === clientId);
}

/**
 * The clients `ctx.clientId()` hands out under the OAuth profile, in turn: those with a
 * secret (client_secret_basic first, then client_secret_post).
 */
export function oauthClientPool(target: Target): OAuthClient[] {
  const clients = target.config.oauth?.clients ?? [];
  return [
    ...clients.filter((c) => c.authMethod === "client_secret_basic"),
    ...clients.filter((c) => c.authMethod === "client_secret_post"),
  ];
}

/**
 * The OAuth profile's public client (authMethod "none"), if configured: the counterpart of
 * a DTP device with a registered key, since RFC 9449 §5 binds the refresh tokens of public
 * clients (only) to their DPoP key.
 */
export function oauthPublicClient(target: Target): OAuthClient | undefined {
  return target.config.oauth?.clients.find((c) => c.authMethod === "none");
}

/** The secret `clientId` authenticates with: the API key (DTP), or its configured secret. */
export function clientSecret(target: Target, clientId: string): string {
  return oauthClient(target, clientId)?.clientSecret ?? target.config.apiKey;
}

/** The way `clientId` authenticates when a check asks for `requested` (see the file header). */
export function clientAuthMethod(
  target: Target,
  clientId: string,
  requested: ClientAuth | undefined,
): ClientAuth {
  if (target.profile !== "oauth" || requested === "none") return requested ?? "basic";
  switch (oauthClient(target, clientId)?.authMethod) {
    case "client_secret_post":
      return "post";
    case "none":
    case "private_key_jwt":
      return "none";
    default:
      return "basic";
  }
}

/**
 * Adds `clientId`'s authentication to a request's headers and form (in place), the way
 * {@link clientAuthMethod} says; without Basic, the form names the client_id.
 */
export function applyClientAuth(
  target: Target,
  clientId: string,
  headers: Record<string, string>,
  form: Record<string, string | undefined>,
  requested?: ClientAuth,
): void {
  const method = clientAuthMethod(target, clientId, requested);
  if (method === "basic") {
    headers.authorization = basicAuth(clientId, clientSecret(target, clientId));
    return;
  }
  // Identified in the form (RFC 6749 §2.3.1, §3.2.1), unless the check wants no client at all.
  if (requested !== "none" && !("client_id" in form)) form.client_id = clientId;
  if (method === "post") form.client_secret = clientSecret(target, clientId);
}

/**
 * The OAuth profile's private_key_jwt client (RFC 7523 §2.2) with its key, or undefined
 * when none is configured: the counterpart of a DTP `server` device. The key must be EC
 * P-256 (the kit signs assertions ES256); another kind is a config error.
 */
export function oauthAssertionClient(
  target: Target,
): { clientId: string; key: DeviceKey } | undefined {
  const client = target.config.oauth?.clients.find((c) => c.authMethod === "private_key_jwt");
  if (!client?.privateKey) return undefined;
  const text = client.privateKey.trim();
  const privateKey = text.startsWith("{")
    ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: "jwk" })
    : createPrivateKey(text);
  if (
    privateKey.asymmetricKeyType !== "ec" ||
    privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1"
  ) {
    throw new Error(
      `oauth.clients: the private_key_jwt client ${client.clientId} needs an EC P-256 key (ES256)`,
    );
  }
  return {
    clientId: client.clientId,
    key: deviceKeyFromKeyObjects("ec-p256", privateKey, createPublicKey(privateKey)),
  };
}
