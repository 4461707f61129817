/**
 * DTP-DPOP-003 (MUST, RFC 9449 §4.3):
 * "A request with more than one `DPoP` header, or whose `DPoP` value is not a well-formed
 * JWS compact serialization, MUST be rejected as an invalid proof (400 `invalid_dpop_proof`
 * at `/token`, 401 `DPoP error="invalid_dpop_proof"` at a protected resource)."
 *
 * DTP-DPOP-002 (MUST, DTP; RFC 9449 §4.3):
 * "For a device with a registered key, the JWK thumbprint of the proof's `jwk` at the token
 * endpoint MUST equal the device's `jkt`; otherwise the request MUST be rejected with 400
 * `invalid_dpop_proof`. (At a protected resource a proof by another key than the token's
 * `cnf.jkt` is a token binding failure: DTP-DPOP-013.)"
 *
 * DTP-DPOP-004 (MUST, RFC 9449 §4.2, §4.3):
 * "A proof whose header `typ` is not `dpop+jwt` MUST be rejected as an invalid proof."
 *
 * DTP-DPOP-005 (MUST, RFC 9449 §4.3; RFC 8725 §2.1, §3.1):
 * "A proof whose `alg` is not in `dpop_signing_alg_values_supported`, in particular `none`
 * or a symmetric algorithm such as `HS256`, MUST be rejected as an invalid proof."
 *
 * DTP-DPOP-006 (MUST, RFC 9449 §4.2, §4.3):
 * "A proof whose `jwk` header is missing, contains a private key member, or does not verify
 * the proof's signature MUST be rejected as an invalid proof."
 *
 * DTP-DPOP-007 (MUST, RFC 9449 §4.3):
 * "A proof whose `htm` differs from the request method MUST be rejected as an invalid
 * proof."
 *
 * DTP-DPOP-008 (MUST, RFC 9449 §4.3):
 * "A proof whose `htu` does not match the request URI, ignoring its query and fragment,
 * MUST be rejected as an invalid proof."
 *
 * DTP-DPOP-009 (MUST, RFC 9449 §4.3, §11.1):
 * "A proof whose creation time (`iat`) is outside the window in which the server accepts
 * proofs MUST be rejected as an invalid proof; that window MUST be limited (RFC 9449 §11.1:
 * preferably seconds or minutes)."
 *
 * DTP-DPOP-052 (MUST, DTP; RFC 9449 §11.1):
 * "A DTP server MUST reject as an invalid proof a proof whose `iat` is more than
 * `dtp_lifetimes.dpop_proof_max_age` plus skew seconds in the past, or more than skew
 * seconds in the future."
 *
 * DTP-DPOP-003 … DTP-DPOP-009 at `/token` (MUST, RFC 9449 §4.2, §4.3, §11.1; RFC 8725):
 * - 003 "A request with more than one `DPoP` header, or whose `DPoP` value is not a
 *   well-formed JWS compact serialization, MUST be rejected as an invalid proof (400
 *   `invalid_dpop_proof` at `/token`, …)."
 * - 004 "A proof whose header `typ` is not `dpop+jwt` MUST be rejected as an invalid proof."
 * - 005 "A proof whose `alg` is not in `dpop_signing_alg_values_supported`, in particular
 *   `none` or a symmetric algorithm such as `HS256`, MUST be rejected as an invalid proof."
 * - 006 "A proof whose `jwk` header is missing, contains a private key member, or does not
 *   verify the proof's signature MUST be rejected as an invalid proof."
 * - 007 "A proof whose `htm` differs from the request method MUST be rejected as an invalid
 *   proof."
 * - 008 "A proof whose `htu` differs from the request URI without query and fragment MUST
 *   be rejected as an invalid proof; …"
 * - 009 "A proof whose `iat` is more than `dtp_lifetimes.dpop_proof_max_age` plus skew
 *   seconds in the past, or more than skew seconds in the future, MUST be rejected as an
 *   invalid proof."
 * - 002 (wrong key): "… the JWK thumbprint of the proof's `jwk` MUST equal the device's
 *   `jkt`; otherwise … 400 `invalid_dpop_proof` at `/token` …"
 *
 * Property: one device with an RSA key (so that RS384/RS512/PS384/PS512 signed by the
 * registered key test the alg allowlist); each run sends its refresh request with one
 * mutation of an otherwise valid proof carrying the current server nonce, and expects 400
 * `invalid_dpop_proof` (a flipped bit inside the nonce may also answer `use_dpop_nonce`).
 * A valid refresh afterwards shows the refresh token was good all along.
 */
import type { Check } from "../../src/check/check.ts";
import { proofWindow } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { mutationKeys } from "../../src/protocol/dpop-mutations.ts";
import { assertMutationsRejected } from "./_dpop.ts";

const ID = "DTP-DPOP-003";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-DPOP-002",
      "DTP-DPOP-004",
      "DTP-DPOP-005",
      "DTP-DPOP-006",
      "DTP-DPOP-007",
      "DTP-DPOP-008",
      "DTP-DPOP-009",
      "DTP-DPOP-052",
    ],
    level: "MUST",
    area: "signing",
    title: "Mutated DPoP proofs at /token are rejected with 400 invalid_dpop_proof",
    specRef: "RFC 9449 §4.2, §4.3; RFC 8725 §2.1, §3.1",
    requires: ["dpop", "device_code", "refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const dev = await approvedDevice(ctx, { label: "dpop-mut-tok", kind: "rsa", keyType: "rsa" });
    const session = dev.device.dpop!;
    const keys = await mutationKeys(session.key, session.alg, proofWindow(ctx.target));
    await assertMutationsRejected(ctx, dev, "token", keys);
    // A valid refresh afterwards: the refresh token was good all along.
    dev.tokens.tokens = await dev.device.refreshed(dev.tokens.tokens, { requirement: ID });
  },
};
