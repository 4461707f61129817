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
import {
  absoluteEndpoint,
  generateDeviceKey,
  nonceRequired,
  readTokens,
} from "../../src/client/index.ts";
import { registeredDevice } from "../../src/client/kit/index.ts";
import { expectAccepted, failAt } from "./_dpop.ts";

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
    if (nonceRequired(ctx.target) !== false) {
      ctx.notClaimed(
        `the target declares "dtp_dpop_nonce_required": ${JSON.stringify(ctx.target.metadata.dtp_dpop_nonce_required) ?? "(absent)"}; this check needs false (DTP-DPOP-017 covers true; start the reference server without a required nonce to run it)`,
      );
    }
    const token = absoluteEndpoint(ctx.target, "token_endpoint");
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");
    const { device, reg } = await registeredDevice(ctx, {
      label: "dpop-nononce",
      key: await generateDeviceKey("ec-p256"),
    });
    const session = device.dpop!;
    await ctx.approval.approve(reg.userCode);

    // Redeem, every proof without a nonce (honouring interval / slow_down if still pending).
    const withoutNonce = () => session.proof("POST", token, { nonce: undefined });
    const polled = await device.pollUntilFinal(reg, { proof: withoutNonce });
    expectAccepted(polled, 200, ID, "a device-code poll whose proof has no nonce");
    const tokens = device.holder(readTokens(ctx, polled, ID));

    const refreshWith = async (nonce: string | undefined, label: string) => {
      const res = await device.refresh(
        tokens.tokens.refreshToken ?? "",
        {},
        { label, proof: session.proof("POST", token, { nonce }) },
      );
      if (res.status === 200) tokens.tokens = readTokens(ctx, res, ID);
      return res;
    };
    const getWith = (nonce: string | undefined, label: string) =>
      tokens.use((t) =>
        session.sendOnce(
          ctx,
          { method: "GET", url: resource, label },
          session.proof("GET", resource, { nonce, accessToken: t.accessToken }),
          { accessToken: t.accessToken },
        ),
      );

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
