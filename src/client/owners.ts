/**
 * Which requirement owns each step the client asserts. When a step does not succeed (a
 * registration is refused, an approved device code gives no tokens, a refresh fails), the
 * failure names the step's owner, never the check that happened to take the step: a check
 * that does not own it is then BLOCKED by the owner (one root cause), and only the check
 * that tests the step itself FAILs. Every asserting operation takes `requirement` to
 * override its owner (a check that tests the step passes its own requirement).
 */
export const OWNERS = {
  /** `POST /register` answers 200 with the device authorization response. */
  register: "DTP-REG-001",
  /** After an approval, the next poll of the device code returns tokens. */
  approve: "DTP-APR-004",
  /** After a denial, polls answer `access_denied`. */
  deny: "DTP-APR-005",
  /** A signed re-registration is approved at once and its first poll returns tokens. */
  signedReRegistration: "DTP-SIG-001",
  /** A successful token response is 200 JSON with `access_token` and `token_type`. */
  tokenResponse: "DTP-TOK-001",
  /** A refresh with a valid refresh token and the right client answers 200 with a new pair. */
  refresh: "DTP-REF-001",
  /** `POST /login` with a device token and the user's credentials answers 200 with tokens. */
  login: "DTP-LOGIN-001",
  /** `POST /personal-tokens` answers 201 with the created token. */
  personalToken: "DTP-PAT-001",
  /** `client_credentials` with a valid assertion answers 200 with a token response. */
  serviceToken: "DTP-SVC-001",
  /** `GET /me` with a valid token answers 200. */
  resource: "DTP-RES-001",
  /** `POST /revoke` of the client's own token answers 200. */
  revoke: "DTP-REV-001",
  /** Introspection of an active token answers 200 `{"active": true, …}`. */
  introspect: "DTP-REV-010",
  /** `GET /admin/registrations` answers 200 `{"registrations": [...]}`. */
  adminList: "DTP-APR-002",
  /** `GET /admin/devices/{client_id}` answers 200 with the device. */
  adminDevice: "DTP-APR-011",
  /** `DELETE /admin/devices/{client_id}` answers 204. */
  adminDelete: "DTP-APR-012",
  /** `GET jwks_uri` answers 200 with a JWK Set. */
  jwks: "DTP-DISC-014",
} as const;

/** A step the client asserts. */
export type Step = keyof typeof OWNERS;

/** The requirement a failure of `step` names: the caller's override, else the owner. */
export function ownerOf(step: Step, requirement?: string): string {
  return requirement ?? OWNERS[step];
}
