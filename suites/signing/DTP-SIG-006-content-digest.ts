/**
 * DTP-SIG-006 (MUST, RFC 9530 §2, §3; RFC 9421 §7.2.8):
 * "The server MUST recompute the SHA-256 digest of the received body and compare it with
 * the `Content-Digest` `sha-256` member; a missing `Content-Digest`, one without a
 * `sha-256` member, or a digest that differs from the body MUST be rejected with 401
 * `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * Property (the signature itself always verifies over the headers that are sent): the body
 * changed after signing (another valid registration form), a signed `Content-Digest` of
 * another body, no `Content-Digest`, one with only `sha-512` (correct) or only an unknown
 * algorithm, a wrong `sha-256` next to a correct `sha-512`, a truncated or malformed
 * `sha-256` → 401 `invalid_signature`, nothing registered.
 */
import { createHash } from "node:crypto";
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
  withoutHeaders,
} from "./_sig.ts";

const ID = "DTP-SIG-006";

type Mutation =
  | { kind: "body-changed" }
  | { kind: "digest-of-other-body" }
  | { kind: "no-content-digest" }
  | { kind: "sha-512-only" }
  | { kind: "unknown-algorithm-only"; alg: "md5" | "sha" | "unixsum" }
  | { kind: "wrong-sha-256-right-sha-512" }
  | { kind: "sha-256-truncated"; keep: number }
  | { kind: "sha-256-malformed"; value: string };

const b64 = (alg: string, data: string) => createHash(alg).update(data).digest("base64");

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "Content-Digest must carry the sha-256 of the received body (changed body, other digest, missing, no sha-256 → 401 invalid_signature)",
    specRef: "RFC 9530 §2, §3; RFC 9421 §7.2.8",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig006",
    });
    await expectSignatureAccepted(
      ctx,
      await send(device, await signedReRegistration(device), "control: valid signature"),
      device,
      "DTP-SIG-001",
    );

    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.constant<Mutation>({ kind: "body-changed" }),
      fc.constant<Mutation>({ kind: "digest-of-other-body" }),
      fc.constant<Mutation>({ kind: "no-content-digest" }),
      fc.constant<Mutation>({ kind: "sha-512-only" }),
      fc.record({
        kind: fc.constant("unknown-algorithm-only" as const),
        alg: fc.constantFrom("md5" as const, "sha" as const, "unixsum" as const),
      }),
      fc.constant<Mutation>({ kind: "wrong-sha-256-right-sha-512" }),
      fc.record({ kind: fc.constant("sha-256-truncated" as const), keep: fc.nat({ max: 31 }) }),
      fc.record({
        kind: fc.constant("sha-256-malformed" as const),
        value: fc.constantFrom("abc", '"abc"', "1", "?1", ":!!!:"),
      }),
    );
    // Two different, valid registration forms: the one sent and another one.
    const descriptions = fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9 ]{0,40}$/), fc.stringMatching(/^[A-Za-z0-9 ]{0,40}$/))
      .filter(([a, b]) => a !== b);

    const rejected = async (m: Mutation, [mine, theirs]: [string, string]) => {
      const req = await reRegistration(device, { client_description: `sig006 ${mine}` });
      const body = req.body;
      const otherBody = (await reRegistration(device, { client_description: `sig006 ${theirs}` }))
        .body;
      let sent = body;
      let digest: string | undefined;
      switch (m.kind) {
        case "body-changed":
          sent = otherBody;
          break;
        case "digest-of-other-body":
          digest = `sha-256=:${b64("sha256", otherBody)}:`;
          break;
        case "sha-512-only":
          digest = `sha-512=:${b64("sha512", body)}:`;
          break;
        case "unknown-algorithm-only":
          digest = `${m.alg}=:${b64(m.alg === "md5" ? "md5" : "sha1", body)}:`;
          break;
        case "wrong-sha-256-right-sha-512":
          digest = `sha-256=:${b64("sha256", otherBody)}:, sha-512=:${b64("sha512", body)}:`;
          break;
        case "sha-256-truncated":
          digest = `sha-256=:${createHash("sha256").update(body).digest().subarray(0, m.keep).toString("base64")}:`;
          break;
        case "sha-256-malformed":
          digest = `sha-256=${m.value}`;
          break;
        case "no-content-digest":
          break;
      }
      const signed = signAs(device, req, {
        ...(digest !== undefined ? { contentDigest: digest } : {}),
      });
      const headers =
        m.kind === "no-content-digest"
          ? withoutHeaders(signed.headers, "content-digest")
          : signed.headers;
      const res = await send(
        device,
        { body: sent, headers },
        `signed re-registration: ${m.kind}${"alg" in m ? ` ${m.alg}` : ""}${"keep" in m ? ` ${m.keep} bytes` : ""}${"value" in m ? ` ${m.value}` : ""}`,
      );
      await expectSignatureRejected(ctx, res, device, ID);
    };
    const examples: Mutation[] = [
      { kind: "body-changed" },
      { kind: "digest-of-other-body" },
      { kind: "no-content-digest" },
      { kind: "sha-512-only" },
      { kind: "unknown-algorithm-only", alg: "md5" },
      { kind: "wrong-sha-256-right-sha-512" },
      { kind: "sha-256-truncated", keep: 16 },
      { kind: "sha-256-malformed", value: "abc" },
    ];
    for (const m of examples) await ctx.case(JSON.stringify(m), () => rejected(m, ["a", "b"]));
    await ctx.property(
      "Content-Digest mutations",
      fc.asyncProperty(mutation, descriptions, rejected),
    );
    await auditApproved(ctx, device);
  },
};
