/**
 * DTP-DPOP-014 (MUST, RFC 9449 §7.2):
 * "A DPoP-bound access token presented with the `Bearer` scheme MUST be refused as an
 * invalid token (DTP-RES-005)."
 *
 * DTP-DPOP-015 (MUST, RFC 9449 §7.1; DTP):
 * "An access token that is not DPoP-bound presented with the `DPoP` scheme MUST be answered
 * 401 `invalid_token`."
 *
 * DTP-DPOP-016 (MUST, RFC 9449 §7.1):
 * "Every `DPoP` challenge in `WWW-Authenticate` MUST carry `algs="ES256 EdDSA RS256 PS256"`
 * (the values of `dpop_signing_alg_values_supported`, space-separated)."
 *
 * A keyed (Ed25519) device's bound token is sent as `Bearer`, without and with a valid proof
 * (right `ath`): both 401 `invalid_token`. A keyless device polling without a proof gets a
 * Bearer token, which is then sent as `DPoP` with a valid proof by a fresh key: 401
 * `invalid_token`. Each token works with its own scheme. Every `DPoP` challenge seen
 * (including the one offered to a request with no token at all) must list the declared algs.
 */

import type { Check } from "../../src/check/check.ts";
import { expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import {
  absoluteEndpoint,
  callResource,
  DpopSession,
  generateDeviceKey,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectAccepted, expectDpopAlgs, expectRefusedToken } from "./_dpop.ts";

const ID = "DTP-DPOP-014";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-015", "DTP-DPOP-016"],
    level: "MUST",
    area: "signing",
    title:
      "Bound token as Bearer, unbound token as DPoP: 401 invalid_token (DPoP challenges list algs)",
    specRef: "RFC 9449 §7.1, §7.2",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
  },
  async run(ctx) {
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");

    // No token at all: a 401 challenge; any DPoP challenge offered lists the algs.
    const none = await ctx.http.request({
      method: "GET",
      url: resource,
      label: "GET /me, no token",
    });
    expectStatus(none, 401, "DTP-DPOP-016");
    expectDpopAlgs(ctx, none);

    // 014: a bound token with the Bearer scheme, without and with a valid proof.
    const dev = await approvedDevice(ctx, { label: "dpop-scheme", kind: "ed25519" });
    const session = dev.device.dpop!;
    const bare = await dev.tokens.use((t) =>
      ctx.http.request({
        method: "GET",
        url: resource,
        headers: { authorization: `Bearer ${t.accessToken}` },
        label: "GET /me, bound token as Bearer, no proof",
      }),
    );
    expectRefusedToken(ctx, bare, ID);
    const withProof = await dev.tokens.use((t) =>
      session.send(
        ctx,
        { method: "GET", url: resource, label: "GET /me, bound token as Bearer, valid proof" },
        { accessToken: t.accessToken, scheme: "Bearer" },
      ),
    );
    if (!ctx.target.features.has("dtp") && withProof.status === 400) {
      // Outside DTP: RFC 9449 §7.2 has the resource reject a bound token sent as Bearer but
      // names no error; with a proof attached, RFC 6750 §3.1 invalid_request (400, a
      // malformed request) is as right as invalid_token.
      expectWwwAuthenticate(
        withProof,
        { scheme: "DPoP", status: 400, error: "invalid_request" },
        ID,
      );
      expectDpopAlgs(ctx, withProof);
    } else {
      expectRefusedToken(ctx, withProof, ID);
    }
    const own = await dev.tokens.use((t) =>
      callResource(ctx, t, session, "GET /me, bound token as DPoP"),
    );
    expectAccepted(own, 200, ID, "the bound token with the DPoP scheme and a valid proof");

    // 015: an unbound token with the DPoP scheme and a valid proof.
    const keyless = await approvedDevice(ctx, { label: "dpop-bearer" });
    const polled = keyless.tokens.tokens;
    if (polled.tokenType.toLowerCase() !== "bearer") {
      fail(
        "DTP-DPOP-015",
        'an unbound token ("token_type": "Bearer") for a keyless device that sent no proof',
        `"token_type": ${JSON.stringify(polled.tokenType)}`,
        polled.res,
      );
    }
    const k3 = new DpopSession(await generateDeviceKey("ec-p256")).adoptNonces(session);
    const asDpop = await keyless.tokens.use((t) =>
      k3.send(
        ctx,
        { method: "GET", url: resource, label: "GET /me, unbound token as DPoP, valid proof" },
        { accessToken: t.accessToken },
      ),
    );
    expectRefusedToken(ctx, asDpop, "DTP-DPOP-015");
    const asBearer = await keyless.tokens.use((t) =>
      callResource(ctx, t, undefined, "GET /me, unbound token as Bearer"),
    );
    expectAccepted(asBearer, 200, "DTP-DPOP-015", "the unbound token with the Bearer scheme");
  },
};
