/**
 * Registered device keys (`public_key` + `key_type` at `/register`): parsing for the
 * server, generation and encoding for the kit.
 */
import {
  createPublicKey,
  type KeyObject,
  X509Certificate as NodeX509Certificate,
  generateKeyPair as nodeGenerateKeyPair,
  webcrypto,
} from "node:crypto";
import { promisify } from "node:util";
import type { JWK } from "jose";
import { jwkThumbprint, type KeyKind } from "./jwk.ts";
import { ensureReflectMetadata } from "./reflect-metadata-shim.ts";

/** The `key_type` values of the wire contract. */
export type KeyType = "rsa" | "x509" | "ed25519";
export const KEY_TYPES: readonly KeyType[] = ["rsa", "x509", "ed25519"];

/** Minimum RSA modulus length in bits. */
export const MIN_RSA_BITS = 2048;

/** A registered key the server accepted. */
export interface ParsedKey {
  readonly ok: true;
  readonly keyType: KeyType;
  /** Node public key. */
  readonly keyObject: KeyObject;
  /** Public JWK (key members only). */
  readonly jwk: JWK;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  readonly jkt: string;
  readonly kind: KeyKind;
}

/** Why a registered key was refused; `reason` quotes the field. */
export interface KeyError {
  readonly ok: false;
  readonly field: "public_key" | "key_type";
  readonly reason: string;
}

export function isKeyType(value: unknown): value is KeyType {
  return typeof value === "string" && (KEY_TYPES as readonly string[]).includes(value);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard base64 (padding optional). Rejects the URL-safe alphabet, whitespace,
 * bad padding and non-canonical trailing bits; returns `undefined` then.
 */
export function decodeStrictBase64(input: string): Buffer | undefined {
  if (!BASE64.test(input)) return undefined;
  const body = input.replace(/=+$/, "");
  const pad = input.length - body.length;
  if (body.length % 4 === 1) return undefined;
  if (pad > 0 && input.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(body, "base64");
  if (bytes.toString("base64").replace(/=+$/, "") !== body) return undefined;
  return bytes;
}

const fail = (reason: string, field: KeyError["field"] = "public_key"): KeyError => ({
  ok: false,
  field,
  reason,
});

/**
 * Parses a registered key as the server receives it. Never throws.
 *
 * - `rsa`: base64 DER SubjectPublicKeyInfo of an RSA key of at least 2048 bits.
 * - `x509`: base64 DER X.509 certificate whose key is RSA (≥ 2048), EC P-256 or Ed25519.
 *   Only the key is used: validity dates and the signature are not checked.
 * - `ed25519`: base64 DER SubjectPublicKeyInfo of an Ed25519 key, or the raw 32 bytes.
 *
 * @example
 * const parsed = parseRegisteredKey(form.public_key, form.key_type);
 * if (!parsed.ok) return badRequest("invalid_request", parsed.reason);
 * device.jkt = parsed.jkt;
 */
export function parseRegisteredKey(
  publicKeyB64: string,
  keyType: KeyType | string,
): ParsedKey | KeyError {
  if (!isKeyType(keyType))
    return fail(`"key_type" must be one of ${KEY_TYPES.join(", ")}`, "key_type");
  if (typeof publicKeyB64 !== "string" || publicKeyB64.length === 0)
    return fail('"public_key" is empty');
  const der = decodeStrictBase64(publicKeyB64);
  if (der === undefined || der.length === 0) return fail('"public_key" is not valid base64');
  switch (keyType) {
    case "rsa":
      return parseRsaSpki(der);
    case "ed25519":
      return parseEd25519(der);
    case "x509":
      return parseCertificate(der);
  }
}

function spki(der: Buffer): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: der, format: "der", type: "spki" });
    // Reject trailing bytes and non-canonical encodings: the DER must round-trip.
    if (!key.export({ format: "der", type: "spki" }).equals(der)) return undefined;
    return key;
  } catch {
    return undefined;
  }
}

function accept(keyType: KeyType, keyObject: KeyObject, kind: KeyKind): ParsedKey {
  const full = keyObject.export({ format: "jwk" }) as JWK;
  const jwk: JWK =
    kind === "rsa"
      ? { kty: "RSA", n: full.n!, e: full.e! }
      : kind === "ec-p256"
        ? { kty: "EC", crv: "P-256", x: full.x!, y: full.y! }
        : { kty: "OKP", crv: "Ed25519", x: full.x! };
  return { ok: true, keyType, keyObject, jwk, jkt: jwkThumbprint(jwk), kind };
}

function checkRsa(keyType: KeyType, key: KeyObject): ParsedKey | KeyError {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    return fail(`"public_key" RSA keys must be at least ${MIN_RSA_BITS} bits (got ${bits})`);
  return accept(keyType, key, "rsa");
}

function parseRsaSpki(der: Buffer): ParsedKey | KeyError {
  const key = spki(der);
  if (key === undefined) return fail('"public_key" is not a DER SubjectPublicKeyInfo');
  if (key.asymmetricKeyType !== "rsa")
    return fail('"public_key" is not an RSA SubjectPublicKeyInfo');
  return checkRsa("rsa", key);
}

function parseEd25519(der: Buffer): ParsedKey | KeyError {
  if (der.length === 32) {
    try {
      const key = createPublicKey({
        key: { kty: "OKP", crv: "Ed25519", x: der.toString("base64url") },
        format: "jwk",
      });
      return accept("ed25519", key, "ed25519");
    } catch {
      return fail('"public_key" is not a valid raw Ed25519 key');
    }
  }
  const key = spki(der);
  if (key === undefined)
    return fail('"public_key" is neither a raw 32-byte Ed25519 key nor a DER SubjectPublicKeyInfo');
  if (key.asymmetricKeyType !== "ed25519")
    return fail('"public_key" is not an Ed25519 SubjectPublicKeyInfo');
  return accept("ed25519", key, "ed25519");
}

function parseCertificate(der: Buffer): ParsedKey | KeyError {
  let cert: NodeX509Certificate;
  try {
    cert = new NodeX509Certificate(der);
  } catch {
    return fail('"public_key" is not a DER X.509 certificate');
  }
  if (!cert.raw.equals(der)) return fail('"public_key" is not a DER X.509 certificate');
  const key = cert.publicKey;
  switch (key.asymmetricKeyType) {
    case "rsa":
      return checkRsa("x509", key);
    case "ec":
      if (key.asymmetricKeyDetails?.namedCurve !== "prime256v1")
        return fail('"public_key" certificate EC keys must be on curve P-256');
      return accept("x509", key, "ec-p256");
    case "ed25519":
      return accept("x509", key, "ed25519");
    default:
      return fail(
        `"public_key" certificate key type ${String(key.asymmetricKeyType)} is not supported (RSA, EC P-256, Ed25519)`,
      );
  }
}

// ---------------------------------------------------------------------------------------
// Kit side: generate keys and encode them for registration.

/** A device key pair held by the kit. */
export interface DeviceKey {
  readonly kind: KeyKind;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public JWK (key members only). */
  readonly jwk: JWK;
  readonly jkt: string;
}

const generate = promisify(nodeGenerateKeyPair);

/**
 * Generates a device key. RSA keys are 2048 bits (slow: generate once and reuse).
 *
 * @example
 * const key = await generateDeviceKey("ec-p256");
 */
export async function generateDeviceKey(
  kind: KeyKind,
  options: { rsaBits?: number } = {},
): Promise<DeviceKey> {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (kind) {
    case "rsa":
      pair = await generate("rsa", { modulusLength: options.rsaBits ?? MIN_RSA_BITS });
      break;
    case "ec-p256":
      pair = await generate("ec", { namedCurve: "P-256" });
      break;
    case "ed25519":
      pair = await generate("ed25519");
      break;
  }
  return deviceKeyFromKeyObjects(kind, pair.privateKey, pair.publicKey);
}

/** Wraps an existing key pair as a {@link DeviceKey}. */
export function deviceKeyFromKeyObjects(
  kind: KeyKind,
  privateKey: KeyObject,
  publicKey: KeyObject,
): DeviceKey {
  const { jwk, jkt } = accept("rsa", publicKey, kind);
  return { kind, privateKey, publicKey, jwk, jkt };
}

/** The registration form fields for a key. */
export interface RegistrationKeyFields {
  public_key: string;
  key_type: KeyType;
}

export type X509Module = typeof import("@peculiar/x509");
type SelfSignedParams = Parameters<X509Module["X509CertificateGenerator"]["createSelfSigned"]>[0];

let x509Module: Promise<X509Module> | undefined;

/** Loads @peculiar/x509 lazily (kit only), with its crypto provider set to node's WebCrypto. */
export function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    ensureReflectMetadata();
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

/**
 * Encodes a key for `/register`: `rsa` and `ed25519` as base64 DER SPKI (or, with
 * `rawEd25519`, the raw 32 bytes); `x509` as a fresh self-signed certificate for the key.
 *
 * @example
 * const form = { client_id, client_type, ...(await registrationKeyFields(key, "x509")) };
 */
export async function registrationKeyFields(
  key: DeviceKey,
  keyType: KeyType,
  options: { rawEd25519?: boolean; subject?: string } = {},
): Promise<RegistrationKeyFields> {
  const spkiDer = key.publicKey.export({ format: "der", type: "spki" });
  switch (keyType) {
    case "rsa":
      return { public_key: spkiDer.toString("base64"), key_type: "rsa" };
    case "ed25519":
      if (options.rawEd25519 === true)
        return {
          public_key: Buffer.from(key.jwk.x!, "base64url").toString("base64"),
          key_type: "ed25519",
        };
      return { public_key: spkiDer.toString("base64"), key_type: "ed25519" };
    case "x509": {
      const der = await selfSignedCertificate(key, options.subject ?? "CN=DTP device");
      return { public_key: der.toString("base64"), key_type: "x509" };
    }
  }
}

/** A DER self-signed X.509 certificate for the key (valid from one hour ago, for a year). */
export async function selfSignedCertificate(
  key: DeviceKey,
  subject = "CN=DTP device",
): Promise<Buffer> {
  const x509 = await loadX509();
  const algorithm =
    key.kind === "rsa"
      ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
      : key.kind === "ec-p256"
        ? { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }
        : { name: "Ed25519" };
  const keys = {
    privateKey: key.privateKey.toCryptoKey(algorithm, false, ["sign"]),
    publicKey: key.publicKey.toCryptoKey(algorithm, true, ["verify"]),
  } as unknown as SelfSignedParams["keys"];
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    name: subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return Buffer.from(cert.rawData);
}
