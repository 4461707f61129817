/**
 * A device's key pair, kept across restarts: generate it once, store it (PKCS #8 PEM, keep
 * the file private), load it again, and re-register with a signature by it.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import type { KeyKind } from "../protocol/jwk.ts";
import { type DeviceKey, deviceKeyFromKeyObjects } from "../protocol/keys.ts";

export { type DeviceKey, generateDeviceKey, type KeyType } from "../protocol/keys.ts";
export type { KeyKind };

/** The private key as PKCS #8 PEM (store it where only the device can read it). */
export function exportDeviceKey(key: DeviceKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/**
 * A device key from its PKCS #8 PEM (RSA, EC P-256 or Ed25519).
 *
 * @example
 * const key = importDeviceKey(readFileSync("device-key.pem", "utf8"));
 */
export function importDeviceKey(pem: string): DeviceKey {
  const privateKey = createPrivateKey(pem);
  const type = privateKey.asymmetricKeyType;
  const kind: KeyKind | undefined =
    type === "rsa"
      ? "rsa"
      : type === "ed25519"
        ? "ed25519"
        : type === "ec" && privateKey.asymmetricKeyDetails?.namedCurve === "prime256v1"
          ? "ec-p256"
          : undefined;
  if (kind === undefined) throw new TypeError(`unsupported device key type: ${type}`);
  return deviceKeyFromKeyObjects(kind, privateKey, createPublicKey(privateKey));
}
