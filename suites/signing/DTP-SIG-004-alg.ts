/**
 * DTP-SIG-004 (MUST, RFC 9421 §3.2, §3.3, §7.3.6):
 * "The signature's `alg` MUST be one of `dtp_http_signature_algs_supported` and match the
 * device key (`ed25519` for Ed25519, `rsa-pss-sha512` or `rsa-v1_5-sha256` for RSA,
 * `ecdsa-p256-sha256` for EC P-256); otherwise the request MUST be rejected with 401
 * `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): a rejected signed re-registration creates no registration and leaves
 * the device unchanged.
 *
 * Three devices (Ed25519, RSA, EC P-256 in an x509 certificate). Property: a
 * re-registration whose signature bytes are made correctly with the device key, but whose
 * declared `alg` is another DTP algorithm that does not fit the key, an algorithm DTP does
 * not know (generated names and near misses like `ED25519`, `rsa-pss-sha256`), or a
 * fitting algorithm the target does not declare, → 401; so is an RSA signature made with
 * one RSA algorithm and declared as the other.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import {
  type DeviceKey,
  declaredKeyTypes,
  declaredList,
  generateDeviceKey,
  type HttpSignatureAlg,
  type KeyType,
} from "../../src/client/index.ts";
import { HTTP_SIGNATURE_ALGS, httpSignatureAlgsForKey } from "../../src/protocol/http-signature.ts";
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
  usableSignatureAlgs,
} from "./_sig.ts";

const ID = "DTP-SIG-004";

const NEAR_MISSES = [
  "ED25519",
  "Ed25519",
  "eddsa",
  "EdDSA",
  "rsa-pss-sha256",
  "rsa-pss-sha384",
  "rsa-v1_5-sha512",
  "RS256",
  "PS512",
  "ecdsa-p384-sha384",
  "ES256",
  "hmac-sha256",
  "none",
  "",
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "alg must be declared and match the device key (other, unknown, undeclared, mismatched alg → 401 invalid_signature)",
    specRef: "RFC 9421 §3.2, §3.3, §7.3.6",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const declared = declaredList(ctx.target, "dtp_http_signature_algs_supported");
    const keyTypes = declaredKeyTypes(ctx.target);
    const plan: { kind: "ed25519" | "rsa" | "ec-p256"; keyType: KeyType }[] = [
      { kind: "ed25519", keyType: "ed25519" },
      { kind: "rsa", keyType: "rsa" },
      { kind: "ec-p256", keyType: "x509" },
    ];
    const devices: SigDevice[] = [];
    for (const p of plan) {
      if (!keyTypes.includes(p.keyType) || usableSignatureAlgs(ctx, p.kind).length === 0) {
        ctx.note(`${p.kind} (${p.keyType}) not declared by the target: not tested`);
        continue;
      }
      const key: DeviceKey = await generateDeviceKey(p.kind);
      const device = await sigDevice(ctx, key, p.keyType, { label: `sig004-${p.kind}` });
      await expectSignatureAccepted(
        ctx,
        await send(
          device,
          await signedReRegistration(device),
          `control: valid signature (${p.kind})`,
        ),
        device,
        "DTP-SIG-001",
      );
      devices.push(device);
    }
    if (devices.length === 0)
      ctx.notClaimed("the target declares no usable key type / algorithm pair");

    /** Algorithm names acceptable for a device: declared and fitting its key. */
    const acceptable = (d: SigDevice) => usableSignatureAlgs(ctx, d.key.kind) as string[];

    const declaredAlg = fc.oneof(
      fc.constantFrom(...HTTP_SIGNATURE_ALGS),
      fc.constantFrom(...NEAR_MISSES),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/),
    );
    const arb = fc
      .record({
        device: fc.constantFrom(...devices),
        alg: declaredAlg,
        // For RSA keys: which fitting algorithm makes the signature bytes.
        rsaSignWith: fc.constantFrom<HttpSignatureAlg>("rsa-pss-sha512", "rsa-v1_5-sha256"),
      })
      .filter(({ device, alg }) => !acceptable(device).includes(alg));
    // RSA: a signature made with one RSA algorithm, declared as the other (both fitting).
    const rsa = devices.find((d) => d.key.kind === "rsa");
    const crossed = rsa
      ? (["rsa-pss-sha512", "rsa-v1_5-sha256"] as const)
          .filter((a) => acceptable(rsa).includes(a))
          .map((a) => ({
            device: rsa,
            alg: a as string,
            rsaSignWith: (a === "rsa-pss-sha512"
              ? "rsa-v1_5-sha256"
              : "rsa-pss-sha512") as HttpSignatureAlg,
          }))
      : [];
    // Fitting algorithms the target does not declare must be refused too.
    const undeclared = devices.flatMap((d) =>
      httpSignatureAlgsForKey(d.key.kind)
        .filter((a) => !declared.includes(a))
        .map((a) => ({ device: d, alg: a as string, rsaSignWith: a })),
    );

    type Attempt = { device: SigDevice; alg: string; rsaSignWith: HttpSignatureAlg };
    const attempt = async (c: Attempt): Promise<void> => {
      const signWith = c.device.key.kind === "rsa" ? c.rsaSignWith : c.device.alg;
      const signed = signAs(
        c.device,
        await reRegistration(c.device, { client_description: "sig004 alg" }),
        { alg: c.alg, signWith },
      );
      const res = await send(
        c.device,
        signed,
        `signed re-registration: ${c.device.key.kind} key, signed ${signWith}, alg=${JSON.stringify(c.alg)}`,
      );
      await expectSignatureRejected(ctx, res, c.device, ID);
    };

    const label = (c: Attempt) =>
      `${c.device.key.kind} key, signed ${c.device.key.kind === "rsa" ? c.rsaSignWith : c.device.alg}, alg=${JSON.stringify(c.alg)}`;
    for (const c of [...crossed, ...undeclared]) await ctx.case(label(c), () => attempt(c));
    // Every other DTP algorithm and a few near misses on each device, then generated ones.
    const examples = devices.flatMap((device) =>
      [...HTTP_SIGNATURE_ALGS, "ED25519", "none", ""]
        .filter((alg) => !acceptable(device).includes(alg))
        .map((alg): Attempt => ({ device, alg, rsaSignWith: "rsa-pss-sha512" })),
    );
    for (const c of examples) await ctx.case(label(c), () => attempt(c));
    await ctx.property("declared alg names", fc.asyncProperty(arb, attempt));
    await auditApproved(ctx, ...devices);
  },
};
