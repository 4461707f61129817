/**
 * `dtp test` with no URL tests the embedded reference server; `dtp serve` runs it until
 * stopped. These run the real reference server in-process.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { runConformance } from "../../src/index.ts";

describe("embedded reference server", () => {
  it("dtp test (no URL) starts it, discovers every feature and passes discovery", async () => {
    let out = "";
    const cwd = await mkdtemp(join(tmpdir(), "dtp-embedded-"));
    const code = await main(["test", "--area", "discovery", "--seed", "3"], {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        out += s;
      },
      cwd,
      color: false,
    });
    expect(out).toContain("(embedded reference server)");
    for (const f of [
      "dtp",
      "device_code",
      "refresh_token",
      "revocation",
      "dpop",
      "admin",
      "user_credentials",
      "api_key",
    ]) {
      expect(out).toMatch(new RegExp(`features .*\\b${f}\\b`));
    }
    expect(out).toMatch(/PASS\s+DTP-DISC-001/);
    expect(out).not.toMatch(/\b(FAIL|ERROR)\b {1,2}DTP-/);
    expect(code).toBe(0);
  });

  it("runConformance() without a URL returns the report of the embedded server", async () => {
    const report = await runConformance({ area: "discovery", only: ["DTP-DISC-002"], seed: 1 });
    expect(report.target.embedded).toBe(true);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.status).toBe("PASS");
    expect(report.exitCode).toBe(0);
    // Its credentials are redacted from the report.
    expect(JSON.stringify(report)).not.toMatch(/dtp_(key|admin)_[A-Za-z0-9_-]{24,}/);
  });

  it("dtp serve starts the server with the given options, prints its keys and stops on signal", async () => {
    const controller = new AbortController();
    let out = "";
    let served: { url: string; adminKey: string; apiKey: string } | undefined;
    const running = main(
      [
        "serve",
        "--memory",
        "--port",
        "0",
        "--short",
        "--api-key",
        "vendor-key-123",
        "--interval",
        "2s",
        "--user",
        "bob:pw123:CARD-9",
      ],
      {
        stdout: (s) => {
          out += s;
        },
        stderr: (s) => {
          out += s;
        },
        cwd: tmpdir(),
        color: false,
        signal: controller.signal,
        onServing: (info) => {
          served = info;
        },
      },
    );
    for (let i = 0; i < 100 && !served; i++) await new Promise((r) => setTimeout(r, 20));
    expect(served, out).toBeDefined();
    expect(served!.apiKey).toBe("vendor-key-123");
    expect(out).toContain(`listening on ${served!.url}`);
    expect(out).toContain("user        bob:pw123 (card CARD-9)");
    const metadata = (await (
      await fetch(`${served!.url}/.well-known/oauth-authorization-server`)
    ).json()) as { issuer: string; dtp_lifetimes: { interval: number; access_token: number } };
    expect(metadata.issuer).toBe(served!.url);
    expect(metadata.dtp_lifetimes.interval).toBe(2); // explicit flag wins over --short
    expect(metadata.dtp_lifetimes.access_token).toBeLessThan(3600); // --short applied
    controller.abort();
    expect(await running).toBe(0);
  });
});
