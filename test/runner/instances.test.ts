/**
 * `--instance`: requests for the issuer's origin are spread over the instances in turn; an
 * identical request (a replay, a race's copies) always goes to another instance than the one
 * that got it last; other origins are untouched; bad instance URLs are usage errors.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "../../src/http/client.ts";
import { InstanceRouter, instanceOrigin } from "../../src/http/instances.ts";

const servers: Server[] = [];
const origins: string[] = [];
beforeAll(async () => {
  for (const name of ["one", "two", "three"]) {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end(name));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    origins.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

describe("InstanceRouter", () => {
  const issuer = "https://issuer.example";
  it("sends new requests to the instances in turn, keeping the issuer's path", () => {
    const router = new InstanceRouter(issuer, ["http://a:1", "http://b:2/"]);
    const go = (path: string, body?: string) => router.route("POST", `${issuer}${path}`, {}, body);
    expect([go("/token", "x=1"), go("/token", "x=2"), go("/me?y=1", "x=3")]).toEqual([
      "http://a:1/token",
      "http://b:2/token",
      "http://a:1/me?y=1",
    ]);
  });

  it("sends a replay to another instance than the one that got the original", () => {
    const router = new InstanceRouter(issuer, ["http://a:1", "http://b:2", "http://c:3"]);
    const proof = { dpop: "eyJ.proof.sig" };
    const first = router.route("POST", `${issuer}/token`, proof, "grant_type=refresh_token");
    router.route("GET", `${issuer}/me`, {}, undefined);
    router.route("GET", `${issuer}/jwks`, {}, undefined);
    const replay = router.route("POST", `${issuer}/token`, proof, "grant_type=refresh_token");
    expect(replay).not.toBe(first);
    const copies = Array.from({ length: 6 }, () =>
      router.route("POST", `${issuer}/device_authorization`, {}, "same"),
    );
    expect(new Set(copies).size).toBe(3);
    for (let i = 1; i < copies.length; i++) expect(copies[i]).not.toBe(copies[i - 1]);
  });

  it("leaves other origins alone", () => {
    const router = new InstanceRouter(issuer, ["http://a:1"]);
    expect(router.route("GET", "https://other.example/x", {}, undefined)).toBe(
      "https://other.example/x",
    );
  });

  it("refuses instance URLs that are not origins", () => {
    expect(() => instanceOrigin("a:1")).toThrow(/only http/);
    expect(() => instanceOrigin("nope")).toThrow(/not a URL/);
    expect(() => instanceOrigin("http://a:1/base")).toThrow(/origin only/);
  });
});

describe("the HTTP client with instances", () => {
  it("records the instance that answered each request", async () => {
    const issuer = origins[0]!;
    const http = createHttpClient({
      baseUrl: issuer,
      instances: new InstanceRouter(issuer, origins),
    });
    const answers: string[] = [];
    for (let i = 0; i < 4; i++)
      answers.push(
        (await http.request({ method: "POST", url: "/x", form: { i: String(i) } })).text,
      );
    const replay = await http.request({ method: "POST", url: "/x", form: { i: "3" } });
    expect(answers).toEqual(["one", "two", "three", "one"]);
    expect(replay.text).toBe("two");
    expect(http.exchanges().map((x) => new URL(x.request.url).origin)).toEqual([
      origins[0],
      origins[1],
      origins[2],
      origins[0],
      origins[1],
    ]);
    await http.close();
  });
});
