/**
 * DTP-SIG-010 (MUST, RFC 9421 §7.2.2):
 * "A signature `nonce` MUST be accepted only once: a request whose otherwise valid
 * signature reuses the nonce of a previously verified signature (for example, the same
 * signed request sent twice) MUST be rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * A signed re-registration is accepted; the same request sent again → 401. Property: a new,
 * valid signature (fresh `created` and `expires`) over a new body that reuses the accepted
 * nonce → 401, nothing registered. Race: the same signed request sent N times at once →
 * exactly one 200, every other answer 401 `invalid_signature`, exactly one new registration.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { generateDeviceKey } from "../../src/client/index.ts";
import { nowSeconds } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import {
  auditApproved,
  expectNothingRegistered,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  send,
  sigDevice,
  signAs,
  signedReRegistration,
} from "./_sig.ts";

const ID = "DTP-SIG-010";
const PARALLEL = 8;
const ROUNDS = 3;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "A signature nonce is accepted once: replay, new signature with the same nonce, N parallel copies → exactly one success",
    specRef: "RFC 9421 §7.2.2",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig010",
    });
    const nonce = randomToken(16);
    const first = await signedReRegistration(device, {}, { nonce });
    await expectSignatureAccepted(
      ctx,
      await send(device, first, "signed re-registration (nonce used once)"),
      device,
      "DTP-SIG-001",
    );
    await expectSignatureRejected(
      ctx,
      await send(device, first, "the same signed request again"),
      device,
      ID,
    );

    await ctx.property(
      "a new signature over a new body with the same nonce",
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9 ]{0,40}$/),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 300 }),
        async (description, back, lifetime) => {
          const created = nowSeconds(ctx) - back;
          const signed = signAs(
            device,
            await reRegistration(device, { client_description: `sig010 ${description}` }),
            { nonce, created, expires: created + lifetime + back },
          );
          const res = await send(
            device,
            signed,
            `new signature over a new body, same nonce (created -${back} s)`,
          );
          await expectSignatureRejected(ctx, res, device, ID);
        },
      ),
    );

    for (let round = 1; round <= ROUNDS; round++) {
      await ctx.case(`race ${round}: ${PARALLEL} copies at once`, async () => {
        const signed = await signedReRegistration(device, {
          client_description: `sig010 race ${round}`,
        });
        const answers: HttpResponse[] = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            send(device, signed, `race ${round}: copy ${i + 1}/${PARALLEL}`),
          ),
        );
        const ok = answers.filter((r) => r.status === 200);
        if (ok.length !== 1) {
          for (const r of ok.slice(0, 1)) await expectSignatureAccepted(ctx, r, device, ID);
          fail(
            ID,
            `exactly one of ${PARALLEL} identical signed requests sent at once accepted`,
            `${ok.length} accepted (statuses ${answers.map((r) => r.status).join(", ")})`,
            answers,
          );
        }
        await expectSignatureAccepted(ctx, ok[0]!, device, ID);
        for (const r of answers) {
          if (r !== ok[0]) expectOAuthError(r, { status: 401, error: "invalid_signature" }, ID);
        }
        await expectNothingRegistered(ctx, device);
      });
    }
    await auditApproved(ctx, device);
  },
};
