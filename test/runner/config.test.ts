import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/check/failure.ts";
import { parseDuration } from "../../src/config/duration.ts";
import {
  GENERATED_SCHEMAS,
  type GeneratedSchemaFile,
  generatedJsonSchema,
} from "../../src/config/json-schema.ts";
import { configSecrets, loadConfig, resolveConfig } from "../../src/config/load.ts";

const root = new URL("../../", import.meta.url);

describe("target config", () => {
  it("resolves secrets from the environment and applies defaults", () => {
    const config = resolveConfig(
      {
        baseUrl: "https://as.example",
        apiKey: { env: "MY_KEY" },
        admin: { token: "admin-literal" },
        approval: {
          method: "webhook",
          url: "https://ci.example/approve",
          headers: { authorization: { env: "HOOK" } },
        },
        user: { username: "alice", password: { env: "PW" }, cardId: "CARD-1" },
        timeouts: { request: "2s", check: "1m" },
        maxWait: "90s",
      },
      { MY_KEY: "k-123", HOOK: "Bearer h", PW: "pw" },
    );
    expect(config).toEqual({
      baseUrl: "https://as.example",
      apiKey: "k-123",
      clientIdPrefix: "dtp-kit-",
      admin: { token: "admin-literal" },
      approval: {
        method: "webhook",
        url: "https://ci.example/approve",
        headers: { authorization: "Bearer h" },
      },
      user: { username: "alice", password: "pw", cardId: "CARD-1" },
      requestTimeoutMs: 2000,
      checkTimeoutMs: 60_000,
      maxWaitMs: 90_000,
    });
  });

  it("a missing environment variable is a config error naming it", () => {
    let err: unknown;
    try {
      resolveConfig({ apiKey: { env: "DTP_TEST_UNSET_VAR" } }, {}, "dtp.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe("DTP_CONFIG_ENV_MISSING");
    expect((err as ConfigError).message).toBe(
      'dtp.json: "apiKey" reads environment variable DTP_TEST_UNSET_VAR, which is not set',
    );
  });

  it("invalid configs are rejected with the field named", () => {
    const bad = (input: unknown) => {
      try {
        resolveConfig(input, {}, "c.json");
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({})).toContain('"apiKey"');
    expect(bad({ apiKey: "k", approval: { method: "carrier-pigeon" } })).toContain(
      '"approval.method"',
    );
    expect(bad({ apiKey: "k", baseUrl: "ftp://x" })).toContain('"baseUrl"');
    expect(bad({ apiKey: "k", maxWait: "soon" })).toContain('"maxWait"');
    expect(bad({ apiKey: "k", extra: 1 })).toContain("extra");
    expect(bad({ apiKey: "k", clientIdPrefix: "bad prefix" })).toContain('"clientIdPrefix"');
  });

  it("loadConfig reports missing files and invalid JSON as config errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dtp-config-"));
    await expect(loadConfig(join(dir, "nope.json"))).rejects.toThrow(/not found/);
    await writeFile(join(dir, "bad.json"), "{ nope");
    await expect(loadConfig(join(dir, "bad.json"))).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, "ok.json"), JSON.stringify({ apiKey: "k" }));
    await expect(loadConfig(join(dir, "ok.json"))).resolves.toMatchObject({ apiKey: "k" });
  });

  it("tls, proxy and headers: paths relative to the config's directory, secrets resolved, bad ones named", () => {
    const config = resolveConfig(
      {
        apiKey: "k",
        tls: {
          ca: ["a.pem", "/abs/b.pem"],
          cert: "c.pem",
          key: "k.pem",
          passphrase: { env: "PW" },
        },
        proxy: "http://proxy.internal:3128",
        headers: { "X-Gateway-Key": { env: "GW" }, "X-Tenant": "acme" },
      },
      { PW: "pass-phrase", GW: "gw-secret" },
      "c.json",
      "/etc/dtp",
    );
    expect(config.transport).toEqual({
      ca: ["/etc/dtp/a.pem", "/abs/b.pem"],
      cert: "/etc/dtp/c.pem",
      key: "/etc/dtp/k.pem",
      passphrase: "pass-phrase",
      proxy: "http://proxy.internal:3128",
    });
    expect(config.headers).toEqual({ "X-Gateway-Key": "gw-secret", "X-Tenant": "acme" });
    expect(configSecrets(config).map((s) => s.label)).toEqual(
      expect.arrayContaining(["header:x-gateway-key", "header:x-tenant", "tls_passphrase"]),
    );
    const bad = (input: unknown) => {
      try {
        resolveConfig({ apiKey: "k", ...(input as object) }, {}, "c.json");
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ headers: { Authorization: "Bearer x" } })).toContain(
      '"headers.Authorization": Authorization is set by the kit itself',
    );
    expect(bad({ headers: { "bad name": "x" } })).toContain('"headers.bad name"');
    expect(bad({ proxy: "socks://x" })).toContain('"proxy"');
    expect(bad({ tls: { insecure: "yes" } })).toContain('"tls.insecure"');
  });

  it("durations", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("90d")).toBe(7_776_000_000);
    expect(parseDuration("7")).toBe(7000);
    expect(parseDuration("ten")).toBeUndefined();
    expect(parseDuration("-1s")).toBeUndefined();
  });
});

describe("published JSON Schemas", () => {
  for (const file of Object.keys(GENERATED_SCHEMAS) as GeneratedSchemaFile[]) {
    it(`schemas/${file} matches its zod schema (run node src/config/json-schema.ts)`, async () => {
      const committed = JSON.parse(await readFile(new URL(`schemas/${file}`, root), "utf8"));
      expect(committed).toEqual(generatedJsonSchema(file));
    });
  }

  it("the config JSON Schema accepts and rejects what zod does", async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(await readFile(new URL("schemas/dtp-config.schema.json", root), "utf8")),
    );
    const good = {
      $schema: "./schemas/dtp-config.schema.json",
      baseUrl: "https://as.example",
      apiKey: { env: "K" },
      approval: { method: "command", approve: "approve.sh {user_code}" },
      user: { username: "u", password: "p" },
      maxWait: "2m",
    };
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, approval: { method: "command" } })).toBe(false);
    expect(validate({ baseUrl: "https://as.example" })).toBe(false);
    expect(validate({ ...good, maxWait: "later" })).toBe(false);
  });
});
