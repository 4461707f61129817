/**
 * DTP-DPOP-001 (MUST, RFC 9449 §5; DTP):
 * "For a device with a registered key, every `/token` request with the `device_code` or
 * `refresh_token` grant MUST carry a DPoP proof in a `DPoP` header; a request without one
 * MUST be rejected with 400 OAuth error `invalid_dpop_proof`."
 *
 * DTP-DPOP-002 (MUST, DTP; RFC 9449 §4.3):
 * "For a device with a registered key, the JWK thumbprint of the proof's `jwk` at the token
 * endpoint MUST equal the device's `jkt`; otherwise the request MUST be rejected with 400
 * `invalid_dpop_proof`. (At a protected resource a proof by another key than the token's
 * `cnf.jkt` is a token binding failure: DTP-DPOP-013.)"
 *
 * One device with an EC P-256 key (registered as an X.509 certificate). Both grants are
 * tried without a proof and with otherwise valid proofs by other keys (Ed25519, EC P-256,
 * RSA with RS256 and PS256: generated), then with the registered key, which must work.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { absoluteEndpoint, type ProofBuilder, readTokens } from "../../src/client/index.ts";
import { registeredDevice } from "../../src/client/kit/index.ts";
import { createDpopProof, type DeviceKey, generateDeviceKey } from "../../src/protocol/index.ts";
import { expectAccepted, expectTokenError } from "./_dpop.ts";

const ID = "DTP-DPOP-001";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-002"],
    level: "MUST",
    area: "signing",
    title:
      "A keyed device's /token requests need a proof by the registered key (400 invalid_dpop_proof)",
    specRef: "RFC 9449 §4.3, §5",
    requires: ["dpop", "device_code", "refresh_token", "admin"],
    property: true,
  },
  async run(ctx) {
    const key = await generateDeviceKey("ec-p256");
    const others: { key: DeviceKey; alg: string }[] = [];
    for (const kind of ["ed25519", "ec-p256", "rsa"] as const) {
      const k = await generateDeviceKey(kind);
      if (kind === "rsa") others.push({ key: k, alg: "RS256" }, { key: k, alg: "PS256" });
      else others.push({ key: k, alg: kind === "ed25519" ? "EdDSA" : "ES256" });
    }
    const url = absoluteEndpoint(ctx.target, "token_endpoint");
    const { device, reg } = await registeredDevice(ctx, { label: "dpop-req", key });
    await ctx.approval.approve(reg.userCode);

    // The wrong keys, as a property over which key signs (each request otherwise valid).
    const runs = Math.max(4, Math.ceil(ctx.fc.numRuns / 3));
    const byOther =
      (i: number): ProofBuilder =>
      (nonce) => {
        const other = others[i]!;
        return createDpopProof({
          key: { privateKey: other.key.privateKey, jwk: other.key.jwk },
          alg: other.alg,
          htm: "POST",
          htu: url,
          ...(nonce !== undefined ? { nonce } : {}),
        });
      };
    const wrongKeys = (grant: string, send: (proof: ProofBuilder) => Promise<HttpResponse>) =>
      ctx.property(
        `${grant}: a proof by another key`,
        fc.asyncProperty(fc.nat({ max: others.length - 1 }), async (i) => {
          expectTokenError(await send(byOther(i)), "invalid_dpop_proof", "DTP-DPOP-002");
        }),
        { numRuns: runs },
      );

    // device_code grant: no proof, then other keys, then the registered key.
    await ctx.case("device_code: no proof", async () => {
      const bare = await device.poll(reg, { proof: false, label: "poll without a DPoP proof" });
      expectTokenError(bare, "invalid_dpop_proof", ID);
    });
    await wrongKeys("device_code", (proof) =>
      device.poll(reg, { proof, label: "poll with a proof by another key" }),
    );
    const polled = await device.pollUntilFinal(reg, { requirement: ID });
    expectAccepted(polled, 200, ID, "the poll with a proof by the registered key");
    const tokens = device.holder(readTokens(ctx, polled));
    const refreshToken = tokens.tokens.refreshToken ?? "";

    // refresh_token grant: the same.
    await ctx.case("refresh_token: no proof", async () => {
      const bare = await device.refresh(
        refreshToken,
        {},
        { proof: false, label: "refresh without a DPoP proof" },
      );
      expectTokenError(bare, "invalid_dpop_proof", ID);
    });
    await wrongKeys("refresh_token", (proof) =>
      device.refresh(refreshToken, {}, { proof, label: "refresh with a proof by another key" }),
    );
    tokens.tokens = await device.refreshed(tokens.tokens, { requirement: ID });
  },
};
