/**
 * DTP-REF-010 (MUST, RFC 9449 §5):
 * "Refreshing a DPoP-bound token MUST require a proof made with the same key; a missing
 * proof or a proof with another key MUST be answered 400 `invalid_dpop_proof`, and the new
 * access token MUST be bound to the same key."
 *
 * One device with an Ed25519 key: a refresh without a proof, then with proofs by other
 * keys (Ed25519 and EC P-256, each a valid proof but for the wrong key, with the server's
 * current nonce), then with the device key. The new access token must carry `cnf.jkt` of
 * the device key (when it is a readable JWT) and work at the resource only with proofs of
 * that key.
 *
 * Wrong actor: a second approved device's own registered key (the key its own DPoP-bound
 * tokens are bound to) proves the first device's refresh → 400 `invalid_dpop_proof`; and
 * the second device, with its own key, presents the first device's refresh token → refused
 * (`invalid_dpop_proof` or `invalid_grant`: both the key and the client are wrong).
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import {
  callResource,
  claimsOf,
  DpopSession,
  generateDeviceKey,
  meOk,
  requireValid,
  withRefreshToken,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectRefreshed } from "./_helpers.ts";

const ID = "DTP-REF-010";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "refresh",
    title:
      "Refreshing a DPoP-bound token needs a proof with the same key; the new token stays bound",
    specRef: "RFC 9449 §5",
    requires: ["refresh_token", "dpop", "dtp", "admin", "resource"],
  },
  async run(ctx) {
    const [key, otherEd, otherEc] = await Promise.all([
      generateDeviceKey("ed25519"),
      generateDeviceKey("ed25519"),
      generateDeviceKey("ec-p256"),
    ]);
    const { device, tokens } = await approvedDevice(ctx, { label: "dpop", key });
    const session = device.dpop!;
    if (tokens.tokens.tokenType.toLowerCase() !== "dpop") {
      fail(
        ID,
        'a DPoP-bound token pair for a device with a key ("token_type": "DPoP")',
        `"token_type": ${JSON.stringify(tokens.tokens.tokenType)}`,
        tokens.tokens.res,
      );
    }
    const { refreshToken } = withRefreshToken(tokens.tokens);

    await ctx.case("no proof", async () => {
      const noProof = await device.refresh(
        refreshToken,
        {},
        { proof: false, label: "refresh without a DPoP proof" },
      );
      expectOAuthError(noProof, { status: 400, error: "invalid_dpop_proof" }, ID);
    });

    // A valid proof, but by another key (with the server's latest nonce).
    for (const [name, other] of [
      ["Ed25519", otherEd],
      ["EC P-256", otherEc],
    ] as const) {
      await ctx.case(`a proof by another ${name} key`, async () => {
        const foreign = new DpopSession(other).adoptNonces(session);
        const res = await device.refresh(
          refreshToken,
          {},
          { dpop: foreign, label: `refresh with a proof by another ${name} key` },
        );
        session.adoptNonces(foreign);
        expectOAuthError(res, { status: 400, error: "invalid_dpop_proof" }, ID);
      });
    }

    const second = await approvedDevice(ctx, { label: "dpop-other", kind: "ed25519" });
    await ctx.wrongActor(ID, "a proof by another device's registered key", async () => {
      const foreign = new DpopSession(second.device.key!).adoptNonces(session);
      const res = await device.refresh(
        refreshToken,
        {},
        { dpop: foreign, label: `refresh with a proof by ${second.device.clientId}'s key` },
      );
      session.adoptNonces(foreign);
      expectOAuthError(res, { status: 400, error: "invalid_dpop_proof" }, ID);
    });
    await ctx.wrongActor(ID, "another device presents the token with its own key", async () => {
      const res = await second.device.refresh(
        refreshToken,
        {},
        { label: `${second.device.clientId} refreshes ${device.clientId}'s token` },
      );
      expectOAuthError(res, { status: 400, error: ["invalid_dpop_proof", "invalid_grant"] }, ID);
    });

    // The device key: success, and the new access token is bound to the same key.
    const ok = await device.refresh(
      refreshToken,
      {},
      { label: "refresh with a proof by the device key" },
    );
    const pair = expectRefreshed(ctx, ok, ID);
    if (pair.tokenType.toLowerCase() !== "dpop") {
      fail(ID, '"token_type": "DPoP" for the refreshed token', `"${pair.tokenType}"`, ok);
    }
    const claims = claimsOf(pair.accessToken);
    const cnf = claims?.cnf as { jkt?: unknown } | undefined;
    if (claims !== undefined && cnf?.jkt !== key.jkt) {
      fail(
        ID,
        `the new access token's cnf.jkt = ${key.jkt} (the device key)`,
        `cnf = ${JSON.stringify(claims.cnf)}`,
        ok,
      );
    }
    await meOk(ctx, pair, {
      dpop: session,
      requirement: ID,
      label: "GET /me with the device key's proof",
    });
    requireValid(ctx, pair, "the resource call with another key");
    const foreign = new DpopSession(otherEd).adoptNonces(session);
    const wrong = await callResource(ctx, pair, foreign, "GET /me with another key's proof");
    expectWwwAuthenticate(wrong, { scheme: "DPoP", status: 401 }, ID);
  },
};
