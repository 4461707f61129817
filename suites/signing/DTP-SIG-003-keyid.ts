/**
 * DTP-SIG-003 (MUST, RFC 9421 §3.2; SAFEQ Cloud "Register device"):
 * "The signature's `keyid` MUST equal the `jkt` of the approved device with the request's
 * `client_id`; when there is no such device, the device has no key, or `keyid` differs, the
 * request MUST be rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * Property: a re-registration signed by the device's own key but with a `keyid` that is
 * not its `jkt` (another key's thumbprint, one character changed, case changed, padded,
 * truncated, empty, random), or signed by another key that names itself, → 401. Then the
 * three "no key to check against" cases, each signed by a key with a matching keyid: a
 * client_id nobody registered, an approved device without a key, a device whose keyed
 * registration is still pending.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { generateDeviceKey } from "../../src/client/index.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  send,
  sigDevice,
  signAs,
  signedReRegistration,
  unknownSigDevice,
} from "./_sig.ts";

const ID = "DTP-SIG-003";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

type KeyidMutation =
  | { kind: "other-jkt" }
  | { kind: "char"; at: number; by: number }
  | { kind: "case" }
  | { kind: "padded"; suffix: string }
  | { kind: "truncated"; keep: number }
  | { kind: "empty" }
  | { kind: "random"; value: string }
  | { kind: "other-key-self-named" };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "keyid must be the approved device's jkt (no device, no key, pending, other keyid → 401 invalid_signature)",
    specRef: 'RFC 9421 §3.2; SAFEQ Cloud "Register device"',
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig003",
    });
    const other = await generateDeviceKey("ed25519");
    const jkt = device.key.jkt;
    await expectSignatureAccepted(
      ctx,
      await send(device, await signedReRegistration(device), "control: valid signature"),
      device,
      "DTP-SIG-001",
    );

    const mutation: fc.Arbitrary<KeyidMutation> = fc.oneof(
      fc.constant<KeyidMutation>({ kind: "other-jkt" }),
      fc.record({
        kind: fc.constant("char" as const),
        at: fc.nat({ max: jkt.length - 1 }),
        by: fc.integer({ min: 1, max: B64URL.length - 1 }),
      }),
      fc.constant<KeyidMutation>({ kind: "case" }),
      fc.record({
        kind: fc.constant("padded" as const),
        suffix: fc.constantFrom("=", " ", "A", "==", ".x"),
      }),
      fc.record({ kind: fc.constant("truncated" as const), keep: fc.nat({ max: jkt.length - 1 }) }),
      fc.constant<KeyidMutation>({ kind: "empty" }),
      fc.record({
        kind: fc.constant("random" as const),
        value: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((v) => v !== jkt),
      }),
      fc.constant<KeyidMutation>({ kind: "other-key-self-named" }),
    );

    const keyidFor = (m: KeyidMutation): string => {
      switch (m.kind) {
        case "other-jkt":
        case "other-key-self-named":
          return other.jkt;
        case "char": {
          const i = B64URL.indexOf(jkt[m.at]!);
          return jkt.slice(0, m.at) + B64URL[(i + m.by) % B64URL.length] + jkt.slice(m.at + 1);
        }
        case "case": {
          const swapped = [...jkt]
            .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
            .join("");
          return swapped === jkt ? `${jkt}x` : swapped;
        }
        case "padded":
          return jkt + m.suffix;
        case "truncated":
          return jkt.slice(0, m.keep);
        case "empty":
          return "";
        case "random":
          return m.value;
      }
    };

    const rejected = async (m: KeyidMutation) => {
      const keyid = keyidFor(m);
      const signed = signAs(
        device,
        await reRegistration(device, { client_description: "sig003 keyid" }),
        {
          keyid,
          ...(m.kind === "other-key-self-named" ? { key: other.privateKey } : {}),
        },
      );
      const res = await send(
        device,
        signed,
        `signed re-registration: keyid ${m.kind} ${JSON.stringify(keyid)}`,
      );
      await expectSignatureRejected(ctx, res, device, ID);
    };
    const examples: KeyidMutation[] = [
      { kind: "other-jkt" },
      { kind: "char", at: 0, by: 1 },
      { kind: "case" },
      { kind: "padded", suffix: "=" },
      { kind: "truncated", keep: jkt.length - 1 },
      { kind: "empty" },
      { kind: "other-key-self-named" },
    ];
    for (const m of examples) await ctx.case(`keyid ${JSON.stringify(m)}`, () => rejected(m));
    await ctx.property("keyid mutations", fc.asyncProperty(mutation, rejected));

    // No device to check the keyid against: each is signed by a key whose jkt is the keyid.
    const cases = [
      {
        what: "a client_id nobody registered",
        device: await unknownSigDevice(ctx, await generateDeviceKey("ed25519")),
      },
      {
        what: "an approved device without a key",
        device: await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
          label: "sig-nokey",
          withoutKey: true,
        }),
      },
      {
        what: "a device whose keyed registration is still pending",
        device: await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
          label: "sig003-pending",
          approve: false,
        }),
      },
    ];
    for (const c of cases) {
      await ctx.case(c.what, async () => {
        const res = await send(
          c.device,
          await signedReRegistration(c.device),
          `signed re-registration: ${c.what}`,
        );
        await expectSignatureRejected(ctx, res, c.device, ID);
      });
    }
    await auditApproved(ctx, device, ...cases.map((c) => c.device));
  },
};
