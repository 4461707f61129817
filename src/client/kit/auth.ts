/**
 * How the kit authenticates a client it acts as. DTP: every device authenticates with the
 * vendor's API key (HTTP Basic, DTP-REG-002's MUST; the form body when a check asks for
 * it). OAuth profile: the config's pre-registered `oauth.clients`, each with its own secret
 * and its registered `token_endpoint_auth_method`, which wins over what a check asks for (a
 * plain OAuth server may accept only the registered method).
 */
import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import type { Target } from "../../check/target.ts";
import type { OAuthClient as OAuthClientConfig } from "../../config/schema.ts";
import { type DeviceKey, deviceKeyFromKeyObjects } from "../../protocol/keys.ts";
import {
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
  none,
  privateKeyJwt,
} from "../auth.ts";

/** How a check would like a client to authenticate (the target may decide otherwise). */
export type AuthPreference = "basic" | "post";

/** The OAuth profile's pre-registered client with this client_id, if any. */
export function oauthClient(target: Target, clientId: string): OAuthClientConfig | undefined {
  if (target.profile !== "oauth") return undefined;
  return target.config.oauth?.clients.find((c) => c.clientId === clientId);
}

/**
 * The client authentication methods the target's token endpoint offers
 * (`token_endpoint_auth_methods_supported`; RFC 8414 §2: client_secret_basic when absent).
 */
export function offeredAuthMethods(metadata: Record<string, unknown>): string[] {
  const v = metadata.token_endpoint_auth_methods_supported;
  return Array.isArray(v)
    ? v.filter((m): m is string => typeof m === "string")
    : ["client_secret_basic"];
}

/** The endpoints whose client authentication methods RFC 8414 §2 lists in the metadata. */
export type AuthEndpoint = "token" | "revocation" | "introspection";

/**
 * The client authentication methods an endpoint offers: `<endpoint>_endpoint_auth_methods_supported`.
 * Omitted, RFC 8414 §2 makes the token and revocation endpoints' default client_secret_basic;
 * the introspection endpoint's is "determined by other means", which the kit takes to be the
 * token endpoint's methods (the client's registered method works wherever it authenticates).
 */
export function endpointAuthMethods(
  metadata: Record<string, unknown>,
  endpoint: AuthEndpoint,
): string[] {
  const v = metadata[`${endpoint}_endpoint_auth_methods_supported`];
  if (Array.isArray(v)) return v.filter((m): m is string => typeof m === "string");
  return endpoint === "introspection" ? offeredAuthMethods(metadata) : ["client_secret_basic"];
}

/**
 * The endpoints besides the token endpoint where the kit's clients must authenticate: those
 * the metadata names (`revocation_endpoint`, `introspection_endpoint`).
 */
export function otherAuthEndpoints(
  metadata: Record<string, unknown>,
): ("revocation" | "introspection")[] {
  return (["revocation", "introspection"] as const).filter(
    (e) => typeof metadata[`${e}_endpoint`] === "string",
  );
}

/**
 * True unless the endpoint's metadata lists its methods and `method` is not among them. The
 * kit's clients use their registered method everywhere (RFC 7591 §2). Where the list is
 * omitted the kit still tries its clients' method: RFC 8414 §2's default (client_secret_basic
 * at revocation) is what DTP-REV-063 exercises, but servers that omit the list (oidc-provider
 * among them) take every method their token endpoint takes, and a public client may revoke
 * its own tokens (RFC 7009 §2.1 validates credentials "in case of a confidential client").
 */
export function acceptsAt(
  metadata: Record<string, unknown>,
  method: string,
  endpoint: AuthEndpoint,
): boolean {
  const listed = metadata[`${endpoint}_endpoint_auth_methods_supported`];
  return !Array.isArray(listed) || listed.includes(method);
}

/**
 * The clients `ctx.clientId()` hands out under the OAuth profile, in turn: the configured
 * clients whose method the target offers: those with a secret (client_secret_basic, then
 * client_secret_post: they also exercise client authentication), or, when the target
 * offers none of those or none is configured, the public ones. Of these, the clients whose
 * method the revocation and introspection endpoints also offer, when there are any (a token
 * the kit cannot revoke or introspect as its own client would leave those checks untested).
 * private_key_jwt clients are the assertion issuers of client_credentials, not in the pool.
 */
export function oauthClientPool(target: Target): OAuthClientConfig[] {
  return usableOAuthClients(target.metadata, target.config.oauth?.clients ?? []);
}

/**
 * True when the kit's clients are public (OAuth profile, the target offers no secret client
 * or none is configured): a request with only a client_id is their authentication, so
 * "missing" or "wrong" client authentication cannot be provoked with them.
 */
export function onlyPublicClients(target: Target): boolean {
  const pool = oauthClientPool(target);
  return (
    target.profile === "oauth" && pool.length > 0 && pool.every((c) => c.authMethod === "none")
  );
}

/** See {@link oauthClientPool}. */
export function usableOAuthClients(
  metadata: Record<string, unknown>,
  clients: readonly OAuthClientConfig[],
): OAuthClientConfig[] {
  const offered = offeredAuthMethods(metadata);
  const of = (methods: readonly string[]) =>
    methods
      .filter((m) => offered.includes(m))
      .flatMap((m) => clients.filter((c) => c.authMethod === m));
  const secret = of(["client_secret_basic", "client_secret_post"]);
  const chosen = secret.length > 0 ? secret : of(["none"]);
  const everywhere = chosen.filter((c) =>
    otherAuthEndpoints(metadata).every((e) => acceptsAt(metadata, c.authMethod, e)),
  );
  return everywhere.length > 0 ? everywhere : chosen;
}

/**
 * Why the kit cannot act at `endpoint` as its clients (OAuth profile: none of the pool's
 * methods is in the endpoint's list), in words a vendor can act on; undefined when it can.
 */
export function endpointAuthGap(target: Target, endpoint: AuthEndpoint): string | undefined {
  if (target.profile !== "oauth") return undefined;
  const pool = oauthClientPool(target);
  if (pool.length === 0) return undefined;
  const m = target.metadata;
  if (pool.some((c) => acceptsAt(m, c.authMethod, endpoint))) return undefined;
  const member = `${endpoint}_endpoint_auth_methods_supported`;
  const offered = endpointAuthMethods(m, endpoint);
  const listed = `its ${member}: ${offered.join(", ") || "(empty)"}`;
  const used = pool.map((c) => `${c.clientId} (${c.authMethod})`).join(", ");
  return `OAuth profile: the kit's clients cannot authenticate at the ${endpoint} endpoint (${listed}; the clients the kit uses: ${used}): add a client registered with ${offered.join(" or ") || "a method the endpoint offers"} to "oauth": { "clients": … }`;
}

/**
 * The OAuth profile's public client (authMethod "none"), if configured: the counterpart of a
 * DTP device with a registered key, since RFC 9449 §5 binds the refresh tokens of public
 * clients (only) to their DPoP key.
 */
export function oauthPublicClient(target: Target): OAuthClientConfig | undefined {
  return target.config.oauth?.clients.find((c) => c.authMethod === "none");
}

/** The secret `clientId` authenticates with: the API key (DTP), or its configured secret. */
export function clientSecret(target: Target, clientId: string): string {
  return oauthClient(target, clientId)?.clientSecret ?? target.config.apiKey;
}

/**
 * How `clientId` authenticates to the target: the API key by Basic (or the form body when
 * `prefer` is "post"), or under the OAuth profile its registered method.
 */
export function clientAuthFor(
  target: Target,
  clientId: string,
  prefer: AuthPreference = "basic",
): ClientAuth {
  const registered = oauthClient(target, clientId);
  const method =
    registered?.authMethod ?? (prefer === "post" ? "client_secret_post" : "client_secret_basic");
  const secret = clientSecret(target, clientId);
  switch (method) {
    case "client_secret_post":
      return clientSecretPost(clientId, secret);
    case "none":
      return none(clientId);
    case "private_key_jwt": {
      const key = registered?.privateKey ? assertionKeyOf(registered).key : undefined;
      return key ? privateKeyJwt(clientId, key.privateKey) : none(clientId);
    }
    default:
      return clientSecretBasic(clientId, secret);
  }
}

/**
 * The OAuth profile's private_key_jwt client (RFC 7523 §2.2) with its key, or undefined
 * when none is configured: the counterpart of a DTP `server` device. The key must be EC
 * P-256 (assertions are ES256); another kind is a config error.
 */
export function oauthAssertionClient(
  target: Target,
  nth = 0,
): { clientId: string; key: DeviceKey } | undefined {
  const client = target.config.oauth?.clients.filter(
    (c) => c.authMethod === "private_key_jwt" && c.privateKey,
  )[nth];
  return client ? assertionKeyOf(client) : undefined;
}

/** A private_key_jwt client's EC P-256 key; another kind is a config error. */
function assertionKeyOf(client: OAuthClientConfig): { clientId: string; key: DeviceKey } {
  const text = (client.privateKey ?? "").trim();
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
