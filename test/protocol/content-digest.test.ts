import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentDigest, verifyContentDigest } from "../../src/protocol/content-digest.ts";

const b64 = (alg: string, body: string | Uint8Array) =>
  createHash(alg).update(body).digest("base64");

describe("Content-Digest (RFC 9530)", () => {
  it("matches the RFC 9530 §2 example", () => {
    expect(contentDigest('{"hello": "world"}')).toBe(
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    );
  });

  it("round-trips any body (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 512 })), (body) => {
        expect(verifyContentDigest(contentDigest(body), body)).toEqual({
          ok: true,
          algorithms: ["sha-256"],
        });
      }),
    );
  });

  it("rejects any other body (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
        expect(verifyContentDigest(contentDigest(a), b).ok).toBe(false);
      }),
    );
  });

  it("accepts sha-512, several members and unknown ones next to a known one", () => {
    const body = "a=1";
    expect(verifyContentDigest(contentDigest(body, "sha-512"), body).ok).toBe(true);
    const both = `sha-512=:${b64("sha512", body)}:, sha-256=:${b64("sha256", body)}:, md5=:AAAA:`;
    expect(verifyContentDigest(both, body)).toEqual({
      ok: true,
      algorithms: ["sha-512", "sha-256"],
    });
  });

  it("rejects unknown-only, a mismatching member, malformed values and absence", () => {
    const body = "a=1";
    expect(verifyContentDigest("md5=:AAAA:, sha=:AAAA:", body)).toEqual({
      ok: false,
      reason: "Content-Digest has no supported algorithm (sha-256, sha-512)",
    });
    expect(verifyContentDigest(`sha-256=:${b64("sha256", body)}:, sha-512=:AAAA:`, body).ok).toBe(
      false,
    );
    expect(verifyContentDigest(`sha-256=${b64("sha256", body)}`, body).ok).toBe(false);
    expect(verifyContentDigest(`sha-256=:${b64("sha256", body)}`, body).ok).toBe(false);
    expect(verifyContentDigest(`sha-256="${b64("sha256", body)}"`, body).ok).toBe(false);
    expect(verifyContentDigest("", body).ok).toBe(false);
    expect(verifyContentDigest(undefined, body).ok).toBe(false);
  });
});
