/**
 * A form-encoded POST answered 415 is charged to DTP-ERR-052 whatever step met it, so a
 * server that refuses form bodies is one root cause, not a FAIL per check.
 */
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../src/check/http.ts";
import { crossCuttingCause } from "../../src/runner/cross-cutting.ts";

const exchange = (method: string, type: string, status: number): Exchange => ({
  index: 0,
  startedAt: "",
  durationMs: 1,
  request: { method, url: "http://x/token", headers: { "Content-Type": type } },
  response: { status, headers: {} },
});

describe("crossCuttingCause", () => {
  it("charges a form POST answered 415 to DTP-ERR-052", () => {
    expect(
      crossCuttingCause(exchange("POST", "application/x-www-form-urlencoded;charset=UTF-8", 415)),
    ).toBe("DTP-ERR-052");
  });
  it("charges a use_dpop_nonce refusal of a proof carrying a nonce to DTP-DPOP-017", () => {
    const claims = (c: object) => Buffer.from(JSON.stringify(c)).toString("base64url");
    const refused = (proofClaims: object): Exchange => ({
      index: 0,
      startedAt: "",
      durationMs: 1,
      request: {
        method: "POST",
        url: "http://x/token",
        headers: { DPoP: `${claims({ typ: "dpop+jwt" })}.${claims(proofClaims)}.sig` },
      },
      response: { status: 400, headers: {}, body: '{"error":"use_dpop_nonce"}' },
    });
    expect(crossCuttingCause(refused({ jti: "j", nonce: "n1" }))).toBe("DTP-DPOP-017");
    expect(crossCuttingCause(refused({ jti: "j" }))).toBeUndefined();
  });

  it("leaves every other failure to its own requirement", () => {
    expect(crossCuttingCause(exchange("POST", "application/json", 415))).toBeUndefined();
    expect(
      crossCuttingCause(exchange("POST", "application/x-www-form-urlencoded", 400)),
    ).toBeUndefined();
    expect(
      crossCuttingCause(exchange("GET", "application/x-www-form-urlencoded", 415)),
    ).toBeUndefined();
    expect(crossCuttingCause(undefined)).toBeUndefined();
  });
});
