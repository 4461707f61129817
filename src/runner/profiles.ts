/**
 * Profiles: which checks a run applies.
 *
 * - `dtp` (default): every check; a check whose features the target lacks is SKIPPED.
 * - `oauth` (`dtp test --profile oauth`): the checks that hold for any standard OAuth
 *   server (RFC 8628 device grant and polling, RFC 6749 token responses and refresh,
 *   RFC 9700 rotation and reuse, RFC 7009 revocation, RFC 7662 introspection, RFC 9449
 *   DPoP, RFC 7523 client assertions, RFC 8414 metadata). The kit acts as a plain OAuth
 *   client with the config's pre-registered `oauth.clients` (no DTP registration fields,
 *   no admin API); the DTP extensions are SKIPPED with {@link DTP_EXTENSION}.
 *
 * The selection is explicit, one line per check ID, so that it can be reviewed: `oauth:
 * true` says the check applies to a plain OAuth server (what it asserts is RFC behaviour,
 * or its DTP-only parts are gated on the "dtp" feature, which the OAuth profile never
 * sets); `oauth: false` says why not. Within the profile, the target's metadata still
 * selects (a check needing a feature the target lacks is SKIPPED with the reason). A test
 * fails when a registered check is missing here.
 */
import type { CheckMeta } from "../check/check.ts";
import type { Feature, Profile } from "../check/target.ts";

/** The reason a check outside the OAuth profile is skipped with. */
export const DTP_EXTENSION = "DTP extension, not part of the OAuth profile";

export interface ProfileEntry {
  /** True: the check applies to any standard OAuth server. */
  oauth: boolean;
  /** What makes it OAuth (the RFC) or DTP-only (the extension), for reviewers and SKIP notes. */
  why: string;
  /**
   * Under the OAuth profile, the features the check needs instead of `meta.requires` (which
   * stays as DTP needs it): e.g. a client-assertion check needs a pre-registered
   * private_key_jwt client, not a DTP server device registered and approved.
   */
  requires?: Feature[];
}

const oauth = (why: string, requires?: Feature[]): ProfileEntry =>
  requires ? { oauth: true, why, requires } : { oauth: true, why };
const dtp = (why: string): ProfileEntry => ({ oauth: false, why });

export const OAUTH_PROFILE: Readonly<Record<string, ProfileEntry>> = {
  // discovery (RFC 8414)
  "DTP-DISC-001": oauth("RFC 8414 §3.1, §3.2: metadata served as JSON"),
  "DTP-DISC-002": oauth("RFC 8414 §3.3: issuer matches the metadata URL"),
  "DTP-DISC-003": oauth("RFC 8414 §2: https endpoint URLs (loopback http)"),
  "DTP-DISC-004": dtp("DTP requires every one of these endpoints"),
  "DTP-DISC-005": dtp("DTP's exact grant and response types"),
  "DTP-DISC-006": dtp("DTP's client authentication methods"),
  "DTP-DISC-007": dtp("DTP's DPoP algorithms"),
  "DTP-DISC-008": dtp("DTP scopes"),
  "DTP-DISC-009": dtp("dtp_version and DTP endpoints"),
  "DTP-DISC-010": dtp("dtp_* supported values"),
  "DTP-DISC-011": dtp("dtp_policies"),
  "DTP-DISC-012": dtp("dtp_policies"),
  "DTP-DISC-013": dtp("dtp_lifetimes and declared timings"),
  "DTP-DISC-014": dtp("DTP's access-token signing keys (ES256 JWT access tokens)"),
  "DTP-DISC-015": oauth("RFC 7517 §4, §5: no private key material in the JWK Set"),
  "DTP-DISC-052": oauth("RFC 8414 §2: issuer, response_types_supported, token_endpoint"),
  "DTP-DISC-053": oauth("RFC 8414 §2: signing algorithms of JWT client authentication"),
  "DTP-DISC-054": oauth("RFC 8414 §2: servers SHOULD support RS256 for JWT client authentication"),
  "DTP-DISC-056": oauth("RFC 8414 §3.2: members with zero elements omitted"),
  // registration = the RFC 8628 device authorization request; DTP adds client types,
  // device-chosen client_ids, keys and an approval API
  "DTP-REG-001": dtp("DTP registrations (device-chosen client_id, client_type, keys, state)"),
  "DTP-REG-002": dtp("device-chosen client_ids with reserved characters"),
  "DTP-REG-003": dtp("per-request choice of client authentication (OAuth fixes it per client)"),
  "DTP-REG-004": dtp("DTP client_id syntax and API-key authentication"),
  "DTP-REG-005": dtp("client_type"),
  "DTP-REG-006": dtp("response_type=device_code on registration"),
  "DTP-REG-007": dtp("client_description and state"),
  "DTP-REG-009": dtp("DTP scopes"),
  "DTP-REG-010": dtp("key registration"),
  "DTP-REG-011": dtp("key registration"),
  "DTP-REG-012": dtp("key registration"),
  "DTP-REG-013": dtp("key registration"),
  "DTP-REG-014": dtp("admin API"),
  "DTP-REG-022": dtp("re-registration"),
  "DTP-REG-024": dtp("DTP's verification page contract"),
  "DTP-REG-050": oauth(
    "RFC 6749 §3.3, RFC 8628 §3.1: no scope → the default scope or invalid_scope",
  ),
  "DTP-REG-052": oauth(
    "RFC 8628 §3.1, RFC 6749 §2.3.1: device authorization accepts each advertised client authentication",
  ),
  // approval: the DTP admin API
  "DTP-APR-001": dtp("admin API"),
  "DTP-APR-002": dtp("admin API"),
  "DTP-APR-004": dtp("admin API"),
  "DTP-APR-006": dtp("admin API"),
  "DTP-APR-007": dtp("admin API"),
  "DTP-APR-009": dtp("admin API"),
  "DTP-APR-010": dtp("admin API"),
  "DTP-APR-012": dtp("admin API"),
  // signing: HTTP message signatures are DTP; DPoP is RFC 9449; assertions RFC 7523
  "DTP-SIG-001": dtp("signed re-registration"),
  "DTP-SIG-002": dtp("signed re-registration"),
  "DTP-SIG-003": dtp("signed re-registration"),
  "DTP-SIG-004": dtp("signed re-registration"),
  "DTP-SIG-005": dtp("signed re-registration"),
  "DTP-SIG-006": dtp("signed re-registration"),
  "DTP-SIG-007": dtp("signed re-registration"),
  "DTP-SIG-010": dtp("signed re-registration"),
  "DTP-SIG-011": dtp("signed re-registration"),
  "DTP-SIG-013": dtp("signed re-registration"),
  "DTP-DPOP-001": dtp("a key registered with the device binds its token requests"),
  "DTP-DPOP-003": oauth("RFC 9449 §4.3: proof checks at the token endpoint"),
  "DTP-DPOP-008": oauth("RFC 9449 §4.3: htu compared after normalisation"),
  "DTP-DPOP-010": oauth("RFC 9449 §11.1: proof jti replay"),
  "DTP-DPOP-011": oauth("RFC 9449 §5, §6.1: token_type DPoP and cnf.jkt"),
  "DTP-DPOP-012": oauth("RFC 9449 §4.3, §7.1: proof checks at a resource"),
  "DTP-DPOP-013": oauth("RFC 9449 §7.1: proof key must be the token's cnf.jkt"),
  "DTP-DPOP-014": oauth("RFC 9449 §7.1, §7.2: token scheme mismatch"),
  "DTP-DPOP-017": dtp("dtp_dpop_nonce_required"),
  "DTP-DPOP-019": dtp("dtp_dpop_nonce_required"),
  "DTP-SVC-001": dtp("DTP service tokens (server devices, scopes, dtp_kind)"),
  "DTP-SVC-004": oauth(
    "RFC 7523 §3 item 9, RFC 8725 §3.1: assertions not signed by the client key",
    ["client_credentials"],
  ),
  "DTP-SVC-005": dtp("server devices (approved, EC P-256) as assertion issuers"),
  "DTP-SVC-006": dtp(
    "aud exactly the issuer (RFC 7523 §3 item 3 also allows the token endpoint URL)",
  ),
  "DTP-SVC-007": oauth("RFC 7523 §3 item 9: the assertion's signature must verify", [
    "client_credentials",
  ]),
  "DTP-SVC-008": dtp(
    "required jti and a maximum assertion lifetime (RFC 7523 §3 items 4, 7 leave them open)",
  ),
  "DTP-SVC-009": dtp("single-use jti (RFC 7523 §3 item 7: MAY)"),
  // polling (RFC 8628 §3.4, §3.5)
  "DTP-POLL-001": oauth("RFC 8628 §3.5: authorization_pending"),
  "DTP-POLL-002": dtp(
    "RFC 8628 §3.5 lets a server choose whether to answer slow_down; DTP makes it a MUST",
  ),
  "DTP-POLL-005": oauth("RFC 8628 §3.5: access_denied"),
  "DTP-POLL-006": oauth("RFC 8628 §3.5: expired_token"),
  "DTP-POLL-007": oauth("RFC 6749 §5.2: invalid_grant for an unknown code"),
  "DTP-POLL-008": oauth("RFC 6749 §5.2: another client's code, client authentication"),
  "DTP-POLL-009": oauth("RFC 6749 §5.2: a redeemed code is invalid_grant"),
  "DTP-POLL-010": oauth("RFC 8628 §3.5, RFC 6749 §10.5: one redemption"),
  // tokens
  "DTP-TOK-001": oauth("RFC 6749 §5.1: token response fields and caching"),
  "DTP-TOK-003": dtp("DTP's JWT access tokens"),
  "DTP-TOK-007": dtp("DTP's JWT access tokens"),
  "DTP-TOK-012": dtp("DTP lifetimes"),
  "DTP-TOK-050": oauth("RFC 6749 §3.2: no response parameter more than once"),
  "DTP-TOK-051": oauth("RFC 6749 §3.3, §5.1: scope is the access token's, present when it differs"),
  // login and personal tokens
  "DTP-LOGIN-001": dtp("user login through a device"),
  "DTP-LOGIN-004": dtp("user login through a device"),
  "DTP-LOGIN-006": dtp("login policies"),
  "DTP-LOGIN-008": dtp("login policies"),
  "DTP-LOGIN-009": dtp("user login through a device"),
  "DTP-LOGIN-010": dtp("user login through a device"),
  "DTP-LOGIN-011": dtp("login policies"),
  "DTP-LOGIN-012": dtp("login policies"),
  "DTP-PAT-001": dtp("personal tokens"),
  "DTP-PAT-002": dtp("personal tokens"),
  "DTP-PAT-010": dtp("personal tokens"),
  "DTP-PAT-013": dtp("personal tokens"),
  "DTP-PAT-014": dtp("personal tokens"),
  // expiry
  "DTP-EXP-001": oauth("RFC 6750 §3.1: an expired access token is invalid_token"),
  "DTP-EXP-002": dtp("personal tokens"),
  "DTP-EXP-003": dtp("dtp_lifetimes.refresh_token"),
  "DTP-EXP-004": oauth("RFC 8628 §3.5: an approved code still expires"),
  "DTP-EXP-005": dtp("DTP service tokens"),
  "DTP-EXP-006": dtp("dtp_clock_skew"),
  // refresh (RFC 6749 §6, RFC 9700 §4.14.2)
  "DTP-REF-001": dtp(
    "its model includes DTP's /me and introspection contract (token_kind, dtp_kind, own tokens only); the RFC parts are DTP-REF-002/011, DTP-REV-001/002",
  ),
  "DTP-REF-002": oauth("RFC 9700 §4.14.2: rotation and reuse detection"),
  "DTP-REF-005": dtp("dtp_refresh_token_reuse_grace_period"),
  "DTP-REF-006": oauth(
    "RFC 6749 §6: scope on refresh may only narrow, none means the grant (exactly the subset: DTP-REF-051, DTP targets)",
  ),
  "DTP-REF-008": oauth("RFC 6749 §6, §10.4: refresh tokens bound to their client"),
  "DTP-REF-010": dtp("refresh tokens of confidential clients bound to the device key"),
  "DTP-REF-011": oauth("RFC 9700 §4.14.2: one of N concurrent refreshes succeeds"),
  "DTP-REF-012": dtp("user tokens"),
  "DTP-REF-053": oauth(
    "RFC 6749 §5.2, §6: an unknown, malformed or revoked refresh token is invalid_grant",
  ),
  "DTP-REF-054": oauth(
    "RFC 9700 §4.14.2: a public client's refresh tokens sender-constrained or rotated with reuse detection",
  ),
  // revocation and introspection
  "DTP-REV-001": oauth("RFC 7009 §2.1, §2.2"),
  "DTP-REV-002": oauth("RFC 7009 §2.2, RFC 7662 §2.2"),
  "DTP-REV-003": oauth("RFC 7009 §2.1, RFC 7662 §2.1, §4"),
  "DTP-REV-007": oauth("RFC 7009 §2.2.1, RFC 7662 §2.3"),
  "DTP-REV-009": oauth("RFC 7662 §2.1: introspection needs authorization"),
  "DTP-REV-060": oauth("RFC 7662 §2.2, §4: introspection agrees with what a token can do"),
  "DTP-REV-063": oauth(
    "RFC 7009 §2.1, RFC 7662 §2.1, RFC 8414 §2: revocation and introspection accept each advertised client authentication",
  ),
  // resource
  "DTP-RES-001": dtp("the /me probe"),
  "DTP-RES-004": dtp('realm="dtp" and problem+json at the resource'),
  "DTP-RES-005": oauth("RFC 6750 §3.1: forged and revoked tokens are invalid_token"),
  "DTP-RES-008": dtp("DTP scopes"),
  "DTP-RES-054": oauth("RFC 6750 §3: the syntax of Bearer challenges"),
  "DTP-RES-011": dtp("RFC 6750 §2.2 allows the form-encoded body parameter; DTP forbids it"),
  "DTP-RES-050": oauth("RFC 6750 §2.1, RFC 9110 §11.1: the Bearer header, any letter case"),
  "DTP-RES-062": oauth("RFC 6750 §3.1: a token sent in two ways at once is invalid_request"),
  // errors
  "DTP-ERR-001": oauth("RFC 6749 §5.2: invalid_request"),
  "DTP-ERR-003": oauth("RFC 6749 §5.2: invalid_client"),
  "DTP-ERR-005": dtp("problem+json of the DTP JSON API"),
  "DTP-ERR-007": dtp("fuzzes every DTP operation"),
  "DTP-ERR-008": dtp("the DTP JSON API's media types"),
  "DTP-ERR-009": dtp("DTP's 64 KiB body limit"),
  "DTP-ERR-010": oauth("RFC 6749 §5.2: unsupported_grant_type"),
  "DTP-ERR-012": oauth("RFC 6749 §3.1, §3.2: repeated parameters"),
  "DTP-ERR-013": oauth("RFC 6749 §3.1, §3.2: empty and unknown parameters"),
  "DTP-ERR-015": dtp("DTP secrets (API key, signatures)"),
  "DTP-ERR-052": oauth(
    "RFC 6749 §4.4.2, §6; RFC 8628 §3.1; RFC 7009 §2.1; RFC 7662 §2.1: form-encoded bodies",
  ),
  "DTP-ERR-054": oauth("RFC 6749 §5.2: unauthorized_client"),
  "DTP-ERR-057": oauth("RFC 9110 §15.5.2; RFC 6749 §5.2: a challenge on every 401"),
};

/** The features `meta` needs under `profile` (the OAuth profile's override, if any). */
export function profileRequires(meta: CheckMeta, profile: Profile | undefined): Feature[] {
  if (profile === "oauth") {
    const over = OAUTH_PROFILE[meta.id]?.requires;
    if (over) return [...over];
  }
  return [...meta.requires];
}

/** Why a check does not run under `profile`, or undefined when it does. */
export function profileSkipReason(
  meta: CheckMeta,
  profile: Profile | undefined,
): string | undefined {
  if (profile !== "oauth") return undefined;
  const entry = OAUTH_PROFILE[meta.id];
  if (entry?.oauth) return undefined;
  return `${DTP_EXTENSION} (${entry?.why ?? "not listed in src/runner/profiles.ts"})`;
}
