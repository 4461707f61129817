import { generateKeyPairSync, webcrypto } from "node:crypto";
import fc from "fast-check";
import { calculateJwkThumbprint } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { algsForKey } from "../../src/protocol/jwk.ts";
import {
  decodeStrictBase64,
  deviceKeyFromKeyObjects,
  parseRegisteredKey,
  registrationKeyFields,
  selfSignedCertificate,
} from "../../src/protocol/keys.ts";
import { ensureReflectMetadata } from "../../src/protocol/reflect-metadata-shim.ts";
import { type KeyFixture, KINDS, keyFixtures } from "./fixtures.ts";

let keys: Record<(typeof KINDS)[number], KeyFixture>;
beforeAll(async () => {
  keys = await keyFixtures();
});

const reason = (r: ReturnType<typeof parseRegisteredKey>): string => (r.ok ? "accepted" : r.reason);

describe("parseRegisteredKey: accepted encodings", () => {
  it.each(KINDS)("x509 certificate with a %s key", async (kind) => {
    const { device } = keys[kind];
    const fields = await registrationKeyFields(device, "x509");
    const parsed = parseRegisteredKey(fields.public_key, "x509");
    expect(parsed.ok && parsed.kind).toBe(kind);
    if (!parsed.ok) return;
    expect(parsed.keyType).toBe("x509");
    expect(parsed.jkt).toBe(device.jkt);
    expect(parsed.jkt).toBe(await calculateJwkThumbprint(parsed.jwk, "sha256"));
    expect(parsed.keyObject.type).toBe("public");
    expect(algsForKey(parsed.kind).length).toBeGreaterThan(0);
  });

  it("rsa SPKI", async () => {
    const fields = await registrationKeyFields(keys.rsa.device, "rsa");
    const parsed = parseRegisteredKey(fields.public_key, fields.key_type);
    expect(parsed.ok && parsed.jkt).toBe(keys.rsa.device.jkt);
  });

  it("ed25519 SPKI and raw 32 bytes give the same key", async () => {
    const spki = await registrationKeyFields(keys.ed25519.device, "ed25519");
    const raw = await registrationKeyFields(keys.ed25519.device, "ed25519", { rawEd25519: true });
    expect(Buffer.from(raw.public_key, "base64")).toHaveLength(32);
    const a = parseRegisteredKey(spki.public_key, "ed25519");
    const b = parseRegisteredKey(raw.public_key, "ed25519");
    expect(a.ok && b.ok && a.jkt === b.jkt && a.jkt === keys.ed25519.device.jkt).toBe(true);
  });

  it("padding is optional", async () => {
    const raw = await registrationKeyFields(keys.ed25519.device, "ed25519", { rawEd25519: true });
    expect(raw.public_key.endsWith("=")).toBe(true);
    expect(parseRegisteredKey(raw.public_key.replace(/=+$/, ""), "ed25519").ok).toBe(true);
  });
});

describe("parseRegisteredKey: rejections name the field", () => {
  it("unknown key_type", () => {
    const r = parseRegisteredKey("AAAA", "dsa");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.field).toBe("key_type");
  });

  it("empty and invalid base64", () => {
    expect(reason(parseRegisteredKey("", "rsa"))).toBe('"public_key" is empty');
    for (const bad of ["a", "ab=c", "abc==", "a b", "ab-_", "abcd\n"]) {
      expect(reason(parseRegisteredKey(bad, "rsa"))).toBe('"public_key" is not valid base64');
    }
  });

  it("base64 outside the standard alphabet is always rejected (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        fc.pre(/[^A-Za-z0-9+/=]/.test(s));
        return reason(parseRegisteredKey(s, "ed25519")) === '"public_key" is not valid base64';
      }),
    );
  });

  it("strict base64 decoding round-trips (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, pad) => {
        let b64 = Buffer.from(bytes).toString("base64");
        if (!pad) b64 = b64.replace(/=+$/, "");
        expect(decodeStrictBase64(b64)?.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it("key not matching key_type", async () => {
    const ec = await registrationKeyFields(keys["ec-p256"].device, "rsa"); // SPKI of an EC key
    expect(reason(parseRegisteredKey(ec.public_key, "rsa"))).toBe(
      '"public_key" is not an RSA SubjectPublicKeyInfo',
    );
    expect(reason(parseRegisteredKey(ec.public_key, "ed25519"))).toBe(
      '"public_key" is not an Ed25519 SubjectPublicKeyInfo',
    );
    expect(reason(parseRegisteredKey(ec.public_key, "x509"))).toBe(
      '"public_key" is not a DER X.509 certificate',
    );
    const cert = await registrationKeyFields(keys.rsa.device, "x509");
    expect(reason(parseRegisteredKey(cert.public_key, "rsa"))).toBe(
      '"public_key" is not a DER SubjectPublicKeyInfo',
    );
  });

  it("wrong lengths and trailing bytes", async () => {
    expect(reason(parseRegisteredKey(Buffer.alloc(31).toString("base64"), "ed25519"))).toMatch(
      /neither a raw 32-byte Ed25519 key nor a DER SubjectPublicKeyInfo/,
    );
    const spki = await registrationKeyFields(keys.rsa.device, "rsa");
    const trailing = Buffer.concat([
      Buffer.from(spki.public_key, "base64"),
      Buffer.from([0]),
    ]).toString("base64");
    expect(parseRegisteredKey(trailing, "rsa").ok).toBe(false);
    const cert = await registrationKeyFields(keys.ed25519.device, "x509");
    const certTrailing = Buffer.concat([
      Buffer.from(cert.public_key, "base64"),
      Buffer.from([0]),
    ]).toString("base64");
    expect(parseRegisteredKey(certTrailing, "x509").ok).toBe(false);
  });

  it("RSA keys below 2048 bits, as SPKI and in a certificate", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const spki = small.publicKey.export({ format: "der", type: "spki" }).toString("base64");
    expect(reason(parseRegisteredKey(spki, "rsa"))).toBe(
      '"public_key" RSA keys must be at least 2048 bits (got 1024)',
    );
    const device = deviceKeyFromKeyObjects("rsa", small.privateKey, small.publicKey);
    const cert = (await selfSignedCertificate(device)).toString("base64");
    expect(reason(parseRegisteredKey(cert, "x509"))).toBe(
      '"public_key" RSA keys must be at least 2048 bits (got 1024)',
    );
  });

  it("certificates with EC keys off P-256", async () => {
    ensureReflectMetadata();
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" };
    const pair = (await webcrypto.subtle.generateKey(alg, false, [
      "sign",
      "verify",
    ])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=p384",
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86400_000),
      signingAlgorithm: alg,
      keys: pair as unknown as Parameters<
        typeof x509.X509CertificateGenerator.createSelfSigned
      >[0]["keys"],
    });
    const b64 = Buffer.from(cert.rawData).toString("base64");
    expect(reason(parseRegisteredKey(b64, "x509"))).toBe(
      '"public_key" certificate EC keys must be on curve P-256',
    );
  });

  it("random bytes are never accepted as an RSA key (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        return !parseRegisteredKey(Buffer.from(bytes).toString("base64"), "rsa").ok;
      }),
      { numRuns: 200 },
    );
  });
});
