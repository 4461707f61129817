/**
 * DTP-DPOP-011 (MUST, RFC 9449 §5, §6.1):
 * "When a `/token` request that issues an access token carries a valid DPoP proof, the
 * response MUST have `token_type` `DPoP` and the access token MUST carry `cnf.jkt` equal to
 * the thumbprint of the proof's key (also for a device without a registered key)."
 *
 * Devices with a key of each kind, registered in each encoding: Ed25519 as the raw 32 bytes
 * (proofs EdDSA), EC P-256 as an X.509 certificate (ES256), RSA as an SPKI (PS256). For each,
 * the device-code redemption and a refresh must answer `token_type: DPoP` with an access
 * token whose `cnf.jkt` is the key's RFC 7638 thumbprint (read from the JWT, or from
 * introspection for an opaque token). The keyless half is checked with DTP-DPOP-013.
 */
import type { Check } from "../../src/check/check.ts";
import { expectBoundTo, keyedDevice, refreshDevice } from "./_dpop-helpers.ts";

const ID = "DTP-DPOP-011";

const DEVICES = [
  { label: "dpop-bind-ed", kind: "ed25519", keyType: "ed25519", rawEd25519: true },
  { label: "dpop-bind-ec", kind: "ec-p256", keyType: "x509" },
  { label: "dpop-bind-rsa", kind: "rsa", keyType: "rsa", alg: "PS256" },
] as const;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title: "Tokens of a keyed device are DPoP-bound: token_type DPoP, cnf.jkt = key thumbprint",
    specRef: "RFC 9449 §5, §6.1; RFC 7638",
    requires: ["dpop", "device_code", "refresh_token", "admin"],
  },
  async run(ctx) {
    await Promise.all(
      DEVICES.map(async (d) => {
        const dev = await keyedDevice(ctx, ID, d);
        await expectBoundTo(ctx, dev.clientId, dev.tokens, dev.key.jkt, ID);
        await refreshDevice(ctx, dev, ID);
        await expectBoundTo(ctx, dev.clientId, dev.tokens, dev.key.jkt, ID);
      }),
    );
  },
};
