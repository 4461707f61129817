import type { KeyKind } from "../../src/protocol/jwk.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  type ParsedKey,
  parseRegisteredKey,
  registrationKeyFields,
} from "../../src/protocol/keys.ts";

export const KINDS: readonly KeyKind[] = ["rsa", "ec-p256", "ed25519"];

export interface KeyFixture {
  readonly device: DeviceKey;
  /** The same key as the server sees it after registration (as an X.509 certificate). */
  readonly parsed: ParsedKey;
}

/** One key of each kind (RSA generation is slow: call once per file, in `beforeAll`). */
export async function keyFixtures(): Promise<Record<KeyKind, KeyFixture>> {
  const entries = await Promise.all(
    KINDS.map(async (kind) => {
      const device = await generateDeviceKey(kind);
      const fields = await registrationKeyFields(device, "x509");
      const parsed = parseRegisteredKey(fields.public_key, fields.key_type);
      if (!parsed.ok) throw new Error(parsed.reason);
      return [kind, { device, parsed }] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<KeyKind, KeyFixture>;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
