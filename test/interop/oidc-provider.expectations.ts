/**
 * What the kit's OAuth profile finds on the oidc-provider peer (test/fixtures/oidc-provider),
 * check by check, and why. Asserted exactly by oidc-provider.test.ts (so a change on either
 * side is noticed) and rendered into docs/interop.md by write-interop-doc.ts.
 *
 * Every check the profile runs is a PASS unless listed here:
 * - {@link PEER_DEVIATIONS}: FAILs that are real deviations of the peer from an RFC: the
 *   failing requirement, the RFC section, what the peer does, and a pattern the result's
 *   message must match (a FAIL for another reason is a change too);
 * - {@link PEER_WARNINGS}: WARNs, real deviations of the peer from an RFC SHOULD (same shape);
 * - {@link PEER_SKIPS}: SKIPs other than the DTP extensions, with the reason.
 * Checks outside the profile are SKIPPED "DTP extension, not part of the OAuth profile"
 * (src/runner/profiles.ts).
 */

/** A fixed seed, so that the property checks draw the same cases on every run. */
export const INTEROP_SEED = 20261122;

export interface Deviation {
  /** The requirement the FAIL names (a check may verify several). */
  requirement: string;
  /** The RFC section the peer departs from. */
  rfc: string;
  /** What the peer does, in a sentence. */
  finding: string;
  /** The result's message must match this. */
  message: RegExp;
}

export const PEER_DEVIATIONS: Readonly<Record<string, Deviation>> = {
  "DTP-DPOP-003": {
    requirement: "DTP-DPOP-003",
    rfc: "RFC 9449 §4.3 (check 2: a well-formed JWT); RFC 7515 §2, §7.1 (base64url without padding)",
    finding:
      "a DPoP proof whose signature ends in base64 padding (`==`) is accepted at the token endpoint (the refresh succeeds): the proof is not a well-formed JWS compact serialization",
    message: /expected status 400 with error=invalid_dpop_proof; got status 200/,
  },
  "DTP-DPOP-012": {
    requirement: "DTP-DPOP-003",
    rfc: "RFC 9449 §4.3 (check 2), §7.1; RFC 7515 §2, §7.1",
    finding:
      "the same padded proof is accepted at the userinfo resource (200) with a DPoP-bound access token",
    message: /expected status 401; got status 200/,
  },
  "DTP-SVC-007": {
    requirement: "DTP-SVC-007",
    rfc: "RFC 7523 §3.2",
    finding:
      'a client assertion whose payload no longer decodes as JSON (one bit flipped) is answered 400 invalid_request ("invalid client_assertion format"); an invalid client JWT MUST be answered invalid_client',
    message: /expected status 401 with error=invalid_client; got status 400.*invalid_request/,
  },
  "DTP-TOK-001": {
    requirement: "DTP-TOK-002",
    rfc: "RFC 6749 §5.1",
    finding:
      'token responses carry "Cache-Control: no-store" but not "Pragma: no-cache", which RFC 6749 §5.1 also requires (RFC 9111 has since deprecated Pragma; the OAuth 2.1 draft drops it)',
    message: /Pragma: no-cache; got no pragma header/,
  },
  "DTP-REF-008": {
    requirement: "DTP-REF-009",
    rfc: "RFC 6749 §5.2",
    finding:
      'a refresh request with HTTP Basic carrying the client_id and an empty password is answered 400 invalid_request ("client_secret must be provided in the Authorization header"); a failed client authentication is invalid_client, and when the client used the Authorization header the answer MUST be 401',
    message: /invalid_client; got status 400.*invalid_request/,
  },
  "DTP-REV-009": {
    requirement: "DTP-REV-009",
    rfc: "RFC 7662 §2.1, §2.3; RFC 6749 §5.2",
    finding:
      'introspection without any client authentication (no Authorization header, no client_id) is answered 400 invalid_request ("no client authentication mechanism provided"); RFC 6749 §5.2 names exactly this case ("no client authentication included") under invalid_client',
    message: /invalid_client; got status 400.*no client authentication mechanism provided/,
  },
  "DTP-ERR-003": {
    requirement: "DTP-ERR-003",
    rfc: "RFC 6749 §5.2",
    finding:
      "the same at the token endpoint: a request without credentials or client_id gets 400 invalid_request, not invalid_client (as DTP-REV-009)",
    message:
      /invalid_client \(application\/json\); got status 400.*no client authentication mechanism provided/,
  },
  "DTP-REV-002": {
    requirement: "DTP-REV-002",
    rfc: "RFC 7009 §2.2",
    finding:
      'revoking a malformed token shaped like a JWT is answered 400 unsupported_token_type ("Structured JWT Tokens cannot be revoked"); an invalid token MUST be answered 200 (the peer issues only opaque tokens, so such a string is simply invalid)',
    message: /expected status 200; got status 400.*unsupported_token_type/,
  },
  "DTP-ERR-054": {
    requirement: "DTP-ERR-054",
    rfc: "RFC 6749 §5.2",
    finding:
      'a client_credentials request by a correctly authenticated client registered for the device and refresh grants only (client_secret_basic and client_secret_post alike) is answered 400 invalid_request ("requested grant type is not allowed for this client", lib/actions/token.js allowedGrantTypeCheck); RFC 6749 §5.2 names this case unauthorized_client ("The authenticated client is not authorized to use this authorization grant type")',
    message:
      /unauthorized_client \(application\/json\); got status 400 with error="invalid_request"/,
  },
  "DTP-ERR-057": {
    requirement: "DTP-ERR-057",
    rfc: "RFC 9110 §15.5.2 (RFC 6749 §5.2)",
    finding:
      "a client authentication that fails in the body (client_secret_post with a wrong secret, at the device authorization, token, revocation and introspection endpoints) or by a private_key_jwt assertion is answered 401 invalid_client without WWW-Authenticate: the peer adds its Basic challenge only when the request carried an Authorization header (lib/shared/client_auth.js, setWWWAuthenticateHeader); every 401 MUST carry a challenge",
    message: /no WWW-Authenticate header: status 401.*invalid_client/,
  },
};

/**
 * WARNs: the peer departs from an RFC SHOULD (the requirement is a SHOULD of the catalogue;
 * a WARN does not make the run NOT CONFORMANT). Same fields as {@link PEER_DEVIATIONS}.
 */
export const PEER_WARNINGS: Readonly<Record<string, Deviation>> = {};

export const PEER_SKIPS: Readonly<Record<string, { reason: string; message: RegExp }>> = {
  "DTP-RES-005": {
    reason:
      "the peer's access tokens are opaque: the forged-token cases (alg none, HS256 with the public key, changed claims) need a JWT (RFC 9068) to start from",
    message: /not JWTs/,
  },
};
