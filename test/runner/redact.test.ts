import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "../../src/http/client.ts";
import { Redactor } from "../../src/http/redact.ts";
import { type Fixture, misbehavingTarget, startFixture } from "../fixtures/servers.ts";

const MARKER = /«redacted:[a-z_:-]+#[0-9a-f]{4}»/;

describe("Redactor", () => {
  it("replaces registered secrets everywhere, also percent-encoded, with a stable marker", () => {
    const r = new Redactor();
    r.add("s3cr3t+key/=", "api_key");
    const once = r.text("a s3cr3t+key/= b s3cr3t%2Bkey%2F%3D c");
    expect(once).not.toContain("s3cr3t");
    const marker = r.marker("api_key", "s3cr3t+key/=");
    expect(marker).toMatch(MARKER);
    expect(once).toBe(`a ${marker} b ${marker} c`);
  });

  it("tells two tokens apart by their hash", () => {
    const r = new Redactor();
    expect(r.marker("refresh_token", "aaaa1")).not.toBe(r.marker("refresh_token", "bbbb2"));
    expect(r.marker("refresh_token", "aaaa1")).toBe(r.marker("refresh_token", "aaaa1"));
  });

  it("redacts sensitive form fields and JSON fields once learned", () => {
    const r = new Redactor();
    const form =
      "grant_type=refresh_token&refresh_token=RT-123456789&client_secret=key-abcdef&scope=me";
    r.learnBody(form, "application/x-www-form-urlencoded");
    const out = r.body(form, "application/x-www-form-urlencoded");
    expect(out).toContain("grant_type=refresh_token");
    expect(out).toContain("scope=me");
    expect(out).not.toContain("RT-123456789");
    expect(out).not.toContain("key-abcdef");
    expect(out).toContain("«redacted:refresh_token#");
    expect(out).toContain("«redacted:client_secret#");

    const json =
      '{"access_token":"eyJ.a.b","nested":{"password":"hunter22"},"user_code":"BCDF-GHJK"}';
    r.learnBody(json, "application/json");
    const redacted = r.body(json, "application/json");
    expect(redacted).not.toContain("hunter22");
    expect(redacted).not.toContain("eyJ.a.b");
    expect(redacted).toContain("BCDF-GHJK");
    expect(JSON.parse(redacted).nested.password).toMatch(MARKER);
  });

  it("keeps the Basic user name, hides the secret; bearer tokens get their learned label", () => {
    const r = new Redactor();
    r.add("AT-very-secret-token", "access_token");
    const basic = `Basic ${Buffer.from("dtp-kit-a:the-api-key").toString("base64")}`;
    const h = r.headers({
      Authorization: basic,
      "X-Other": "plain",
      Cookie: "sid=abc",
    });
    expect(h.Authorization).toMatch(/^Basic «redacted:basic user="dtp-kit-a"#[0-9a-f]{4}»$/);
    expect(h["X-Other"]).toBe("plain");
    expect(h.Cookie).toMatch(MARKER);
    const bearer = r.header("authorization", "Bearer AT-very-secret-token");
    expect(bearer).toBe(`Bearer ${r.marker("access_token", "AT-very-secret-token")}`);
  });

  it("elides JWT signatures in DPoP proofs and client assertions, keeping header and payload", () => {
    const r = new Redactor();
    const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiIxIn0.c2lnbmF0dXJl";
    expect(r.header("dpop", jwt)).toBe("eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiIxIn0.«signature elided»");
    const form = `grant_type=client_credentials&client_assertion=${jwt}`;
    expect(r.body(form, "application/x-www-form-urlencoded")).toBe(
      "grant_type=client_credentials&client_assertion=eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiIxIn0.«signature elided»",
    );
  });

  it("redacts short sensitive fields in place without blanking the value elsewhere", () => {
    const r = new Redactor();
    const form = "username=alice&password=pw12";
    r.learnBody(form, "application/x-www-form-urlencoded");
    expect(r.body(form, "application/x-www-form-urlencoded")).toMatch(
      /^username=alice&password=«redacted:password#[0-9a-f]{4}»$/,
    );
    const json = '{"password":"pw12","note":"pw12 is short"}';
    expect(r.body(json, "application/json")).toMatch(
      /^\{"password":"«redacted:password#[0-9a-f]{4}»","note":"pw12 is short"\}$/,
    );
  });

  it("ignores very short secrets (they would shred the evidence)", () => {
    const r = new Redactor();
    r.add("ab");
    expect(r.text("about abc")).toBe("about abc");
  });
});

describe("recorded exchanges are redacted", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture(misbehavingTarget());
  });
  afterAll(() => fixture.close());

  it("registered secrets, learned tokens and credentials never reach the transcript", async () => {
    const http = createHttpClient({
      baseUrl: fixture.url,
      secrets: [{ value: "API-KEY-0123456789", label: "api_key" }],
    });
    await http.request({
      method: "POST",
      url: "/echo",
      headers: {
        authorization: `Basic ${Buffer.from("dev1:API-KEY-0123456789").toString("base64")}`,
      },
      form: { grant_type: "password", password: "pa55word!", client_secret: "API-KEY-0123456789" },
    });
    // The echo's response issued tokens; using one later shows its label.
    await http.request({
      method: "GET",
      url: "/echo?access_token=at-issued-by-echo-0123456789",
      headers: { authorization: "Bearer at-issued-by-echo-0123456789" },
    });
    http.addSecret("late-secret-value", "late");
    const all = JSON.stringify(http.exchanges());
    for (const secret of [
      "API-KEY-0123456789",
      "pa55word!",
      "pa55word%21",
      "at-issued-by-echo-0123456789",
      "rt-issued-by-echo-0123456789",
      Buffer.from("dev1:API-KEY-0123456789").toString("base64"),
    ]) {
      expect(all).not.toContain(secret);
    }
    const second = http.exchanges()[1]!;
    expect(second.request.headers.authorization).toMatch(/^Bearer «redacted:access_token#/);
    expect(second.request.url).toContain("«redacted:access_token#");
    await http.close();
  });
});

describe("redaction cost", () => {
  it("stays linear with thousands of learned tokens", () => {
    const r = new Redactor();
    const tokens = Array.from(
      { length: 5000 },
      (_, i) => `tok_${i.toString(36)}_${"x".repeat(20)}`,
    );
    for (const t of tokens) r.add(t, "access_token");
    const text = `${"a".repeat(60_000)} ${tokens[4999]} ${"b".repeat(4000)} ${tokens[7]}`;
    const t0 = performance.now();
    let out = "";
    for (let i = 0; i < 10; i++) out = r.text(text);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(out).not.toContain(tokens[4999]);
    expect(out).not.toContain(tokens[7]);
    expect(out.match(/«redacted:access_token#/g)).toHaveLength(2);
  });

  it("prefers the longest secret at a position", () => {
    const r = new Redactor();
    r.add("abcd", "short");
    r.add("abcdefgh", "long");
    expect(r.text("xabcdefghx abcdx")).toBe(
      `x${r.marker("long", "abcdefgh")}x ${r.marker("short", "abcd")}x`,
    );
  });
});
