/**
 * Client authentication (RFC 6749 §2.3, RFC 7523 §2.2) as an object chosen per client: how
 * a request to the token, revocation, introspection or registration endpoint proves which
 * client sends it. One factory per method the server may advertise in
 * `token_endpoint_auth_methods_supported`, plus {@link anonymous} for negative tests.
 */
import type { KeyObject } from "node:crypto";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../protocol/assertion.ts";
import type { Server } from "./context.ts";
import { issuerOf } from "./metadata.ts";

export type ClientAuthMethod =
  | "none"
  | "client_secret_basic"
  | "client_secret_post"
  | "private_key_jwt";

/** A request's parts that client authentication may add to. */
export interface AuthTarget {
  headers: Record<string, string>;
  form: Record<string, string | undefined>;
}

export interface ClientAuth {
  /** The method (`"anonymous"`: nothing is sent, not even a client_id). */
  readonly method: ClientAuthMethod | "anonymous";
  readonly clientId: string;
  /** Adds the authentication to `req` (in place); `now` in seconds (assertion `iat`). */
  apply(req: AuthTarget, server: Server, now: number): void;
}

/**
 * `Authorization: Basic` with the client_id and the secret, each form-urlencoded before
 * base64 as RFC 6749 §2.3.1 requires (`encodeURIComponent`, space as `+`). `"whatwg"`
 * encodes with the WHATWG form serializer instead (`~` as `%7E`), which servers must
 * decode the same way.
 */
export function basicAuth(
  clientId: string,
  secret: string,
  encoding: "rfc6749" | "whatwg" = "rfc6749",
): string {
  const enc =
    encoding === "whatwg"
      ? (v: string) => new URLSearchParams({ v }).toString().slice(2)
      : (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString("base64")}`;
}

const nameClient = (req: AuthTarget, clientId: string) => {
  if (!("client_id" in req.form)) req.form.client_id = clientId;
};

/** A public client (RFC 6749 §2.1): no secret, the client_id in the form. */
export function none(clientId: string): ClientAuth {
  return { method: "none", clientId, apply: (req) => nameClient(req, clientId) };
}

/** No client authentication and no client_id at all (for negative tests). */
export function anonymous(clientId = ""): ClientAuth {
  return { method: "anonymous", clientId, apply: () => {} };
}

/**
 * HTTP Basic with the client secret (DTP: the vendor's API key), encoded as {@link basicAuth}
 * says (`encoding`: "whatwg" for the WHATWG form serializer).
 *
 * @example
 * const auth = clientSecretBasic("printer-42", process.env.DTP_API_KEY!);
 */
export function clientSecretBasic(
  clientId: string,
  secret: string,
  encoding: "rfc6749" | "whatwg" = "rfc6749",
): ClientAuth {
  return {
    method: "client_secret_basic",
    clientId,
    apply: (req) => {
      req.headers.authorization = basicAuth(clientId, secret, encoding);
    },
  };
}

/** `client_id` and `client_secret` in the form body. */
export function clientSecretPost(clientId: string, secret: string): ClientAuth {
  return {
    method: "client_secret_post",
    clientId,
    apply: (req) => {
      nameClient(req, clientId);
      req.form.client_secret = secret;
    },
  };
}

/**
 * A signed JWT assertion (RFC 7523 §2.2): ES256 by the client's EC P-256 key, `iss` = `sub`
 * = client_id, `aud` = the issuer, a fresh `jti`, valid 60 s.
 */
export function privateKeyJwt(clientId: string, privateKey: KeyObject): ClientAuth {
  return {
    method: "private_key_jwt",
    clientId,
    apply: (req, server, now) => {
      req.form.client_assertion_type = CLIENT_ASSERTION_TYPE;
      req.form.client_assertion = createClientAssertion({
        privateKey,
        clientId,
        audience: issuerOf(server),
        iat: now,
      });
    },
  };
}
