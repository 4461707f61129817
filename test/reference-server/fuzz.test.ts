/**
 * Generated malformed requests to every operation: never a 5xx, and every error in the
 * format of its endpoint (RFC 6749 §5.2 JSON at OAuth endpoints, RFC 9457 elsewhere).
 * fast-check prints the seed and the shrunk request on failure.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { basicAuth } from "../../src/client/auth.ts";
import { deviceWithTokens, type Res, send, start } from "./helpers.ts";

const OPERATIONS = [
  { method: "GET", path: "/.well-known/oauth-authorization-server", oauth: false },
  { method: "GET", path: "/jwks", oauth: false },
  { method: "POST", path: "/register", oauth: true },
  { method: "GET", path: "/device", oauth: false },
  { method: "POST", path: "/token", oauth: true },
  { method: "POST", path: "/login", oauth: true },
  { method: "POST", path: "/revoke", oauth: true },
  { method: "POST", path: "/introspect", oauth: true },
  { method: "GET", path: "/me", oauth: false },
  { method: "POST", path: "/personal-tokens", oauth: false },
  { method: "GET", path: "/personal-tokens", oauth: false },
  { method: "DELETE", path: "/personal-tokens/{id}", oauth: false },
  { method: "GET", path: "/admin/registrations", oauth: false },
  { method: "POST", path: "/admin/registrations/{user_code}/approve", oauth: false },
  { method: "POST", path: "/admin/registrations/{user_code}/deny", oauth: false },
  { method: "GET", path: "/admin/devices/{client_id}", oauth: false },
  { method: "DELETE", path: "/admin/devices/{client_id}", oauth: false },
] as const;

const PARAMS = [
  "client_id",
  "client_secret",
  "client_type",
  "response_type",
  "scope",
  "state",
  "public_key",
  "key_type",
  "client_description",
  "grant_type",
  "device_code",
  "refresh_token",
  "client_assertion",
  "client_assertion_type",
  "username",
  "password",
  "card_id",
  "token",
  "token_type_hint",
  "name",
  "expires_in",
  "status",
  "user_code",
];
const VALUES = [
  "",
  "device_code",
  "refresh_token",
  "client_credentials",
  "urn:ietf:params:oauth:grant-type:device_code",
  "printer",
  "server",
  "me",
  "me login",
  "rsa",
  "x509",
  "ed25519",
  "alice",
  "wonderland",
  "CARD-1234",
  "a.b.c",
  "%",
  "\u0000",
  "😀",
];

let s: RunningServer;
let auths: string[];
beforeAll(async () => {
  s = await start({
    policies: { allowUntrustedEndpoints: true, allowUnauthenticatedRequests: true },
  });
  const d = await deviceWithTokens(s);
  const user = await send(`${s.url}/login`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${d.tokens.body.access_token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "username=alice&password=wonderland",
  });
  auths = [
    basicAuth(d.clientId, s.apiKey),
    `Bearer ${s.adminKey}`,
    `Bearer ${d.tokens.body.access_token}`,
    `Bearer ${user.body.access_token}`,
    `DPoP ${d.tokens.body.access_token}`,
    "Basic !!!",
    "Basic Og==",
    "Bearer",
    "Bearer a b",
    "Negotiate x",
  ];
});
afterAll(() => s.close());

const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const form = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 10 })), value), {
    maxLength: 8,
  })
  .map((pairs) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"),
  );
const jsonBody = fc.oneof(
  fc.json(),
  fc
    .record(
      { name: value, expires_in: fc.oneof(fc.integer(), fc.double(), value), scope: value },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);
const rawBody = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom("a=%zz", "a=1&a=2", "%", "=&=", "{", "\uFFFF"),
);
const request = fc.record({
  op: fc.constantFrom(...OPERATIONS),
  param: fc.oneof(value, fc.constantFrom("BCDF-GHJK", "bcdfghjk", "dev-1", "%zz", "..", "a/b")),
  query: fc.option(fc.tuple(fc.constantFrom("status", "user_code", "x"), value), {
    nil: undefined,
  }),
  contentType: fc.option(
    fc.constantFrom(
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded; charset=latin1",
      "application/json; charset=utf-8",
      "",
    ),
    { nil: undefined },
  ),
  auth: fc.option(fc.nat(), { nil: undefined }),
  dpop: fc.option(fc.oneof(value, fc.constant("a.b.c"), fc.constant("x,y")), { nil: undefined }),
  signature: fc.option(fc.tuple(value, value), { nil: undefined }),
  body: fc.oneof(form, jsonBody, rawBody),
});

function checkFormat(r: Res, oauth: boolean): void {
  expect(r.status, r.text).toBeLessThan(500);
  if (r.status < 400) return;
  const type = r.headers.get("content-type") ?? "";
  if (type.startsWith("application/problem+json")) {
    expect(r.body).toMatchObject({
      type: expect.stringMatching(/^https:\/\/dtp\.dev\/problems\/[a-z0-9-]+$/),
      title: expect.any(String),
      status: r.status,
      detail: expect.any(String),
    });
    if (r.status === 401 && r.headers.get("www-authenticate") === null) expect(oauth).toBe(false);
    return;
  }
  expect(oauth, `non-problem error ${r.status} ${r.text}`).toBe(true);
  expect(type).toMatch(/^application\/json/);
  expect(r.body.error).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
  if (r.body.error_description !== undefined)
    expect(r.body.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
}

describe("malformed requests (fast-check)", () => {
  it("never get a 5xx, and errors come in the endpoint's format", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (q) => {
        const path = q.op.path.replace(/\{[^}]+\}/, encodeURIComponent(q.param));
        const url = new URL(s.url + path);
        if (q.query) url.searchParams.append(q.query[0], q.query[1]);
        const headers: Record<string, string> = {};
        if (q.contentType !== undefined) headers["content-type"] = q.contentType;
        if (q.auth !== undefined) headers.authorization = auths[q.auth % auths.length]!;
        if (q.dpop !== undefined) headers.dpop = encodeURIComponent(q.dpop);
        if (q.signature) {
          headers["signature-input"] = encodeURIComponent(q.signature[0]);
          headers.signature = encodeURIComponent(q.signature[1]);
        }
        const hasBody = q.op.method !== "GET";
        const r = await send(url.href, {
          method: q.op.method,
          headers,
          ...(hasBody ? { body: q.body } : {}),
        });
        checkFormat(r, q.op.oauth);
      }),
      { numRuns: 250 },
    );
  });
});
