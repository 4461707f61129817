/**
 * DTP-DPOP-019 (MUST, DTP):
 * "When `dtp_dpop_nonce_required` is false, the server MUST accept proofs without a
 * `nonce`."
 *
 * DTP-DPOP-020 (MAY, RFC 9449 §8.2):
 * "The server MAY send a new nonce in a `DPoP-Nonce` header on any response; a client MUST
 * then use the latest nonce it received in its next proof."
 *
 * Reads `dtp_dpop_nonce_required`; SKIP when it is not `false` (DTP-DPOP-017 covers `true`).
 * A device with an EC P-256 key redeems its device code, refreshes and calls the resource,
 * every proof without a `nonce`: each must be accepted. If the server handed out a nonce on
 * the way (020), a refresh and a resource call whose proofs carry it must be accepted too
 * (a WARN otherwise).
 */

import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { dpopSession, readTokens, register, rememberNonce } from "../../src/client/legacy/index.ts";
import { generateDeviceKey } from "../../src/protocol/index.ts";
import {
  type DpopDevice,
  expectAccepted,
  failAt,
  nonceRequired,
  pollRequest,
  readTokensInto,
  refreshRequest,
  resourceUrl,
  tokenUrl,
  validProof,
  withFreshToken,
} from "./_dpop-helpers.ts";

const ID = "DTP-DPOP-019";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-020"],
    level: "MUST",
    area: "signing",
    title:
      "Without a required nonce, proofs without a nonce are accepted at /token and the resource",
    specRef: "RFC 9449 §8; DTP",
    requires: ["dtp", "dpop", "device_code", "refresh_token", "admin", "resource"],
  },
  async run(ctx) {
    if (nonceRequired(ctx) !== false) {
      ctx.notClaimed(
        `the target declares "dtp_dpop_nonce_required": ${JSON.stringify(ctx.target.metadata.dtp_dpop_nonce_required) ?? "(absent)"}; this check needs false (DTP-DPOP-017 covers true; start the reference server without a required nonce to run it)`,
      );
    }
    const token = tokenUrl(ctx);
    const resource = resourceUrl(ctx);
    const key = await generateDeviceKey("ec-p256");
    const session = dpopSession(key);
    const reg = await register(ctx, ID, { key, clientId: ctx.clientId("dpop-nononce") });
    await ctx.approval.approve(reg.userCode);

    // Redeem, every proof without a nonce (honouring interval / slow_down if still pending).
    let interval = reg.interval;
    const deadline = ctx.clock.now() + (reg.expiresIn + 5) * 1000;
    let polled: HttpResponse;
    for (let n = 1; ; n++) {
      const req = pollRequest(ctx, reg.clientId, reg.deviceCode, `poll #${n}, proof without nonce`);
      polled = await ctx.http.request({
        ...req,
        headers: { ...req.headers, dpop: validProof(session, "POST", token, undefined) },
      });
      rememberNonce(session, token, polled);
      const error = (polled.body as { error?: unknown } | undefined)?.error;
      if (polled.status !== 400 || (error !== "authorization_pending" && error !== "slow_down"))
        break;
      if (error === "slow_down") interval += 5;
      if (ctx.clock.now() + interval * 1000 > deadline) {
        fail(ID, "a final answer before the device code expires", `still ${error}`, polled);
      }
      await ctx.clock.sleep(interval * 1000);
    }
    expectAccepted(polled, 200, ID, "a device-code poll whose proof has no nonce");
    const dev: DpopDevice = {
      clientId: reg.clientId,
      key,
      session,
      tokens: readTokens(ctx, polled, ID),
    };

    const refreshWith = async (nonce: string | undefined, label: string) => {
      const req = refreshRequest(ctx, dev, label);
      const res = await ctx.http.request({
        ...req,
        headers: { ...req.headers, dpop: validProof(session, "POST", token, nonce) },
      });
      rememberNonce(session, token, res);
      if (res.status === 200) readTokensInto(ctx, dev, res, ID);
      return res;
    };
    const getWith = (nonce: string | undefined, label: string) =>
      withFreshToken(ctx, dev, ID, async () => {
        const at = dev.tokens.accessToken;
        const res = await ctx.http.request({
          method: "GET",
          url: resource,
          headers: {
            authorization: `DPoP ${at}`,
            dpop: validProof(session, "GET", resource, nonce, at),
          },
          label,
        });
        rememberNonce(session, resource, res);
        return res;
      });

    expectAccepted(
      await refreshWith(undefined, "refresh, proof without nonce"),
      200,
      ID,
      "a refresh whose proof has no nonce",
    );
    expectAccepted(
      await getWith(undefined, "GET /me, proof without nonce"),
      200,
      ID,
      "a resource call whose proof has no nonce",
    );

    // 020: a nonce the server volunteered must be usable.
    const offered = [...session.nonces.values()].at(-1);
    if (offered === undefined) {
      ctx.note("the server sent no DPoP-Nonce: DTP-DPOP-020 had nothing to verify");
      return;
    }
    const r1 = await refreshWith(offered, "refresh, proof with the nonce the server sent");
    if (r1.status !== 200) {
      failAt(
        "MAY",
        "DTP-DPOP-020",
        "a proof with the DPoP-Nonce the server sent accepted (200)",
        `status ${r1.status}`,
        r1,
      );
    }
    const latest = session.nonces.get(new URL(resource).origin) ?? offered;
    const r2 = await getWith(latest, "GET /me, proof with the nonce the server sent");
    if (r2.status !== 200) {
      failAt(
        "MAY",
        "DTP-DPOP-020",
        "a proof with the DPoP-Nonce the server sent accepted (200)",
        `status ${r2.status}`,
        r2,
      );
    }
  },
};
