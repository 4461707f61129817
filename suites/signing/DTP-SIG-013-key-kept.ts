/**
 * DTP-SIG-013 (MUST, DTP):
 * "A signed re-registration keeps the device's registered key: when it carries
 * `public_key`, that key's `jkt` MUST equal the stored `jkt`, otherwise the request MUST be
 * rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * An Ed25519 device (registered as DER SPKI):
 * - re-registers, signed, without `public_key` / `key_type` → 200, and keeps its key: the
 *   admin API still shows its `jkt`, and a second signed re-registration verified with that
 *   key is accepted;
 * - re-registers, signed, carrying the same key in another encoding (raw 32 bytes, an x509
 *   certificate) → 200;
 * - property: re-registers, signed by its own key, carrying another key (Ed25519 as SPKI,
 *   raw or certificate; EC P-256 certificate) → 401 `invalid_signature`, nothing registered,
 *   the device (and its jkt) unchanged.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { generateDeviceKey, registrationKeyFields } from "../../src/protocol/keys.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  type SigDevice,
  send,
  sigDevice,
  signedReRegistration,
} from "./_sig.ts";

const ID = "DTP-SIG-013";

/** The device's jkt as the admin API shows it (undefined without the admin API). */
function adminJkt(device: SigDevice): unknown {
  const body = device.snapshot?.body as { jkt?: unknown } | undefined;
  return device.snapshot === undefined ? undefined : (body?.jkt ?? null);
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "A signed re-registration keeps the device key: another public_key → 401 invalid_signature; none or the same key → accepted, key kept",
    specRef: "DTP",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const key = await generateDeviceKey("ed25519");
    const device = await sigDevice(ctx, key, "ed25519", { label: "sig013" });
    const noKey = { public_key: undefined, key_type: undefined };

    // Without public_key / key_type: accepted, and the key is kept.
    for (const round of [1, 2]) {
      const signed = await signedReRegistration(device, {
        ...noKey,
        client_description: `sig013 no key ${round}`,
      });
      const res = await send(
        device,
        signed,
        `signed re-registration without public_key (${round})`,
      );
      await expectSignatureAccepted(ctx, res, device, round === 1 ? "DTP-SIG-001" : ID);
      const jkt = adminJkt(device);
      if (jkt !== undefined && jkt !== key.jkt) {
        fail(
          ID,
          `the device to keep its key after a signed re-registration without public_key: jkt ${key.jkt}`,
          `the admin API shows jkt ${JSON.stringify(jkt)}`,
        );
      }
    }

    // The same key in other encodings: accepted.
    for (const [what, fields] of [
      ["raw Ed25519", await registrationKeyFields(key, "ed25519", { rawEd25519: true })],
      ["x509 certificate", await registrationKeyFields(key, "x509")],
    ] as const) {
      const signed = await signedReRegistration(device, {
        ...fields,
        client_description: `sig013 same key ${what}`,
      });
      const res = await send(
        device,
        signed,
        `signed re-registration carrying the same key (${what})`,
      );
      await expectSignatureAccepted(ctx, res, device, ID);
    }

    // Another key: rejected, the device keeps its key.
    const otherEd = await generateDeviceKey("ed25519");
    const otherEc = await generateDeviceKey("ec-p256");
    const others = [
      {
        what: "another Ed25519 key (SPKI)",
        fields: await registrationKeyFields(otherEd, "ed25519"),
      },
      {
        what: "another Ed25519 key (raw)",
        fields: await registrationKeyFields(otherEd, "ed25519", { rawEd25519: true }),
      },
      {
        what: "another Ed25519 key (x509)",
        fields: await registrationKeyFields(otherEd, "x509"),
      },
      { what: "an EC P-256 key (x509)", fields: await registrationKeyFields(otherEc, "x509") },
    ];
    const rejected = async (other: (typeof others)[number], description: string) => {
      const signed = await signedReRegistration(device, {
        ...other.fields,
        client_description: `sig013 ${description}`,
      });
      const res = await send(device, signed, `signed re-registration carrying ${other.what}`);
      await expectSignatureRejected(ctx, res, device, ID);
    };
    for (const o of others) await ctx.case(o.what, () => rejected(o, ""));
    await ctx.property(
      "other keys in a signed re-registration",
      fc.asyncProperty(
        fc.constantFrom(...others),
        fc.stringMatching(/^[A-Za-z0-9 ]{0,40}$/),
        rejected,
      ),
    );
    await auditApproved(ctx, device);
  },
};
