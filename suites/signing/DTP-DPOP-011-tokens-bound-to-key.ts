/**
 * DTP-DPOP-011 (MUST, RFC 9449 §5, §6.1):
 * "When a token request carrying a valid DPoP proof is answered with an access token bound
 * to the proof's key, `token_type` MUST be `DPoP` (and `Bearer` when the token is not
 * bound), and a bound JWT access token MUST carry `cnf.jkt` equal to the thumbprint of the
 * proof's key."
 *
 * DTP-DPOP-053 (MUST, DTP; RFC 9449 §5):
 * "A DTP server MUST bind to the proof's key every access token it issues to a request
 * carrying a valid DPoP proof (`token_type` `DPoP`), also for a device without a registered
 * key."
 *
 * Devices with a key of each kind, registered in each encoding: Ed25519 as the raw 32 bytes
 * (proofs EdDSA), EC P-256 as an X.509 certificate (ES256), RSA as an SPKI (PS256). For each,
 * the device-code redemption and a refresh must answer `token_type: DPoP` with an access
 * token whose `cnf.jkt` is the key's RFC 7638 thumbprint (read from the JWT, or from
 * introspection for an opaque token). A token typed Bearer fails 011 when it carries
 * `cnf.jkt`; without one it is allowed outside DTP (RFC 9449 §5 lets a server issue unbound
 * tokens) and fails 053 on a DTP target. The keyless half is checked with DTP-DPOP-013.
 */
import type { Check } from "../../src/check/check.ts";
import { approvedDevice, type NewDeviceOptions } from "../../src/client/kit/index.ts";
import { expectBoundTo } from "./_dpop.ts";

const ID = "DTP-DPOP-011";

const DEVICES: NewDeviceOptions[] = [
  { label: "dpop-bind-ed", kind: "ed25519", keyType: "ed25519", rawEd25519: true },
  { label: "dpop-bind-ec", kind: "ec-p256", keyType: "x509" },
  { label: "dpop-bind-rsa", kind: "rsa", keyType: "rsa", dpopAlg: "PS256" },
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-053"],
    level: "MUST",
    area: "signing",
    title: "Tokens of a keyed device are DPoP-bound: token_type DPoP, cnf.jkt = key thumbprint",
    specRef: "RFC 9449 §5, §6.1; RFC 7638",
    requires: ["dpop", "device_code", "refresh_token", "admin"],
  },
  async run(ctx) {
    for (const d of DEVICES) {
      await ctx.case(`${d.kind} key as ${d.keyType}`, async () => {
        const { device, tokens } = await approvedDevice(ctx, d);
        const jkt = device.key!.jkt;
        await expectBoundTo(ctx, device, tokens.tokens, jkt, ID);
        tokens.tokens = await device.refreshed(tokens.tokens, { requirement: ID });
        await expectBoundTo(ctx, device, tokens.tokens, jkt, ID);
      });
    }
  },
};
