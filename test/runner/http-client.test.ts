import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectJson } from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import { createHttpClient, type RecordingHttpClient } from "../../src/http/client.ts";
import { TransportError } from "../../src/http/errors.ts";
import { followRedirects, redirectLocation } from "../../src/http/redirect.ts";
import { type Fixture, misbehavingTarget, startFixture } from "../fixtures/servers.ts";

let fixture: Fixture;
let client: RecordingHttpClient;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  fixture = await startFixture(misbehavingTarget());
});
afterEach(async () => {
  await client?.close();
});
afterAll(async () => {
  await fixture.close();
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

function newClient(timeoutMs = 400) {
  client = createHttpClient({
    baseUrl: fixture.url,
    timeoutMs,
    maxBodyBytes: 1024 * 1024,
  });
  return client;
}

/** Requests `path` and returns the TransportError it must end in, its exchange and the elapsed time. */
async function failureOf(path: string, timeoutMs = 400) {
  const http = newClient(timeoutMs);
  const t0 = performance.now();
  const err = await http.request({ method: "GET", url: path }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsed = performance.now() - t0;
  expect(err).toBeInstanceOf(TransportError);
  return {
    err: err as TransportError,
    elapsed,
    http,
    x: http.exchanges()[(err as TransportError).exchange]!,
  };
}

describe("HTTP layer against misbehaving servers", () => {
  it("records a normal exchange with timing", async () => {
    const http = newClient();
    const res = await http.request({ method: "GET", url: "/ok", label: "probe" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.url).toBe(`${fixture.url}/ok`);
    const [x] = http.exchanges();
    expect(x).toMatchObject({
      index: 0,
      label: "probe",
      request: { method: "GET", url: `${fixture.url}/ok` },
      response: { status: 200, body: '{"ok":true}' },
    });
    expect(x!.durationMs).toBeGreaterThanOrEqual(0);
    expect(x!.response!.headers["content-type"]).toBe("application/json");
  });

  it("a hang ends at the deadline as DTP_HTTP_TIMEOUT with the exchange", async () => {
    const { err, elapsed, x } = await failureOf("/hang", 300);
    expect(err.code).toBe("DTP_HTTP_TIMEOUT");
    expect(err.actual).toContain("no response within 300 ms");
    expect(err.exchange).toBe(0);
    expect(x.error).toContain("no response within 300 ms");
    expect(elapsed).toBeLessThan(2000);
  });

  it("a body that stalls after the headers ends at the deadline", async () => {
    const { err, elapsed, x } = await failureOf("/stall-body", 300);
    expect(err.code).toBe("DTP_HTTP_TIMEOUT");
    expect(err.actual).toContain("status 200 headers arrived");
    expect(x.response?.status).toBe(200);
    expect(elapsed).toBeLessThan(2000);
  });

  it("garbage instead of HTTP is DTP_HTTP_PROTOCOL", async () => {
    const { err, x } = await failureOf("/garbage");
    expect(["DTP_HTTP_PROTOCOL", "DTP_HTTP_CONNECTION"]).toContain(err.code);
    expect(x.error).toBeTruthy();
  });

  it("invalid chunked framing is DTP_HTTP_PROTOCOL", async () => {
    const { err } = await failureOf("/bad-chunking");
    expect(err.code).toBe("DTP_HTTP_PROTOCOL");
    expect(err.actual).toMatch(/invalid HTTP|chunk/i);
  });

  it("a 50 MiB body stops at the 1 MiB cap as DTP_HTTP_TOO_LARGE", async () => {
    const { err, elapsed, x } = await failureOf("/huge", 5000);
    expect(err.code).toBe("DTP_HTTP_TOO_LARGE");
    expect(err.expected).toContain("1048576 bytes");
    const body = x.response!.body!;
    expect(body.length).toBeLessThan(70 * 1024); // evidence is shortened
    expect(body).toContain("more characters not recorded");
    expect(elapsed).toBeLessThan(5000);
  });

  it("a connection reset mid-body is DTP_HTTP_CONNECTION or PROTOCOL with the status seen", async () => {
    const { err, x } = await failureOf("/reset-mid-body");
    expect(["DTP_HTTP_CONNECTION", "DTP_HTTP_PROTOCOL"]).toContain(err.code);
    expect(x.response?.status).toBe(200);
    expect(err.actual).toContain("status 200");
  });

  it("a reset before any response is DTP_HTTP_CONNECTION", async () => {
    const { err, x } = await failureOf("/reset");
    expect(err.code).toBe("DTP_HTTP_CONNECTION");
    expect(x.response).toBeUndefined();
  });

  it("a refused connection is DTP_HTTP_CONNECTION", async () => {
    const closed = await startFixture(() => {});
    const url = closed.url;
    await closed.close();
    const http = createHttpClient({ baseUrl: url, timeoutMs: 500 });
    const err = await http.request({ method: "GET", url: "/" }).catch((e: unknown) => e);
    await http.close();
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe("DTP_HTTP_CONNECTION");
    expect((err as TransportError).actual).toContain("connection refused");
  });

  it("invalid JSON and wrong content types are FAILs quoting what was sent", async () => {
    const http = newClient();
    const bad = await http.request({ method: "GET", url: "/invalid-json" });
    expect(bad.body).toBeUndefined();
    expect(() => expectJson(bad, "DTP-TEST-002")).toThrow(/invalid JSON: \{not json/);
    const html = await http.request({ method: "GET", url: "/wrong-content-type" });
    let caught: unknown;
    try {
      expectJson(html, "DTP-TEST-003");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckFailure);
    const f = caught as CheckFailure;
    expect(f.requirement).toBe("DTP-TEST-003");
    expect(f.actual).toBe('Content-Type "text/html; charset=utf-8" (status 200)');
    expect(http.exchanges()[f.evidence[0]!]!.request.url).toBe(`${fixture.url}/wrong-content-type`);
  });

  it("never follows a redirect, and the helper refuses another origin", async () => {
    const http = newClient();
    const res = await http.request({ method: "GET", url: "/redirect-away" });
    expect(res.status).toBe(302);
    expect(http.exchanges()).toHaveLength(1);
    let caught: unknown;
    try {
      redirectLocation(res, fixture.url, "DTP-TEST-004");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckFailure);
    expect((caught as CheckFailure).code).toBe("DTP_HTTP_OFF_TARGET_REDIRECT");
    expect((caught as CheckFailure).actual).toContain("evil.example");
    await expect(followRedirects(http, res, fixture.url, "DTP-TEST-004")).rejects.toThrow(
      /not followed/,
    );
    expect(http.exchanges()).toHaveLength(1); // evil.example was never contacted
  });

  it("follows a same-origin redirect when asked", async () => {
    const http = newClient();
    const res = await http.request({ method: "GET", url: "/redirect-home" });
    const final = await followRedirects(http, res, fixture.url, "DTP-TEST-005");
    expect(final.status).toBe(200);
    expect(http.exchanges().map((x) => x.request.url)).toEqual([
      `${fixture.url}/redirect-home`,
      `${fixture.url}/ok`,
    ]);
  });

  it("sends form, JSON and raw bodies and resolves paths against the base URL path", async () => {
    const http = createHttpClient({ baseUrl: `${fixture.url}/`, timeoutMs: 1000 });
    client = http;
    const form = await http.request({
      method: "POST",
      url: "/echo",
      form: { a: "1", skip: undefined, b: "x y" },
    });
    expect(form.body).toMatchObject({ body: "a=1&b=x+y" });
    const json = await http.request({ method: "POST", url: "/echo", json: { k: [1] } });
    expect((json.body as { body: string }).body).toBe('{"k":[1]}');
    const raw = await http.request({
      method: "POST",
      url: "/echo",
      body: new Uint8Array([0x68, 0xc3, 0xa9]),
      headers: { "Content-Type": "text/plain" },
    });
    expect((raw.body as { body: string }).body).toBe("hé");
  });

  it("runs 20 misbehaving requests in parallel and settles all of them", async () => {
    const http = newClient(300);
    const paths = ["/hang", "/garbage", "/reset", "/bad-chunking", "/stall-body"];
    const t0 = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        http.request({ method: "GET", url: paths[i % paths.length]! }),
      ),
    );
    expect(settled.every((s) => s.status === "rejected")).toBe(true);
    for (const s of settled) {
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(TransportError);
    }
    expect(http.exchanges()).toHaveLength(20);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("a stall of the kit's own event loop is not charged to the target", async () => {
    const http = newClient(300);
    const block = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // a CPU-heavy check (key generation, signing) holding the event loop
      }
    };
    const before = http.request({ method: "GET", url: "/ok" });
    block(800); // before the request is even sent
    expect((await before).status).toBe(200);
    const during = http.request({ method: "GET", url: "/ok" });
    await new Promise((r) => setTimeout(r, 5));
    block(800); // while the response sits in the socket
    expect((await during).status).toBe(200);
    // A real hang still ends at the deadline.
    const t0 = performance.now();
    await expect(http.request({ method: "GET", url: "/hang" })).rejects.toThrow(/no response/);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it("an aborted client stops its requests", async () => {
    const controller = new AbortController();
    const http = createHttpClient({
      baseUrl: fixture.url,
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    client = http;
    setTimeout(() => controller.abort(), 50);
    const err = await http.request({ method: "GET", url: "/hang" }).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe("DTP_HTTP_ABORTED");
  });
});
