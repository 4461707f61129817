/**
 * `GET /.well-known/oauth-authorization-server` — RFC 8414 §3 metadata with the DTP
 * extensions; every lifetime and policy as configured.
 */
import type { components } from "../../src/generated/openapi.ts";
import { HTTP_SIGNATURE_ALGS } from "../../src/protocol/http-signature.ts";
import type { Handler } from "../context.ts";
import { DPOP_ALGS } from "../dpop/check.ts";
import { json } from "../http/reply.ts";

type ServerMetadata = components["schemas"]["ServerMetadata"];

export const CLIENT_TYPES = [
  "printer",
  "chrome_extension",
  "desktop_client",
  "mobile_device",
  "server",
] as const;
const CLIENT_AUTH = ["client_secret_basic", "client_secret_post"];

export const getMetadata: Handler = ({ app }) => {
  const { issuer, options } = app;
  const l = options.lifetimes;
  const body: ServerMetadata = {
    issuer,
    token_endpoint: `${issuer}/token`,
    device_authorization_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: [
      "urn:ietf:params:oauth:grant-type:device_code",
      "refresh_token",
      "client_credentials",
    ],
    response_types_supported: ["device_code"],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH, "private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: ["ES256"],
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH,
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
    scopes_supported: ["me", "login", "tokens", "service"],
    dtp_version: "2.0",
    dtp_login_endpoint: `${issuer}/login`,
    dtp_personal_tokens_endpoint: `${issuer}/personal-tokens`,
    dtp_resource_endpoint: `${issuer}/me`,
    dtp_admin_endpoint: `${issuer}/admin`,
    dtp_client_types_supported: [...CLIENT_TYPES],
    dtp_key_types_supported: ["rsa", "x509", "ed25519"],
    dtp_http_signature_algs_supported: [...HTTP_SIGNATURE_ALGS],
    dtp_policies: {
      allow_untrusted_endpoints: options.policies.allowUntrustedEndpoints,
      allow_unauthenticated_requests: options.policies.allowUnauthenticatedRequests,
    },
    dtp_lifetimes: {
      access_token: l.accessToken,
      refresh_token: l.refreshToken,
      device_code: l.deviceCode,
      interval: l.interval,
      personal_token_max: l.personalTokenMax,
      dpop_proof_max_age: l.dpopProofMaxAge,
      assertion_max_lifetime: l.assertionMaxLifetime,
      signature_max_age: l.signatureMaxAge,
    },
    dtp_refresh_token_reuse_grace_period: options.refreshReuseGrace,
    dtp_clock_skew: options.clockSkew,
    dtp_dpop_nonce_required: options.dpopNonceRequired,
    dtp_limits: {
      failed_attempts: { ...options.limits.failedAttempts },
      pending_registrations: options.limits.pendingRegistrations,
    },
  };
  return json(200, body);
};
