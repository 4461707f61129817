/**
 * `dtp test` with no URL tests the embedded reference server; `dtp serve` runs it until
 * stopped. These run the real reference server in-process.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
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
    const keyFile = join(await mkdtemp(join(tmpdir(), "dtp-serve-")), "api.key");
    await writeFile(keyFile, "vendor-key-123\n");
    const running = main(
      [
        "serve",
        "--memory",
        "--port",
        "0",
        "--short",
        "--api-key-file",
        keyFile,
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

  it("dtp serve takes no key on the command line (the process list would show it): files or the environment", async () => {
    const io = (sink: { out: string }) => ({
      stdout: (s: string) => {
        sink.out += s;
      },
      stderr: (s: string) => {
        sink.out += s;
      },
      cwd: tmpdir(),
      color: false,
    });
    const refused = { out: "" };
    expect(await main(["serve", "--memory", "--admin-key", "secret-admin"], io(refused))).toBe(2);
    expect(refused.out).toContain("unknown option '--admin-key'");
    const missing = { out: "" };
    expect(
      await main(["serve", "--memory", "--admin-key-file", "/nonexistent/k"], io(missing)),
    ).toBe(2);
    expect(missing.out).toContain("--admin-key-file /nonexistent/k not found");
    const help = { out: "" };
    await main(["serve", "--help"], io(help));
    expect(help.out).toMatch(/--admin-key-file[\s\S]*DTP_ADMIN_KEY[\s\S]*process list/);

    const previous = process.env.DTP_ADMIN_KEY;
    process.env.DTP_ADMIN_KEY = "admin-from-env-123";
    try {
      const controller = new AbortController();
      let served: { adminKey: string } | undefined;
      const running = main(["serve", "--memory", "--port", "0"], {
        ...io({ out: "" }),
        signal: controller.signal,
        onServing: (info) => {
          served = info;
        },
      });
      for (let i = 0; i < 100 && !served; i++) await new Promise((r) => setTimeout(r, 20));
      expect(served?.adminKey).toBe("admin-from-env-123");
      controller.abort();
      expect(await running).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.DTP_ADMIN_KEY;
      else process.env.DTP_ADMIN_KEY = previous;
    }
  });
});
