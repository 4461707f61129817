import { describe, expect, it } from "vitest";
import {
  expectEqual,
  expectHeader,
  expectJson,
  expectNoStore,
  expectOAuthError,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
} from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { parseChallengeList, parseChallenges } from "../../src/protocol/www-authenticate.ts";

function res(status: number, headers: Record<string, string>, text = ""): HttpResponse {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status, headers, text, body, exchange: 0, durationMs: 1 };
}

function failureOf(fn: () => unknown): CheckFailure {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckFailure);
    return e as CheckFailure;
  }
  throw new Error("expected a CheckFailure");
}

const json = { "content-type": "application/json" };

describe("expect helpers", () => {
  it("expectStatus: one or several, concise actual with the body start", () => {
    expectStatus(res(200, {}), 200, "DTP-X-001");
    expectStatus(res(201, {}), [200, 201], "DTP-X-001");
    const f = failureOf(() =>
      expectStatus(res(500, { "content-type": "text/plain" }, "boom\n  trace"), 200, "DTP-X-001"),
    );
    expect(f.requirement).toBe("DTP-X-001");
    expect(f.expected).toBe("status 200");
    expect(f.actual).toBe("status 500, text/plain: boom trace");
    expect(f.message).toBe(
      "DTP-X-001: expected status 200; got status 500, text/plain: boom trace",
    );
  });

  it("expectJson: content type, object, and what went wrong", () => {
    expect(expectJson(res(200, json, '{"a":1}'), "R")).toEqual({ a: 1 });
    expect(expectJson(res(200, { "content-type": "application/problem+json" }, "{}"), "R")).toEqual(
      {},
    );
    expect(failureOf(() => expectJson(res(200, {}, "{}"), "R")).actual).toBe(
      "no Content-Type (status 200)",
    );
    expect(failureOf(() => expectJson(res(200, json, "[1]"), "R")).actual).toBe("JSON array: [1]");
    expect(failureOf(() => expectJson(res(200, json, ""), "R")).actual).toBe(
      "an empty body (status 200)",
    );
    expect(
      failureOf(() => expectJson(res(200, { "content-type": "application/json" }, "{x"), "R"))
        .actual,
    ).toBe("invalid JSON: {x");
  });

  it("expectOAuthError: status, error code, error_description type", () => {
    const ok = res(400, json, '{"error":"invalid_grant","error_description":"gone"}');
    expect(expectOAuthError(ok, { error: "invalid_grant" }, "R").error).toBe("invalid_grant");
    expect(
      expectOAuthError(ok, { status: [400, 401], error: ["invalid_grant", "invalid_client"] }, "R")
        .error,
    ).toBe("invalid_grant");
    const wrong = failureOf(() => expectOAuthError(ok, { error: "expired_token" }, "R"));
    expect(wrong.expected).toBe("status 400 with error=expired_token");
    expect(wrong.actual).toBe('status 400 with error="invalid_grant"');
    const status = failureOf(() =>
      expectOAuthError(res(200, json, '{"access_token":"x"}'), { error: "invalid_grant" }, "R"),
    );
    expect(status.actual).toMatch(/^status 200/);
    const desc = failureOf(() =>
      expectOAuthError(
        res(400, json, '{"error":"invalid_grant","error_description":5}'),
        { error: "invalid_grant" },
        "R",
      ),
    );
    expect(desc.actual).toBe("5");
  });

  it("expectProblem: problem+json, status member, type slug", () => {
    const p = res(
      404,
      { "content-type": "application/problem+json" },
      '{"type":"https://dtp.dev/problems/not-found","title":"Not found","status":404}',
    );
    expect(expectProblem(p, 404, "R", { type: "not-found" }).title).toBe("Not found");
    expect(failureOf(() => expectProblem(p, 404, "R", { type: "conflict" })).expected).toBe(
      "problem type conflict",
    );
    const plain = res(404, json, '{"status":404}');
    expect(failureOf(() => expectProblem(plain, 404, "R")).expected).toBe(
      "Content-Type application/problem+json",
    );
    const mismatch = res(409, { "content-type": "application/problem+json" }, '{"status":404}');
    expect(failureOf(() => expectProblem(mismatch, 409, "R")).actual).toBe('"status": 404');
  });

  it("expectHeader and expectNoStore", () => {
    const r = res(200, { "cache-control": "private, no-store", pragma: "no-cache" });
    expect(expectHeader(r, "Pragma", "no-cache", "R")).toBe("no-cache");
    expectNoStore(r, "R");
    expect(
      failureOf(() => expectNoStore(res(200, { "cache-control": "no-cache" }), "R")),
    ).toMatchObject({
      expected: "Cache-Control: no-store",
      actual: 'cache-control: "no-cache"',
    });
    expect(failureOf(() => expectHeader(res(200, {}), "DPoP-Nonce", /.+/, "R")).actual).toBe(
      "no DPoP-Nonce header (status 200)",
    );
  });

  it("expectEqual compares JSON values deeply", () => {
    expectEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, "R", "body");
    expect(failureOf(() => expectEqual([1], [2], "R", "scopes")).actual).toBe(
      "scopes = [2]".replace("[2]", "[1]"),
    );
  });
});

describe("WWW-Authenticate (RFC 9110 §11.6.1)", () => {
  it("parses several challenges with quoted and token params", () => {
    expect(
      parseChallenges(
        'DPoP algs="ES256 EdDSA", Bearer realm="dtp", error="invalid_token", error_description="the \\"token\\" expired"',
      ),
    ).toEqual([
      { scheme: "DPoP", params: { algs: "ES256 EdDSA" } },
      {
        scheme: "Bearer",
        params: { realm: "dtp", error: "invalid_token", error_description: 'the "token" expired' },
      },
    ]);
  });

  it("parses bare schemes, token68 and odd spacing", () => {
    expect(parseChallenges("Basic")).toEqual([{ scheme: "Basic", params: {} }]);
    expect(parseChallenges("Negotiate abc+/==, Basic realm=x")).toEqual([
      { scheme: "Negotiate", params: {}, token68: "abc+/==" },
      { scheme: "Basic", params: { realm: "x" } },
    ]);
    expect(parseChallenges('Bearer realm = "a" ,  error=invalid_token')).toEqual([
      { scheme: "Bearer", params: { realm: "a", error: "invalid_token" } },
    ]);
    expect(parseChallenges("Bearer, DPoP")).toEqual([
      { scheme: "Bearer", params: {} },
      { scheme: "DPoP", params: {} },
    ]);
  });

  it("rejects malformed headers", () => {
    expect(() => parseChallenges('Bearer realm="unterminated')).toThrow(/unterminated/);
    expect(() => parseChallenges('Bearer realm="a" error="b"')).toThrow();
    expect(() => parseChallenges('Bearer error="a", error="b"')).toThrow(/repeated/);
    expect(() => parseChallenges("=oops")).toThrow();
  });

  it("parseChallengeList keeps every parameter as sent, repeats included", () => {
    expect(parseChallengeList('Bearer error="a", Error=b, realm="x\\"y", Basic')).toEqual([
      {
        scheme: "Bearer",
        params: [
          ["error", "a"],
          ["error", "b"],
          ["realm", 'x"y'],
        ],
      },
      { scheme: "Basic", params: [] },
    ]);
  });

  it("expectWwwAuthenticate: scheme, error present or absent", () => {
    const h = (v: string, status = 401) => res(status, { "www-authenticate": v });
    expect(
      expectWwwAuthenticate(h('Bearer realm="dtp"'), { scheme: "bearer", error: null }, "R").params
        .realm,
    ).toBe("dtp");
    expect(
      failureOf(() =>
        expectWwwAuthenticate(
          h('Bearer error="invalid_token"'),
          { scheme: "Bearer", error: null },
          "R",
        ),
      ).actual,
    ).toBe('error="invalid_token"');
    expect(
      failureOf(() =>
        expectWwwAuthenticate(
          h('Basic realm="x"'),
          { scheme: "Bearer", error: "invalid_token" },
          "R",
        ),
      ).actual,
    ).toBe('challenges for Basic: "Basic realm=\\"x\\""');
    expect(
      failureOf(() => expectWwwAuthenticate(res(401, {}), { scheme: "Bearer" }, "R")).actual,
    ).toBe("no WWW-Authenticate header");
    expect(
      failureOf(() => expectWwwAuthenticate(h('Bearer error="x" y'), { scheme: "Bearer" }, "R"))
        .expected,
    ).toContain("well-formed");
    expectWwwAuthenticate(
      h('Bearer error="insufficient_scope"', 403),
      { scheme: "Bearer", error: "insufficient_scope", status: 403 },
      "R",
    );
  });
});
