/**
 * DTP-DPOP-012 (MUST, RFC 9449 §4.3, §7.1):
 * "At a protected resource, a DPoP-bound access token MUST be presented as `Authorization:
 * DPoP <token>` with a proof whose `ath` is the base64url SHA-256 of the token: a request
 * without a proof MUST be refused with a `DPoP` challenge, and a proof with a missing or
 * wrong `ath` MUST be answered 401 with `WWW-Authenticate: DPoP
 * error="invalid_dpop_proof"`."
 *
 * DTP-DPOP-003 (MUST, RFC 9449 §4.3):
 * "A request with more than one `DPoP` header, or whose `DPoP` value is not a well-formed
 * JWS compact serialization, MUST be rejected as an invalid proof (400 `invalid_dpop_proof`
 * at `/token`, 401 `DPoP error="invalid_dpop_proof"` at a protected resource)."
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
 * DTP-DPOP-016 (MUST, RFC 9449 §7.1):
 * "Every `DPoP` challenge in `WWW-Authenticate` MUST carry `algs="ES256 EdDSA RS256 PS256"`
 * (the values of `dpop_signing_alg_values_supported`, space-separated)."
 *
 * DTP-DPOP-054 (MUST, DTP; RFC 9449 §7.1):
 * "A DTP protected resource MUST answer a DPoP-bound access token presented without a proof
 * 401 with `WWW-Authenticate: DPoP error="invalid_dpop_proof"`."
 *
 * With DTP-DPOP-003 … 009 at the resource ("… MUST be rejected as an invalid proof (… 401
 * `DPoP error="invalid_dpop_proof"` at a protected resource)"), and DTP-DPOP-016 ("Every
 * `DPoP` challenge in `WWW-Authenticate` MUST carry `algs="ES256 EdDSA RS256 PS256"` (the
 * values of `dpop_signing_alg_values_supported`, space-separated)").
 *
 * Property: one device with an Ed25519 key; each run calls the resource with its
 * (fresh) DPoP-bound token and one mutation of an otherwise valid proof carrying the current
 * nonce: no proof, no or a wrong `ath`, and the proof mutations of the /token check (except
 * a proof by another key, see DTP-DPOP-013). Each must get 401 `DPoP error="invalid_dpop_proof"`
 * with the declared `algs`. The request without a proof: a `DPoP` challenge (012; outside
 * DTP 400 `invalid_request` too), on a DTP target exactly 401 `invalid_dpop_proof` (054). An
 * `iat` outside the declared window is 052 on a DTP target. A valid proof afterwards gets 200.
 */

import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate } from "../../src/check/expect.ts";
import { absoluteEndpoint, callResource, proofWindow } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { mutationKeys } from "../../src/protocol/dpop-mutations.ts";
import {
  assertMutationsRejected,
  expectAccepted,
  expectDpopAlgs,
  expectDpopChallenge,
} from "./_dpop.ts";

const ID = "DTP-DPOP-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-DPOP-003",
      "DTP-DPOP-004",
      "DTP-DPOP-005",
      "DTP-DPOP-006",
      "DTP-DPOP-007",
      "DTP-DPOP-008",
      "DTP-DPOP-009",
      "DTP-DPOP-052",
      "DTP-DPOP-016",
      "DTP-DPOP-054",
    ],
    level: "MUST",
    area: "signing",
    title: "At the resource, a missing, mutated or ath-less proof gets 401 DPoP invalid_dpop_proof",
    specRef: "RFC 9449 §4.3, §7.1",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
    property: true,
  },
  async run(ctx) {
    const dev = await approvedDevice(ctx, { label: "dpop-mut-res", kind: "ed25519" });
    const session = dev.device.dpop!;
    const noProof = await dev.tokens.use((t) =>
      session.send(
        ctx,
        {
          method: "GET",
          url: absoluteEndpoint(ctx.target, "dtp_resource_endpoint"),
          label: "GET /me with the DPoP scheme and no proof",
        },
        { build: () => undefined, accessToken: t.accessToken },
      ),
    );
    if (!ctx.target.features.has("dtp") && noProof.status === 400) {
      // Outside DTP: RFC 9449 §7.1 names no answer for a missing proof, and RFC 6750 §3.1
      // answers a request missing a required parameter 400 invalid_request.
      expectWwwAuthenticate(noProof, { scheme: "DPoP", status: 400, error: "invalid_request" }, ID);
      expectDpopAlgs(ctx, noProof);
    } else if (!ctx.target.features.has("dtp")) {
      // A 401 refusal: a DPoP challenge (RFC 9449 §7.1), its error left to the server.
      expectWwwAuthenticate(noProof, { scheme: "DPoP" }, ID);
      expectDpopAlgs(ctx, noProof);
    } else {
      // DTP: refused with a DPoP challenge (the RFC rule), exactly 401 invalid_dpop_proof
      // (DTP-DPOP-054).
      expectWwwAuthenticate(noProof, { scheme: "DPoP", status: [400, 401] }, ID);
      expectDpopChallenge(ctx, noProof, "invalid_dpop_proof", "DTP-DPOP-054");
    }

    const keys = await mutationKeys(session.key, session.alg, proofWindow(ctx.target));
    await assertMutationsRejected(ctx, dev, "resource", keys);

    const ok = await dev.tokens.use((t) =>
      callResource(ctx, t, session, "GET /me with a valid proof"),
    );
    expectAccepted(ok, 200, ID, "a valid proof with the right ath");
  },
};
