/**
 * A failure's curl script reproduces the faulty answer: the catalogue fault "a rotated refresh
 * token stays valid" is caught by DTP-REF-002; its failure carries a bash script of the
 * exchanges that show it (register, approve, poll, refresh, reuse), which, run against the
 * same broken server with the secrets in environment variables, gets the faulty 200 again.
 */
import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../../src/runner/run.ts";
import { type FaultHost, type HostedServer, startFaultHost } from "./host.ts";

const run = promisify(execFile);
let host: FaultHost;
let server: HostedServer;

beforeAll(async () => {
  host = await startFaultHost();
  server = await host.start("F-REF-01-rotated-token-stays-valid");
});
afterAll(async () => {
  await server?.close();
  await host?.close();
});

describe("curl reproduction", () => {
  it("the script of a failure, run with the secrets in the environment, shows the faulty answer", {
    timeout: 60_000,
  }, async () => {
    const report = await runConformance({
      url: server.url,
      config: {
        apiKey: server.apiKey,
        admin: { token: server.adminKey },
        approval: { method: "admin-api" },
      },
      only: ["DTP-REF-002"],
      seed: 7,
    });
    const result = report.results[0]!;
    expect(result.status).toBe("FAIL");
    const failure = result.failures![0]!;
    expect(failure.requirement).toBe("DTP-REF-003");
    const script = failure.curl!;
    // No secret is written out: they come from the environment.
    expect(script).not.toContain(server.apiKey);
    expect(script).not.toContain(server.adminKey);
    expect(script).toMatch(/"\$\{DTP_API_KEY\}"/);
    expect(script).toContain("export DTP_ADMIN_TOKEN=");

    // Without the secrets it refuses to start.
    await expect(run("bash", ["-c", script], { env: { PATH: process.env.PATH } })).rejects.toThrow(
      /DTP_API_KEY/,
    );
    const { stdout } = await run("bash", ["-c", script], {
      env: {
        // `node` (for json_get) is the one running this test.
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
        DTP_API_KEY: server.apiKey,
        DTP_ADMIN_TOKEN: server.adminKey,
      },
    });
    const lines = stdout.trim().split("\n");
    // The rotated refresh token, presented again, is still accepted: 200 with new tokens.
    const last = lines.findLast((l) => /^#\d+ /.test(l))!;
    expect(last).toMatch(/^#\d+ refresh → 200$/);
    expect(JSON.parse(lines.at(-1)!)).toHaveProperty("access_token");
    expect(lines.filter((l) => /→ 200$/.test(l)).length).toBeGreaterThanOrEqual(4);
  });
});
