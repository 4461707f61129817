/**
 * Key material for registration tests: keys of kinds DTP does not take (EC P-384, X25519,
 * Ed448, short RSA), certificates for any key pair, encodings (base64 with or without
 * padding, PEM armour), and arbitraries of invalid encodings (a character outside the
 * alphabet, `=` inside, a length of 1 mod 4, truncated DER, random bytes). RSA keys are slow
 * to make: {@link sharedRsaKey} makes each size once per process.
 */
import { type KeyObject, generateKeyPair as nodeGenerateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import fc from "fast-check";
import { type DeviceKey, generateDeviceKey, loadX509, type X509Module } from "./keys.ts";

const generate = promisify(nodeGenerateKeyPair);
const rsaKeys = new Map<number, Promise<DeviceKey>>();

/** An RSA key of `bits`, generated once per process and shared. */
export function sharedRsaKey(bits = 2048): Promise<DeviceKey> {
  let key = rsaKeys.get(bits);
  if (!key) {
    key = generateDeviceKey("rsa", { rsaBits: bits });
    rsaKeys.set(bits, key);
  }
  return key;
}

/** A key pair of a type the DTP key kinds do not cover. */
export async function otherKeyPair(
  type: "ec-p384" | "x25519" | "ed448",
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (type) {
    case "ec-p384":
      return generate("ec", { namedCurve: "P-384" });
    case "x25519":
      return generate("x25519");
    case "ed448":
      return generate("ed448");
  }
}

/** The DER SubjectPublicKeyInfo of a public key. */
export function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: "der", type: "spki" });
}

/**
 * A DER self-signed certificate for any key pair WebCrypto can sign with (keys that
 * `selfSignedCertificate` does not take: EC P-384, short RSA).
 */
export async function certificateFor(
  pair: { privateKey: KeyObject; publicKey: KeyObject },
  algorithm:
    | { name: "ECDSA"; namedCurve: "P-256" | "P-384"; hash: "SHA-256" | "SHA-384" }
    | { name: "RSASSA-PKCS1-v1_5"; hash: "SHA-256" },
): Promise<Buffer> {
  const x509 = await loadX509();
  type Params = Parameters<X509Module["X509CertificateGenerator"]["createSelfSigned"]>[0];
  const keys = {
    privateKey: pair.privateKey.toCryptoKey(algorithm, false, ["sign"]),
    publicKey: pair.publicKey.toCryptoKey(algorithm, true, ["verify"]),
  } as unknown as Params["keys"];
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(7).toString("hex")}`,
    name: "CN=DTP kit test key",
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return Buffer.from(cert.rawData);
}

/** Standard base64, with or without padding. */
export function b64(der: Uint8Array, pad = true): string {
  const s = Buffer.from(der).toString("base64");
  return pad ? s : s.replace(/=+$/, "");
}

/** PEM armour of a DER value (not base64 DER: a server must refuse it). */
export function pem(der: Uint8Array, label: string): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A value to send as `public_key`, with what it is (shown in transcripts and failures). */
export interface KeyMaterial {
  label: string;
  value: string;
}

const NOT_BASE64 = [..."!*.@#$%&()[]{}<>?,;:'\"\\^`|~-_"];

/**
 * Invalid standard base64 made from a valid encoding: a character outside the alphabet
 * inserted (a lenient decoder that skips it would see the original key), the URL-safe
 * alphabet, `=` inside the data, or a length of 1 mod 4.
 */
export function invalidBase64Arb(valid: KeyMaterial): fc.Arbitrary<KeyMaterial> {
  const unpadded = valid.value.replace(/=+$/, "");
  const arbs: fc.Arbitrary<KeyMaterial>[] = [
    fc
      .record({ ch: fc.constantFrom(...NOT_BASE64), at: fc.nat({ max: unpadded.length }) })
      .map(({ ch, at }) => ({
        label: `${valid.label} with ${JSON.stringify(ch)} inserted at ${at}`,
        value: unpadded.slice(0, at) + ch + unpadded.slice(at),
      })),
    fc.integer({ min: 1, max: Math.max(1, unpadded.length - 2) }).map((at) => ({
      label: `${valid.label} with "=" inside at ${at}`,
      value: `${unpadded.slice(0, at)}=${unpadded.slice(at)}`,
    })),
    fc.nat({ max: Math.max(0, Math.floor((unpadded.length - 1) / 4)) }).map((k) => ({
      label: `${valid.label} cut to ${4 * k + 1} characters`,
      value: unpadded.slice(0, 4 * k + 1),
    })),
  ];
  const urlSafe = valid.value.replace(/\+/g, "-").replace(/\//g, "_");
  if (urlSafe !== valid.value) {
    arbs.push(fc.constant({ label: `${valid.label} in the URL-safe alphabet`, value: urlSafe }));
  }
  return fc.oneof(...arbs);
}

/** Random bytes as base64 (never a valid key of any kind), lengths in [min, max] except `not`. */
export function randomBytesArb(min: number, max: number, not?: number): fc.Arbitrary<KeyMaterial> {
  return fc
    .uint8Array({ minLength: min, maxLength: max })
    .filter((b) => b.length !== not)
    .map((b) => ({ label: `${b.length} random bytes`, value: b64(b) }));
}

/** The DER cut by 1..n-1 bytes at the end (never valid DER), except to `notLength` bytes. */
export function truncatedArb(
  label: string,
  der: Buffer,
  notLength?: number,
): fc.Arbitrary<KeyMaterial> {
  return fc
    .integer({ min: 1, max: der.length - 1 })
    .filter((k) => der.length - k !== notLength)
    .map((k) => ({
      label: `${label} without its last ${k} bytes`,
      value: b64(der.subarray(0, der.length - k)),
    }));
}
