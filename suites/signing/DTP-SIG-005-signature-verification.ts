/**
 * DTP-SIG-005 (MUST, RFC 9421 §2.5, §3.2):
 * "The server MUST rebuild the signature base from the received request as defined in RFC
 * 9421 §2.5, taking `@target-uri` as the issuer followed by the request path (and query, if
 * any), and MUST verify the signature with the device's registered key; a signature that
 * does not verify (e.g. any bit flipped in the signature, a covered header or the method)
 * MUST be rejected with 401 `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * Two devices (Ed25519, and EC P-256 in an x509 certificate). Property: a signature with a
 * bit flipped or truncated, made by another key (keyid still the device's jkt), made over
 * another method, another target URI, another content type, or over signature parameters
 * other than the ones sent (created, expires, nonce) → 401 `invalid_signature`, nothing
 * registered.
 *
 * Wrong actor: a third approved device (Ed25519) with its own registered key signs the first
 * device's re-registration, once under the first device's keyid and once as itself (its own
 * keyid) → 401 `invalid_signature`, nothing registered, the first device unchanged.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { type DeviceKey, endpoint, generateDeviceKey, issuerOf } from "../../src/client/index.ts";
import { nowSeconds } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  type SigDevice,
  send,
  sigDevice,
  signAs,
  signedReRegistration,
} from "./_sig.ts";

const ID = "DTP-SIG-005";

type Mutation =
  | { kind: "flip"; bit: number }
  | { kind: "truncate"; keep: number }
  | { kind: "wrong-key" }
  | { kind: "method"; method: string }
  | { kind: "target-uri"; which: number }
  | { kind: "content-type"; value: string }
  | { kind: "param"; param: "created" | "expires" | "nonce"; delta: number };

/** Replaces the byte sequence of the `Signature` dictionary member. */
function mapSignatureBytes(header: string, f: (b: Buffer) => Buffer): string {
  return header.replace(/^([^=]+)=:([^:]*):/, (_m, label: string, b64: string) => {
    return `${label}=:${f(Buffer.from(b64, "base64")).toString("base64")}:`;
  });
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "A signature that does not verify over the received request (bits, key, method, URI, header, params) → 401 invalid_signature",
    specRef: "RFC 9421 §2.5, §3.2",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const issuer = issuerOf(ctx.target);
    const registerUrl = endpoint(ctx.target, "device_authorization_endpoint");
    const otherUris = [
      `${registerUrl}?x=1`,
      `${registerUrl}/`,
      `${issuer}/token`,
      "https://attacker.example/register",
      registerUrl.replace(/\/register$/, "/Register"),
    ].filter((u) => u !== registerUrl);

    const devices: { device: SigDevice; other: DeviceKey }[] = [];
    for (const [kind, keyType] of [
      ["ed25519", "ed25519"],
      ["ec-p256", "x509"],
    ] as const) {
      const device = await sigDevice(ctx, await generateDeviceKey(kind), keyType, {
        label: `sig005-${kind}`,
      });
      await expectSignatureAccepted(
        ctx,
        await send(
          device,
          await signedReRegistration(device),
          `control: valid signature (${kind})`,
        ),
        device,
        "DTP-SIG-001",
      );
      devices.push({ device, other: await generateDeviceKey(kind) });
    }

    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), bit: fc.nat({ max: 511 }) }),
      fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat({ max: 63 }) }),
      fc.constant<Mutation>({ kind: "wrong-key" }),
      fc.record({
        kind: fc.constant("method" as const),
        method: fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "post", "Post"),
      }),
      fc.record({
        kind: fc.constant("target-uri" as const),
        which: fc.nat({ max: otherUris.length - 1 }),
      }),
      fc.record({
        kind: fc.constant("content-type" as const),
        value: fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded; charset=utf-8",
          "multipart/form-data",
        ),
      }),
      fc.record({
        kind: fc.constant("param" as const),
        param: fc.constantFrom("created" as const, "expires" as const, "nonce" as const),
        delta: fc.integer({ min: 1, max: 30 }),
      }),
    );

    const rejected = async (which: number, m: Mutation) => {
      const { device, other } = devices[which]!;
      const req = await reRegistration(device, { client_description: `sig005 ${m.kind}` });
      const now = nowSeconds(ctx);
      const nonce = randomToken(16);
      const base = { created: now, expires: now + 60, nonce };
      const signed = signAs(device, req, {
        ...base,
        ...(m.kind === "wrong-key" ? { key: other.privateKey } : {}),
        ...(m.kind === "method" ? { method: m.method } : {}),
        ...(m.kind === "target-uri" ? { url: otherUris[m.which]! } : {}),
        ...(m.kind === "content-type" ? { contentType: m.value } : {}),
      });
      let headers = signed.headers;
      let what: string = m.kind;
      if (m.kind === "flip") {
        headers = {
          ...headers,
          signature: mapSignatureBytes(headers.signature!, (b) => {
            const out = Buffer.from(b);
            const at = m.bit % (out.length * 8);
            out[at >> 3]! ^= 1 << (at & 7);
            return out;
          }),
        };
        what = `bit ${m.bit} of the signature flipped`;
      } else if (m.kind === "truncate") {
        headers = {
          ...headers,
          signature: mapSignatureBytes(headers.signature!, (b) => b.subarray(0, m.keep % b.length)),
        };
        what = `signature truncated to ${m.keep} bytes`;
      } else if (m.kind === "param") {
        // Send the Signature-Input of other parameter values with the original signature.
        const changed = {
          ...base,
          ...(m.param === "created" ? { created: now - m.delta } : {}),
          ...(m.param === "expires" ? { expires: now + 60 + m.delta } : {}),
          ...(m.param === "nonce" ? { nonce: `${nonce}${m.delta}` } : {}),
        };
        const relabelled = signAs(device, req, changed);
        headers = { ...headers, "signature-input": relabelled.headers["signature-input"]! };
        what = `${m.param} changed after signing`;
      } else if (m.kind === "method") what = `signed as ${m.method}`;
      else if (m.kind === "target-uri") what = `signed for ${otherUris[m.which]}`;
      else if (m.kind === "content-type") what = `signed with Content-Type ${m.value}`;
      else what = "signed by another key";
      const res = await send(
        device,
        { body: req.body, headers },
        `signed re-registration (${device.key.kind}): ${what}`,
      );
      await expectSignatureRejected(ctx, res, device, ID);
    };
    // Every kind of mutation on each device first.
    for (const [which, { device }] of devices.entries()) {
      const examples: Mutation[] = [
        { kind: "flip", bit: 0 },
        { kind: "truncate", keep: 32 },
        { kind: "wrong-key" },
        { kind: "method", method: "GET" },
        ...otherUris.map((_u, i): Mutation => ({ kind: "target-uri", which: i })),
        { kind: "content-type", value: "application/json" },
        { kind: "param", param: "created", delta: 1 },
        { kind: "param", param: "expires", delta: 1 },
        { kind: "param", param: "nonce", delta: 1 },
      ];
      for (const m of examples) {
        await ctx.case(`${device.key.kind}: ${JSON.stringify(m)}`, () => rejected(which, m));
      }
    }
    const victim = devices[0]!.device;
    const peer = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig005-peer",
    });
    for (const asItself of [false, true]) {
      const what = asItself
        ? "signed as another device (its registered key and keyid)"
        : "signed by another device's registered key under this device's keyid";
      await ctx.wrongActor(ID, `${victim.key.kind}: ${what}`, async () => {
        const req = await reRegistration(victim, { client_description: "sig005 other device" });
        const signed = asItself
          ? signAs(peer, req)
          : signAs(victim, req, { key: peer.key.privateKey });
        const res = await send(
          victim,
          { body: req.body, headers: signed.headers },
          `signed re-registration of ${victim.device.clientId}: ${what}`,
        );
        await expectSignatureRejected(ctx, res, victim, ID);
      });
    }
    await ctx.property(
      "mutated signatures",
      fc.asyncProperty(fc.nat({ max: devices.length - 1 }), mutation, rejected),
    );
    await auditApproved(ctx, ...devices.map((d) => d.device));
  },
};
