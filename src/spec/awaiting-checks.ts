/**
 * Observable MUST requirements added to the catalogue before their checks exist: the
 * coverage rule ("every observable MUST has a check", `src/spec/coverage.ts`) skips exactly
 * these, and reports an entry as stale once its requirement has a check (or is no longer an
 * observable MUST), so the list only ever shrinks. Each entry names the check that should
 * carry the requirement (an existing check ID, or "new check") and a broken-server fault that
 * check should catch. Emptying this list is the lead's job, one check at a time.
 */
export interface AwaitingCheck {
  /** The check that should carry the requirement: an existing check ID or "new check". */
  check: string;
  /** One line: a broken-server fault the check would catch. */
  fault: string;
}

export const AWAITING_CHECKS: Readonly<Record<string, AwaitingCheck>> = {
  "DTP-DISC-050": {
    check: "DTP-DISC-003",
    fault: "the metadata advertises token_endpoint https://host/token#frag",
  },
  "DTP-DISC-051": {
    check: "DTP-DISC-002",
    fault: "a DTP server whose issuer (and metadata URL base) ends with a slash",
  },
  "DTP-DISC-055": {
    check: "DTP-DISC-014",
    fault: "a DTP JWK Set served as application/jwk-set+json, or holding an RSA key",
  },
  "DTP-REG-050": {
    check: "new check",
    fault:
      "a device authorization request without scope is answered 400 invalid_request instead of a default scope or invalid_scope",
  },
  "DTP-REG-051": {
    check: "DTP-REG-001",
    fault: "a DTP registration response without verification_uri_complete",
  },
  "DTP-REG-052": {
    check: "new check",
    fault:
      "the device authorization endpoint accepts client_id/client_secret in the body only and answers invalid_client to HTTP Basic",
  },
  "DTP-DPOP-051": {
    check: "DTP-DPOP-008",
    fault: "a DTP server that compares htu byte for byte (rejects HTTPS://HOST:443/token)",
  },
  "DTP-DPOP-052": {
    check: "DTP-DPOP-003",
    fault: "a DTP server that accepts a proof older than dpop_proof_max_age plus skew",
  },
  "DTP-DPOP-053": {
    check: "DTP-DPOP-011",
    fault:
      "a DTP server that issues a Bearer token to a request carrying a valid proof of a device without a registered key",
  },
  "DTP-DPOP-054": {
    check: "DTP-DPOP-012",
    fault: "a DTP resource answering a bound token without a proof 400 invalid_request",
  },
  "DTP-DPOP-055": {
    check: "DTP-DPOP-013",
    fault:
      'a DTP resource answering a proof by another key error="invalid_dpop_proof" instead of invalid_token',
  },
  "DTP-SVC-050": {
    check: "DTP-SVC-004",
    fault: "a DTP server that accepts an RS256 client assertion",
  },
  "DTP-SVC-051": {
    check: "DTP-SVC-005",
    fault: "a DTP server that accepts an assertion whose iss differs from sub",
  },
  "DTP-SVC-052": {
    check: "DTP-SVC-006",
    fault: "a DTP server that accepts an assertion whose aud is the token endpoint URL",
  },
  "DTP-SVC-053": {
    check: "DTP-SVC-008",
    fault: "a DTP server that accepts an assertion without jti",
  },
  "DTP-POLL-050": {
    check: "DTP-POLL-005",
    fault: "a DTP server that answers the second poll after a denial invalid_grant",
  },
  "DTP-POLL-051": {
    check: "DTP-POLL-006",
    fault: "a DTP server that forgets expired device codes and answers invalid_grant later",
  },
  "DTP-POLL-052": {
    check: "DTP-POLL-009",
    fault: "a server that keeps answering authorization_pending after the user approved",
  },
  "DTP-POLL-053": {
    check: "DTP-POLL-008",
    fault: "a DTP server that deletes a device code when another client polls it",
  },
  "DTP-TOK-050": {
    check: "new check",
    fault: 'a token response that repeats a member ({"access_token":"a","access_token":"b"})',
  },
  "DTP-TOK-051": {
    check: "new check",
    fault:
      "a refresh narrowed to one scope answered without scope (or with the old scope) while introspection shows the narrower one",
  },
  "DTP-TOK-053": {
    check: "DTP-TOK-001",
    fault: "a DTP token response without scope, or without refresh_token for a device token",
  },
  "DTP-TOK-054": {
    check: "DTP-TOK-007",
    fault: "a DTP server issuing JWT refresh tokens",
  },
  "DTP-TOK-055": {
    check: "DTP-TOK-001",
    fault: "a DTP unbound access token carrying a cnf claim",
  },
  "DTP-EXP-050": {
    check: "DTP-EXP-005",
    fault: "a DTP server that accepts an assertion expired by more than dtp_clock_skew",
  },
  "DTP-REF-050": {
    check: "DTP-REF-006",
    fault: "a refresh without scope that returns an access token with a scope the grant never had",
  },
  "DTP-REF-051": {
    check: "DTP-REF-006",
    fault: "a DTP server that ignores a narrowing scope on refresh and issues the full scope",
  },
  "DTP-REF-052": {
    check: "DTP-REF-008",
    fault: "a refresh with a wrong client secret that burns the refresh token",
  },
  "DTP-REF-053": {
    check: "new check",
    fault: "a refresh with an unknown refresh token answered 400 invalid_request or 500",
  },
  "DTP-REF-054": {
    check: "new check",
    fault:
      "a server that neither rotates nor sender-constrains a public client's refresh tokens (the same token refreshes twice without a proof)",
  },
  "DTP-REV-050": {
    check: "DTP-REV-001",
    fault: 'a DTP revocation endpoint answering 200 {"revoked": true}',
  },
  "DTP-REV-051": {
    check: "DTP-REV-003",
    fault: "a DTP server answering 400 to a revocation of another client's token",
  },
  "DTP-REV-053": {
    check: "DTP-REV-001",
    fault: "a DTP server answering unsupported_token_type to an access-token revocation",
  },
  "DTP-REV-055": {
    check: "DTP-REV-001",
    fault: "a DTP server whose refresh-token revocation leaves the family's access tokens usable",
  },
  "DTP-REV-056": {
    check: "DTP-REV-003",
    fault: "a DTP introspection response without dtp_kind",
  },
  "DTP-REV-058": {
    check: "DTP-REV-002",
    fault: 'a DTP server answering {"active": false, "error": "expired"}',
  },
  "DTP-REV-059": {
    check: "DTP-REV-009",
    fault: "a DTP introspection endpoint that refuses the admin bearer",
  },
  "DTP-REV-060": {
    check: "new check",
    fault:
      "a rotated-away refresh token, or a family-revoked access token, still introspects active true",
  },
  "DTP-REV-061": {
    check: "DTP-REV-009",
    fault: "a DTP introspection endpoint answering token_type_hint=id_token with an error",
  },
  "DTP-REV-062": {
    check: "DTP-REV-009",
    fault:
      'an introspection endpoint that answers a call with an expired bearer token 200 {"active": false} instead of 401',
  },
  "DTP-RES-050": {
    check: "new check",
    fault:
      "a resource that accepts the token only in the query (access_token=) and answers 401 to Authorization: Bearer",
  },
  "DTP-RES-051": {
    check: "new check",
    fault: "a resource that answers 401 to 'Authorization: bearer <token>'",
  },
  "DTP-RES-053": {
    check: "DTP-RES-004",
    fault: 'a DTP resource whose challenge is Bearer realm="api"',
  },
  "DTP-RES-058": {
    check: "DTP-RES-005",
    fault: 'a DTP resource answering a revoked token 403 or error="invalid_request"',
  },
  "DTP-RES-059": {
    check: "DTP-RES-005",
    fault: "a DTP resource accepting a token whose aud is another URL (signature intact)",
  },
  "DTP-RES-060": {
    check: "DTP-RES-008",
    fault: "a resource that serves a token lacking the required scope",
  },
  "DTP-ERR-050": {
    check: "DTP-ERR-003",
    fault: "a DTP server answering 400 invalid_client to a client_secret_post failure",
  },
  "DTP-ERR-051": {
    check: "DTP-ERR-003",
    fault: 'a DTP Basic challenge with realm="oauth"',
  },
  "DTP-ERR-053": {
    check: "DTP-ERR-001",
    fault: "an error_description carrying a double quote, a backslash or a non-ASCII character",
  },
  "DTP-ERR-054": {
    check: "new check",
    fault:
      "a client not registered for the device grant gets invalid_grant (or tokens) instead of unauthorized_client",
  },
  "DTP-ERR-055": {
    check: "DTP-PAT-002",
    fault: "POST /personal-tokens with '{' as body answered 500",
  },
  "DTP-ERR-056": {
    check: "DTP-ERR-013",
    fault: "a revocation request with token_type_hint= (empty) answered invalid_request",
  },
};
