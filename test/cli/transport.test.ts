/**
 * Real staging targets, with real processes: `dtp serve --tls-cert/--tls-key` signed by a CA
 * made here; `dtp test https://… --ca` (and NODE_EXTRA_CA_CERTS, and --insecure, which every
 * report states); the same through a real forward proxy that counts what passes through it
 * (--proxy, HTTPS_PROXY, NO_PROXY); extra headers for a gateway, redacted in the reports;
 * and mutual TLS: a server that demands a client certificate is reachable only with
 * --cert/--key. The discovery area keeps each run short.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningServer,
  SHORT_LIFETIMES,
  startReferenceServer,
} from "../../reference-server/index.ts";
import type { RunReport } from "../../src/runner/types.ts";
import { createPki, type Pki } from "../fixtures/pki.ts";
import { type CountingProxy, startCountingProxy } from "../fixtures/proxy.ts";
import { baseEnv, runCli, type Served, serveProcess } from "./process.ts";

let pki: Pki;
let https: Served;
let http: Served;
let proxy: CountingProxy;
let mtls: RunningServer;
const temp = mkdtempSync(join(tmpdir(), "dtp-transport-"));

beforeAll(async () => {
  pki = await createPki();
  [https, http, proxy, mtls] = await Promise.all([
    serveProcess([
      "--short",
      "--memory",
      "--port",
      "0",
      "--tls-cert",
      pki.files.serverCert,
      "--tls-key",
      pki.files.serverKey,
    ]),
    serveProcess(["--short", "--memory", "--port", "0"]),
    startCountingProxy(),
    startReferenceServer({
      port: 0,
      store: { kind: "memory" },
      lifetimes: SHORT_LIFETIMES,
      tls: {
        cert: pki.serverCert,
        key: pki.serverKey,
        ca: pki.ca,
        requestCert: true,
      },
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([https?.stop(), http?.stop(), proxy?.close(), mtls?.close()]);
  rmSync(temp, { recursive: true, force: true });
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

const AREA = ["--area", "discovery"];

/** A config with the server's keys, so that the discovery area is tested in full. */
function configFor(server: { apiKey: string; adminKey: string }, extra: object = {}): string {
  const path = join(temp, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      apiKey: server.apiKey,
      admin: { token: server.adminKey },
      approval: { method: "admin-api" },
      ...extra,
    }),
  );
  return path;
}
const httpsArgs = () => [...AREA, "--config", configFor(https)];
const httpArgs = () => [...AREA, "--config", configFor(http)];

function jsonReport(name: string): { arg: string[]; read: () => RunReport } {
  const path = join(temp, `${name}.json`);
  return {
    arg: ["--report", `json=${path}`],
    read: () => JSON.parse(readFileSync(path, "utf8")) as RunReport,
  };
}

function exchangesOf(report: RunReport): number {
  return (
    report.discovery.length +
    report.results.reduce((n, r) => n + r.exchanges.length + (r.omittedExchanges ?? 0), 0)
  );
}

describe("HTTPS signed by a private CA", () => {
  it("serves https and prints an https URL", () => {
    expect(https.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("--ca: the run passes", async () => {
    const r = await runCli(["test", https.url, "--ca", pki.files.ca, ...httpsArgs()]);
    expect(r.err).toBe("");
    expect(r.out).toContain("CONFORMANT");
    expect(r.code).toBe(0);
  });

  it("without --ca: exit 2 and one line saying which option fixes it", async () => {
    const r = await runCli(["test", https.url, ...httpsArgs()]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("TLS: the target's certificate is not signed by a trusted CA");
    expect(r.err).toContain("--ca");
  });

  it("NODE_EXTRA_CA_CERTS is honoured (no --ca)", async () => {
    const r = await runCli(["test", https.url, ...httpsArgs()], {
      env: baseEnv({ NODE_EXTRA_CA_CERTS: pki.files.ca }),
    });
    expect(r.code).toBe(0);
  });

  it("--ca on top of NODE_EXTRA_CA_CERTS keeps both (Node's own CAs stay trusted)", async () => {
    const other = join(temp, "other-ca.pem");
    writeFileSync(other, (await createPki()).ca);
    const r = await runCli(["test", https.url, "--ca", other, ...httpsArgs()], {
      env: baseEnv({ NODE_EXTRA_CA_CERTS: pki.files.ca }),
    });
    expect(r.code).toBe(0);
  });

  it("--insecure passes without the CA and every report says certificates were not verified", async () => {
    const json = jsonReport("insecure");
    const junit = join(temp, "insecure.xml");
    const html = join(temp, "insecure.html");
    const r = await runCli([
      "test",
      https.url,
      "--insecure",
      ...httpsArgs(),
      ...json.arg,
      "--report",
      `junit=${junit},html=${html}`,
    ]);
    expect(r.code).toBe(0);
    const said = "TLS certificates were not verified (--insecure)";
    expect(r.out).toContain(said);
    expect(json.read().options.insecure).toBe(true);
    expect(readFileSync(junit, "utf8")).toContain(said);
    expect(readFileSync(html, "utf8")).toContain(said);
  });

  it("a run without --insecure says nothing of the kind", async () => {
    const json = jsonReport("secure");
    const r = await runCli(["test", https.url, "--ca", pki.files.ca, ...httpsArgs(), ...json.arg]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("not verified");
    expect(json.read().options.insecure).toBeUndefined();
  });
});

describe("through a forward proxy", () => {
  it("--proxy with an https target: passes, tunnelled through the proxy", async () => {
    const before = proxy.tunnels.length;
    const r = await runCli([
      "test",
      https.url,
      "--ca",
      pki.files.ca,
      "--proxy",
      proxy.url,
      ...httpsArgs(),
    ]);
    expect(r.code).toBe(0);
    const tunnels = proxy.tunnels.slice(before);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([new URL(https.url).host]));
  });

  it("HTTPS_PROXY from the environment: passes through the proxy", async () => {
    const before = proxy.tunnels.length;
    const r = await runCli(["test", https.url, "--ca", pki.files.ca, ...httpsArgs()], {
      env: baseEnv({ HTTPS_PROXY: proxy.url }),
    });
    expect(r.code).toBe(0);
    expect(proxy.tunnels.length).toBeGreaterThan(before);
  });

  it("NO_PROXY bypasses the proxy", async () => {
    const before = proxy.tunnels.length + proxy.requests.length;
    const r = await runCli(["test", https.url, "--ca", pki.files.ca, ...httpsArgs()], {
      env: baseEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }),
    });
    expect(r.code).toBe(0);
    expect(proxy.tunnels.length + proxy.requests.length).toBe(before);
  });

  it("HTTP_PROXY with an http target: the proxy forwards every request the kit recorded, with the extra headers", async () => {
    const before = proxy.requests.length;
    const json = jsonReport("proxied");
    const r = await runCli(
      ["test", http.url, ...httpArgs(), ...json.arg, "--header", "X-Gateway-Key: gw-secret-123456"],
      { env: baseEnv({ HTTP_PROXY: proxy.url }) },
    );
    expect(r.code).toBe(0);
    const forwarded = proxy.requests.slice(before);
    const report = json.read();
    expect(forwarded.length).toBe(exchangesOf(report));
    expect(forwarded.every((f) => f.url.startsWith(`${http.url}/`))).toBe(true);
    expect(forwarded.every((f) => f.headers["x-gateway-key"] === "gw-secret-123456")).toBe(true);
    const text = readFileSync(join(temp, "proxied.json"), "utf8");
    expect(text).not.toContain("gw-secret-123456");
    expect(text).toContain("«redacted:header:x-gateway-key#");
  });

  it("headers from the config, secrets from the environment: sent and redacted", async () => {
    const before = proxy.requests.length;
    const config = join(temp, "headers.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        apiKey: http.apiKey,
        admin: { token: http.adminKey },
        approval: { method: "admin-api" },
        proxy: proxy.url,
        headers: { "X-Tenant": "acme", "X-Gateway-Key": { env: "GW_KEY" } },
      }),
    );
    const json = jsonReport("config-headers");
    const r = await runCli(["test", http.url, "--config", config, ...AREA, ...json.arg], {
      env: baseEnv({ GW_KEY: "gw-from-env-987654" }),
    });
    expect(r.code).toBe(0);
    const forwarded = proxy.requests.slice(before);
    expect(forwarded.length).toBeGreaterThan(0);
    expect(forwarded.every((f) => f.headers["x-gateway-key"] === "gw-from-env-987654")).toBe(true);
    expect(forwarded.every((f) => f.headers["x-tenant"] === "acme")).toBe(true);
    expect(readFileSync(join(temp, "config-headers.json"), "utf8")).not.toContain(
      "gw-from-env-987654",
    );
  });
});

describe("mutual TLS", () => {
  it("without --cert/--key the server refuses the kit: exit 2, one line naming --cert and --key", async () => {
    const r = await runCli([
      "test",
      mtls.url,
      "--ca",
      pki.files.ca,
      ...AREA,
      "--config",
      configFor(mtls),
    ]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("--cert and --key");
  });

  it("with --cert/--key the run passes", async () => {
    const r = await runCli([
      "test",
      mtls.url,
      "--ca",
      pki.files.ca,
      "--cert",
      pki.files.clientCert,
      "--key",
      pki.files.clientKey,
      ...AREA,
      "--config",
      configFor(mtls),
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("the same from the config's tls section (paths relative to the config file)", async () => {
    const config = join(pki.dir, "mtls.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        apiKey: mtls.apiKey,
        admin: { token: mtls.adminKey },
        approval: { method: "admin-api" },
        tls: { ca: "ca.pem", cert: "client.pem", key: "client-key.pem" },
      }),
    );
    const r = await runCli(["test", mtls.url, "--config", config, ...AREA]);
    expect(r.code).toBe(0);
  });

  it("a key that does not match the certificate: exit 2 before any request", async () => {
    const r = await runCli([
      "test",
      mtls.url,
      "--cert",
      pki.files.clientCert,
      "--key",
      pki.files.serverKey,
      ...AREA,
      "--config",
      configFor(mtls),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^dtp: client certificate .* with key .*: .*key values mismatch/);
  });
});
