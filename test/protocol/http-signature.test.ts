import { createPrivateKey } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  httpSignatureAlgsForKey,
  parseSignatureHeaders,
  type SignRequestOptions,
  signatureBase,
  signRequest,
  type VerifyRequestOptions,
  verifyRequestSignature,
} from "../../src/protocol/http-signature.ts";
import type { KeyKind } from "../../src/protocol/jwk.ts";
import { parseRegisteredKey } from "../../src/protocol/keys.ts";
import { type KeyFixture, KINDS, keyFixtures } from "./fixtures.ts";

let keys: Record<KeyKind, KeyFixture>;
let other: Record<KeyKind, KeyFixture>;
beforeAll(async () => {
  [keys, other] = await Promise.all([keyFixtures(), keyFixtures()]);
});

const NOW = 1_800_000_000;
const URL_ = "https://dtp.example/register";
const BODY = "client_id=printer-1&client_type=printer&response_type=device_code";
const CONTENT_TYPE = { "content-type": "application/x-www-form-urlencoded" };

function signed(kind: KeyKind, overrides: Partial<SignRequestOptions> = {}) {
  const device = keys[kind].device;
  const sig = signRequest({
    method: "POST",
    url: URL_,
    headers: CONTENT_TYPE,
    body: BODY,
    key: device.privateKey,
    keyid: device.jkt,
    created: NOW,
    expires: NOW + 60,
    ...overrides,
  });
  return { ...CONTENT_TYPE, ...sig };
}

function verify(
  kind: KeyKind,
  headers: Record<string, string>,
  overrides: Partial<VerifyRequestOptions> = {},
) {
  return verifyRequestSignature({
    method: "POST",
    url: URL_,
    headers,
    body: BODY,
    key: keys[kind].parsed,
    now: NOW,
    maxAge: 300,
    skew: 5,
    ...overrides,
  });
}

const kindAndAlg = fc.constantFrom(
  ...KINDS.flatMap((kind) => httpSignatureAlgsForKey(kind).map((alg) => ({ kind, alg }))),
);

describe("RFC 9421 test vector B.2.6 (Ed25519)", () => {
  it("reproduces the RFC's Signature-Input and Signature", () => {
    const privateKey = createPrivateKey({
      key: {
        kty: "OKP",
        crv: "Ed25519",
        d: "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU",
        x: "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
      },
      format: "jwk",
    });
    const out = signRequest({
      method: "POST",
      url: "http://example.com/foo?param=Value&Pet=dog",
      headers: {
        Host: "example.com",
        Date: "Tue, 20 Apr 2021 02:07:55 GMT",
        "Content-Type": "application/json",
        "Content-Length": "18",
      },
      body: '{"hello": "world"}',
      key: privateKey,
      keyid: "test-key-ed25519",
      created: 1618884473,
      expires: null,
      nonce: null,
      alg: null,
      signWith: "ed25519",
      label: "sig-b26",
      components: ["date", "@method", "@path", "@authority", "content-type", "content-length"],
    });
    expect(out["signature-input"]).toBe(
      'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
    );
    expect(out.signature).toBe(
      "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:",
    );
    const pub = parseRegisteredKey(
      Buffer.from("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", "base64url").toString("base64"),
      "ed25519",
    );
    if (!pub.ok) throw new Error(pub.reason);
    const r = verifyRequestSignature({
      method: "POST",
      url: "http://example.com/foo?param=Value&Pet=dog",
      headers: {
        date: "Tue, 20 Apr 2021 02:07:55 GMT",
        "content-type": "application/json",
        "content-length": "18",
        ...out,
      },
      body: '{"hello": "world"}',
      key: pub,
      now: 1618884473,
      maxAge: 300,
      skew: 5,
      requiredComponents: ["@method"],
      requireNonce: false,
    });
    // The RFC example has no expires; DTP requires it.
    expect(r).toEqual({ ok: false, reason: '"expires" is missing' });
  });

  it("builds the §2.5 signature base", () => {
    const base = signatureBase(
      {
        method: "POST",
        url: "https://dtp.example/register",
        headers: { "Content-Type": "  a/b  ", "content-digest": "x" },
      },
      ["@method", "@target-uri", "content-type"],
      '("@method" "@target-uri" "content-type");created=1',
    );
    expect(base).toEqual({
      ok: true,
      base:
        '"@method": POST\n"@target-uri": https://dtp.example/register\n"content-type": a/b\n' +
        '"@signature-params": ("@method" "@target-uri" "content-type");created=1',
    });
  });
});

describe("signRequest / verifyRequestSignature round trip", () => {
  it.each(
    KINDS.flatMap((kind) => httpSignatureAlgsForKey(kind).map((alg) => [kind, alg] as const)),
  )("%s with %s", (kind, alg) => {
    const headers = signed(kind, { alg, nonce: "n-1" });
    const r = verify(kind, headers);
    expect(r).toEqual({
      ok: true,
      params: {
        label: "sig1",
        components: ["@method", "@target-uri", "content-digest", "content-type"],
        created: NOW,
        expires: NOW + 60,
        nonce: "n-1",
        keyid: keys[kind].device.jkt,
        alg,
      },
    });
    const parsed = parseSignatureHeaders(headers);
    expect(parsed.ok && parsed.signature.length).toBeGreaterThan(0);
  });

  it("accepts node-style multi-value headers and Headers objects", () => {
    const headers = signed("ed25519");
    expect(verify("ed25519", {}, { headers: new Headers(headers) }).ok).toBe(true);
  });

  it("alg may be omitted for Ed25519 and EC keys, not for RSA", () => {
    expect(verify("ed25519", signed("ed25519", { alg: null, signWith: "ed25519" })).ok).toBe(true);
    expect(
      verify("ec-p256", signed("ec-p256", { alg: null, signWith: "ecdsa-p256-sha256" })).ok,
    ).toBe(true);
    expect(verify("rsa", signed("rsa", { alg: null, signWith: "rsa-pss-sha512" }))).toEqual({
      ok: false,
      reason: '"alg" is required for RSA keys',
    });
  });
});

describe("mutations are rejected (properties)", () => {
  it("stale, future and expired times", () => {
    fc.assert(
      fc.property(kindAndAlg, fc.integer({ min: 1, max: 100_000 }), ({ kind, alg }, delta) => {
        // created older than maxAge + skew
        expect(
          verify(kind, signed(kind, { alg, created: NOW - 305 - delta, expires: NOW + 60 })).ok,
        ).toBe(false);
        // created in the future beyond skew
        expect(
          verify(kind, signed(kind, { alg, created: NOW + 5 + delta, expires: NOW + 6 + delta }))
            .ok,
        ).toBe(false);
        // expired
        expect(
          verify(kind, signed(kind, { alg, created: NOW - 10, expires: NOW - 5 - (delta % 5) })).ok,
        ).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it("times inside the window are accepted", () => {
    fc.assert(
      fc.property(fc.integer({ min: -305, max: 5 }), fc.integer({ min: -4, max: 1000 }), (c, e) => {
        expect(
          verify("ed25519", signed("ed25519", { created: NOW + c, expires: NOW + e })).ok,
        ).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("any change of method, target, body or content type", () => {
    fc.assert(
      fc.property(
        kindAndAlg,
        fc.oneof(
          fc.record({ method: fc.constantFrom("GET", "PUT", "post", "DELETE") }),
          fc.record({
            url: fc.constantFrom(
              `${URL_}?x=1`,
              "https://dtp.example/token",
              "http://dtp.example/register",
              "https://evil.example/register",
            ),
          }),
          fc.record({ body: fc.string({ maxLength: 80 }).filter((b) => b !== BODY) }),
          fc.record({
            headers: fc.constant({ ...CONTENT_TYPE, "content-type": "application/json" }),
          }),
        ),
        ({ kind, alg }, change) => {
          const headers = signed(kind, { alg });
          const tampered = "headers" in change ? { ...headers, ...change.headers } : headers;
          const { headers: _ignored, ...rest } = change as { headers?: unknown };
          expect(verify(kind, tampered, rest as Partial<VerifyRequestOptions>).ok).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("flipped bits in the signature", () => {
    fc.assert(
      fc.property(kindAndAlg, fc.nat(), ({ kind, alg }, bit) => {
        const headers = signed(kind, { alg });
        const parsed = parseSignatureHeaders(headers);
        if (!parsed.ok) throw new Error(parsed.reason);
        const sig = Buffer.from(parsed.signature);
        sig[(bit >> 3) % sig.length]! ^= 1 << (bit & 7);
        expect(verify(kind, { ...headers, signature: `sig1=:${sig.toString("base64")}:` }).ok).toBe(
          false,
        );
      }),
      { numRuns: 60 },
    );
  });

  it("a wrong key, or an alg that does not match the key", () => {
    fc.assert(
      fc.property(kindAndAlg, ({ kind, alg }) => {
        const headers = signed(kind, { alg });
        expect(verify(kind, headers, { key: other[kind].parsed })).toEqual({
          ok: false,
          reason: "signature is invalid",
        });
        for (const k of KINDS) if (k !== kind) expect(verify(k, headers).ok).toBe(false);
      }),
      { numRuns: 10 },
    );
  });

  it("a valid signature over a wrong digest", () => {
    const headers = signed("ec-p256", {
      headers: { ...CONTENT_TYPE, "content-digest": "sha-256=:AAAA:" },
    });
    expect(verify("ec-p256", headers).ok).toBe(false);
  });

  it("required components missing or parameters missing", () => {
    const cases: [Partial<SignRequestOptions>, string][] = [
      [
        { components: ["@method", "@target-uri", "content-type"] },
        'signature does not cover "content-digest"',
      ],
      [{ created: null }, '"created" is missing'],
      [{ expires: null }, '"expires" is missing'],
      [{ keyid: null }, '"keyid" is missing'],
      [{ nonce: null }, '"nonce" is missing'],
      [
        { alg: "rsa-pss-sha512", signWith: "ed25519" },
        '"alg" rsa-pss-sha512 does not match the ed25519 key',
      ],
    ];
    for (const [overrides, reason] of cases) {
      expect(verify("ed25519", signed("ed25519", overrides))).toEqual({ ok: false, reason });
    }
  });

  it("garbage headers", () => {
    for (const [input, sig] of [
      ["sig1=(", "sig1=:AA==:"],
      ['sig1=("@method")', "sig1=AA"],
      ['sig2=("@method")', "sig1=:AA==:"],
      ['sig1=("@method";req);created=1', "sig1=:AA==:"],
      ['sig1=("@method" "@method");created=1', "sig1=:AA==:"],
    ] as const) {
      expect(
        verify("ed25519", { "signature-input": input, signature: sig }, { requiredComponents: [] })
          .ok,
      ).toBe(false);
    }
    expect(verify("ed25519", {})).toEqual({ ok: false, reason: "Signature-Input is missing" });
  });
});
