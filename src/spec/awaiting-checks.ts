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
