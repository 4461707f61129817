/**
 * DTP-REG-014 (MUST, RFC 7638 §3; RFC 9449 §6.1):
 * "The identity of a registered key MUST be its RFC 7638 JWK SHA-256 thumbprint (base64url,
 * no padding), called `jkt`; the admin API MUST show it as `jkt` for registrations and
 * devices that have a key."
 *
 * DTP-REG-021 (MUST, SAFEQ Cloud "Register device"):
 * "A registration without an HTTP Message Signature MUST be created with status `pending`
 * and MUST be listed by `GET /admin/registrations?status=pending` until an administrator
 * approves or denies it or it expires."
 *
 * Property: an unsigned registration (no key, or any key type and encoding) is listed as
 * `pending` with its user code, and with the key's thumbprint as `jkt`; once approved or
 * denied (chosen at random) it is no longer listed as pending, and an approved device shows
 * the same `jkt`. (Leaving the list on expiry is the approval suite's.)
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { OWNERS } from "../../src/client/index.ts";
import { adminApi, sendRegistrationForm } from "../../src/client/kit/index.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  type KeyType,
  normalizeUserCode,
  registrationKeyFields,
} from "../../src/protocol/index.ts";
import { sharedRsaKey } from "../../src/protocol/key-material.ts";
import { baseForm, CLIENT_TYPES, expectDeviceAuthorization } from "./_helpers.ts";

const ID = "DTP-REG-014";
const PENDING = "DTP-REG-021";

type KeyChoice =
  | { type: "none" }
  | { type: KeyType; kind: "rsa" | "ec-p256" | "ed25519"; raw?: boolean };

const keyArb = fc.constantFrom<KeyChoice>(
  { type: "none" },
  { type: "rsa", kind: "rsa" },
  { type: "x509", kind: "ec-p256" },
  { type: "x509", kind: "ed25519" },
  { type: "x509", kind: "rsa" },
  { type: "ed25519", kind: "ed25519" },
  { type: "ed25519", kind: "ed25519", raw: true },
);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, PENDING],
    level: "MUST",
    area: "registration",
    title:
      "Unsigned registrations are listed as pending until decided; the admin API shows the key's RFC 7638 thumbprint as jkt",
    specRef: 'RFC 7638 §3; RFC 9449 §6.1; SAFEQ Cloud "Register device"',
    requires: ["device_code", "admin"],
    property: true,
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const numRuns = Math.max(7, Math.ceil(ctx.fc.numRuns / 4));
    await ctx.property(
      "registrations of every key type, approved or denied",
      fc.asyncProperty(
        keyArb,
        fc.constantFrom("approve" as const, "deny" as const),
        fc.constantFrom(...CLIENT_TYPES),
        async (choice, decision, clientType) => {
          const clientId = ctx.clientId("reg014");
          let key: DeviceKey | undefined;
          const form = { ...baseForm(clientId), client_type: clientType };
          if (choice.type !== "none") {
            key =
              choice.kind === "rsa" ? await sharedRsaKey() : await generateDeviceKey(choice.kind);
            Object.assign(
              form,
              await registrationKeyFields(key, choice.type, { rawEd25519: choice.raw === true }),
            );
          }
          const res = await sendRegistrationForm(ctx, form);
          const { userCode } = expectDeviceAuthorization(ctx, res, {});

          const before = await admin.registrations("pending", { requirement: PENDING });
          const entry = before.registrations.find(
            (r) =>
              r.client_id === clientId &&
              typeof r.user_code === "string" &&
              normalizeUserCode(r.user_code) === normalizeUserCode(userCode),
          );
          if (!entry) {
            fail(
              PENDING,
              `registration ${userCode} of ${clientId} in GET /admin/registrations?status=pending`,
              "not listed",
              before.res,
            );
          }
          if (entry.status !== "pending") {
            fail(
              PENDING,
              '"status": "pending"',
              `"status": ${JSON.stringify(entry.status)}`,
              before.res,
            );
          }
          if (key && entry.jkt !== key.jkt) {
            fail(
              ID,
              `"jkt": ${JSON.stringify(key.jkt)} (RFC 7638 thumbprint of the registered key)`,
              `"jkt": ${JSON.stringify(entry.jkt)}`,
              before.res,
            );
          }

          await (decision === "approve"
            ? ctx.approval.approve(userCode)
            : ctx.approval.deny(userCode));
          const after = await admin.registrations("pending", { requirement: PENDING });
          if (
            after.registrations.some(
              (r) => r.client_id === clientId && r.user_code === entry.user_code,
            )
          ) {
            fail(
              PENDING,
              `registration ${userCode} no longer listed as pending once ${decision === "approve" ? "approved" : "denied"}`,
              "still listed",
              after.res,
            );
          }

          if (decision === "approve" && key) {
            const device = await admin.device(clientId);
            expectStatus(device, 200, OWNERS.adminDevice);
            const body = expectJson(device, OWNERS.adminDevice);
            if (body.jkt !== key.jkt) {
              fail(
                ID,
                `the device's "jkt": ${JSON.stringify(key.jkt)} (RFC 7638 thumbprint of the registered key)`,
                `"jkt": ${JSON.stringify(body.jkt)}`,
                device,
              );
            }
          }
        },
      ),
      { numRuns },
    );
  },
};
