/**
 * The kit's OAuth profile against more independent servers than oidc-provider's base
 * configuration: better-auth (public clients, a JSON-only token endpoint) and oidc-provider
 * variants that real deployments use (public clients only, no DPoP, no refresh rotation).
 * For each: the exact FAILs (each a real deviation of the peer, with the RFC section and what
 * the peer does), the BLOCKED checks with their root cause, and the verdict. Everything else
 * PASSes or SKIPs with a reason. Asserted by peers.test.ts, listed in docs/interop.md.
 */
import type { TargetConfigFile } from "../../src/config/schema.ts";
import { startBetterAuthPeer } from "../fixtures/better-auth/server.ts";
import { type OidcPeerVariant, startOidcPeer } from "../fixtures/oidc-provider/server.ts";
import { type Deviation, PEER_DEVIATIONS } from "./oidc-provider.expectations.ts";

export interface PeerRun {
  name: string;
  /** What it is, one line for the doc. */
  what: string;
  start(): Promise<{ url: string; config: TargetConfigFile; close(): Promise<void> }>;
  /** FAILs: check → deviation (the failing requirement, the RFC, what the peer does). */
  deviations: Readonly<Record<string, Deviation>>;
  /** WARNs: check → deviation from an RFC SHOULD (the requirement is a SHOULD). */
  warnings: Readonly<Record<string, Deviation>>;
  /** BLOCKED checks → the requirement (root cause) that blocked them. */
  blocked: Readonly<Record<string, string>>;
  /** The verdict line starts with this. */
  verdict: string;
}

/** oidc-provider's base deviations that a variant shows as well. */
const same = (...ids: string[]): Record<string, Deviation> =>
  Object.fromEntries(ids.map((id) => [id, PEER_DEVIATIONS[id]!]));

const oidc = (variant: OidcPeerVariant) => () => startOidcPeer({ variant });

const FORM_BODIES = "DTP-ERR-052";

export const PEER_RUNS: readonly PeerRun[] = [
  {
    name: "better-auth",
    what: "better-auth with its deviceAuthorization and bearer plugins, public clients (test/fixtures/better-auth)",
    start: startBetterAuthPeer,
    deviations: {
      "DTP-ERR-052": {
        requirement: FORM_BODIES,
        rfc: "RFC 6749 §3.2, §4.1.3/§6 (via RFC 8628 §3.4); RFC 8628 §3.1",
        finding:
          'the token endpoint refuses application/x-www-form-urlencoded with 415 ("Allowed types: application/json"); every OAuth client sends form bodies, so no device can get a token (the device authorization endpoint accepts them)',
        message: /415 Unsupported Media Type/,
      },
      "DTP-ERR-001": {
        requirement: "DTP-ERR-001",
        rfc: "RFC 6749 §5.2 (via RFC 8628 §3.5)",
        finding:
          'the token endpoint answers a request missing its parameters (sent as application/json, the only encoding it takes) 400 {"message": "[body.grant_type] Invalid input: …", "code": "VALIDATION_ERROR"}: no "error" member, where RFC 6749 §5.2 wants {"error": "invalid_request", …}; the device authorization endpoint answers the same mistake as RFC 6749 §5.2 says (400 {"error": "invalid_request"})',
        message: /"error" code \(RFC 6749 §5\.2\).*VALIDATION_ERROR/,
      },
    },
    warnings: {
      "DTP-DISC-052": {
        requirement: "DTP-DISC-057",
        rfc: "RFC 8414 §2 (scopes_supported RECOMMENDED)",
        finding:
          "the metadata has no scopes_supported: better-auth serves no RFC 8414 document for its deviceAuthorization plugin (the fixture publishes what the plugin offers), and the plugin keeps no list of scopes — it stores whatever space-separated scope a device asks for",
        message: /"scopes_supported" absent/,
      },
    },
    blocked: Object.fromEntries(
      [
        "DTP-POLL-001",
        "DTP-POLL-005",
        "DTP-POLL-006",
        "DTP-POLL-007",
        "DTP-POLL-008",
        "DTP-POLL-009",
        "DTP-POLL-010",
        "DTP-TOK-001",
        "DTP-EXP-004",
        "DTP-ERR-010",
        "DTP-ERR-012",
        "DTP-ERR-013",
        "DTP-TOK-050",
        "DTP-TOK-051",
      ].map((id) => [id, FORM_BODIES]),
    ),
    verdict: "NOT CONFORMANT — 2 root causes: DTP-ERR-001, DTP-ERR-052",
  },
  {
    name: "oidc-provider public-only",
    what: "oidc-provider with public clients only (token_endpoint_auth_methods_supported: none), no introspection, no client_credentials",
    start: oidc("public-only"),
    deviations: {
      ...same("DTP-DPOP-003", "DTP-DPOP-012", "DTP-TOK-001"),
      "DTP-REF-008": {
        requirement: "DTP-REF-009",
        rfc: "RFC 6749 §5.2",
        finding:
          'a refresh request with no client identification at all is answered 400 invalid_request ("no client authentication mechanism provided"); RFC 6749 §5.2 names exactly this case ("no client authentication included") under invalid_client',
        message: /invalid_client; got status 400.*no client authentication mechanism provided/,
      },
    },
    warnings: {},
    blocked: {},
    verdict: "NOT CONFORMANT — 4 root causes",
  },
  {
    name: "oidc-provider no-dpop",
    what: "oidc-provider with DPoP off",
    start: oidc("no-dpop"),
    deviations: same(
      "DTP-SVC-007",
      "DTP-TOK-001",
      "DTP-REF-008",
      "DTP-REV-002",
      "DTP-REV-009",
      "DTP-ERR-003",
      "DTP-ERR-054",
      "DTP-ERR-057",
    ),
    warnings: {},
    blocked: {},
    // 8 checks, 8 requirements. Until DTP-TOK-053 split off DTP's token members, DTP-TOK-001
    // also failed DTP-TOK-001 for a client_credentials response without `scope`, which
    // RFC 6749 §5.1 allows (scope is optional when it is the requested one): a false FAIL.
    verdict: "NOT CONFORMANT — 8 root causes",
  },
  {
    name: "oidc-provider no-rotation",
    what: "oidc-provider without refresh-token rotation (RFC 9700 §4.14.2 allows it for confidential clients: DTP-REF-002/011 not claimed; for public clients only with sender-constrained refresh tokens: DTP-REF-054)",
    start: oidc("no-rotation"),
    deviations: {
      ...same(
        "DTP-DPOP-003",
        "DTP-DPOP-012",
        "DTP-SVC-007",
        "DTP-TOK-001",
        "DTP-REF-008",
        "DTP-REV-002",
        "DTP-REV-009",
        "DTP-ERR-003",
        "DTP-ERR-054",
        "DTP-ERR-057",
      ),
      "DTP-REF-054": {
        requirement: "DTP-REF-054",
        rfc: "RFC 9700 §4.14.2",
        finding:
          "the public client's refresh token issued without a DPoP proof is neither sender-constrained nor rotated: a refresh keeps the presented refresh token (rotateRefreshToken: false), so a stolen one is never detected; RFC 9700 §4.14.2 requires one of the two for public clients (a DPoP-bound one is sender-constrained and passes)",
        message:
          /sender-constrained, or rotated: a new refresh_token \(it was issued without a DPoP proof\)/,
      },
    },
    warnings: {},
    blocked: {},
    // DPOP-003/012 share one root cause; DTP-TOK-001 no longer fails DTP-TOK-001 (see no-dpop).
    verdict: "NOT CONFORMANT — 11 root causes",
  },
];
