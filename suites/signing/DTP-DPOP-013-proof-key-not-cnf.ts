/**
 * DTP-DPOP-013 (MUST, RFC 9449 §4.3, §7.1):
 * "At a protected resource, a valid proof whose key thumbprint differs from the access
 * token's `cnf.jkt` MUST be refused with a `DPoP` challenge."
 *
 * DTP-DPOP-011 (MUST, RFC 9449 §5, §6.1):
 * "When a token request carrying a valid DPoP proof is answered with an access token bound
 * to the proof's key, `token_type` MUST be `DPoP` (and `Bearer` when the token is not
 * bound), and a bound JWT access token MUST carry `cnf.jkt` equal to the thumbprint of the
 * proof's key."
 *
 * DTP-DPOP-053 (MUST, DTP; RFC 9449 §5):
 * "A DTP server MUST bind to the proof's key every access token it issues to a request
 * carrying a valid DPoP proof (`token_type` `DPoP`), also for a device without a registered
 * key."
 *
 * DTP-DPOP-055 (MUST, DTP; RFC 9449 §7.1):
 * "A DTP protected resource MUST answer a valid proof whose key thumbprint differs from the
 * access token's `cnf.jkt` 401 with `WWW-Authenticate: DPoP error="invalid_token"`."
 *
 * With DTP-DPOP-011's keyless case: "When a `/token` request that issues an access token
 * carries a valid DPoP proof, the response MUST have `token_type` `DPoP` and the access
 * token MUST carry `cnf.jkt` equal to the thumbprint of the proof's key (also for a device
 * without a registered key)."
 *
 * A device registered WITHOUT a key redeems its device code with a proof by key K1: the
 * tokens must be bound to K1 (011; on a DTP target `token_type` DPoP even so, 053). Then the
 * resource is called with that token and an otherwise valid proof (right `htm`, `htu`,
 * `ath`, nonce) by another key K2: refused with a `DPoP` challenge (013), on a DTP target
 * exactly 401 `error="invalid_token"` with the declared `algs` (055). Wrong actor: the
 * same with a proof by K3, the key another approved keyless device's own tokens are bound
 * to. A proof by K1 then gets 200.
 *
 * A keyless device is used on purpose: for a device with a registered key, DTP-DPOP-002
 * says a proof by another key at a resource is `invalid_dpop_proof`, which contradicts this
 * requirement (see notes/server-bugs-signing-dpop.md); here only 013 applies.
 */

import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate } from "../../src/check/expect.ts";
import {
  absoluteEndpoint,
  callResource,
  DpopSession,
  generateDeviceKey,
} from "../../src/client/index.ts";
import { registeredDevice } from "../../src/client/kit/index.ts";
import { expectAccepted, expectBoundTo, expectDpopAlgs, expectDpopChallenge } from "./_dpop.ts";

const ID = "DTP-DPOP-013";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-011", "DTP-DPOP-053", "DTP-DPOP-055"],
    level: "MUST",
    area: "signing",
    title: "A proof by a key other than the token's cnf.jkt gets 401 DPoP invalid_token",
    specRef: "RFC 9449 §5, §7.1",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
  },
  async run(ctx) {
    const k1 = await generateDeviceKey("ec-p256");
    const k2 = await generateDeviceKey("ed25519");
    // A device registered without a key, proving K1 from its first poll on.
    const { device, reg } = await registeredDevice(ctx, {
      label: "dpop-keyless",
      key: k1,
      register: { withoutKey: true },
    });
    const session = device.dpop!;
    await ctx.approval.approve(reg.userCode);
    const tokens = await device.waitForTokens(reg, { requirement: "DTP-DPOP-011" });
    await expectBoundTo(ctx, device, tokens.tokens, k1.jkt, "DTP-DPOP-011");

    const other = new DpopSession(k2).adoptNonces(session);
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");
    const res = await tokens.use((t) =>
      other.send(
        ctx,
        { method: "GET", url: resource, label: "GET /me, bound to K1, proof by K2" },
        { accessToken: t.accessToken },
      ),
    );
    // Refused with a DPoP challenge (RFC 9449 §7.1); on a DTP target exactly 401
    // error="invalid_token" (DTP-DPOP-055).
    expectWwwAuthenticate(res, { scheme: "DPoP", status: [400, 401] }, ID);
    if (ctx.target.features.has("dtp"))
      expectDpopChallenge(ctx, res, "invalid_token", "DTP-DPOP-055");
    else expectDpopAlgs(ctx, res);

    // Wrong actor: the key of another approved device, bound to that device's own tokens.
    await ctx.wrongActor(ID, "a proof by another device's bound DPoP key", async () => {
      const k3 = await generateDeviceKey("ec-p256");
      const second = await registeredDevice(ctx, {
        label: "dpop-keyless-b",
        key: k3,
        register: { withoutKey: true },
      });
      await ctx.approval.approve(second.reg.userCode);
      const its = await second.device.waitForTokens(second.reg, { requirement: "DTP-DPOP-011" });
      await expectBoundTo(ctx, second.device, its.tokens, k3.jkt, "DTP-DPOP-011");
      const stranger = second.device.dpop!.adoptNonces(session);
      const wrong = await tokens.use((t) =>
        stranger.send(
          ctx,
          { method: "GET", url: resource, label: "GET /me, bound to K1, proof by B's bound key" },
          { accessToken: t.accessToken },
        ),
      );
      expectWwwAuthenticate(wrong, { scheme: "DPoP", status: [400, 401] }, ID);
      if (ctx.target.features.has("dtp"))
        expectDpopChallenge(ctx, wrong, "invalid_token", "DTP-DPOP-055");
    });

    const ok = await tokens.use((t) => callResource(ctx, t, session, "GET /me, proof by K1"));
    expectAccepted(ok, 200, ID, "a proof by the bound key");
  },
};
