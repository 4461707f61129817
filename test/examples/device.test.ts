/**
 * examples/device/printer.ts, a device program on dtp-kit/client, run as its own process
 * against `dtp serve`: the first start registers with a key and waits until the test approves
 * its user code through the admin API; the second start (same state file) re-registers with
 * a signature and is approved at once. The README's "Build a device with dtp-kit/client"
 * shows this very program.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { packageRoot } from "../../src/paths.ts";

const root = packageRoot();
const program = join(root, "examples", "device", "printer.ts");
const dir = mkdtempSync(join(tmpdir(), "dtp-printer-"));
const controller = new AbortController();
let server: Promise<number>;
let served: { url: string; adminKey: string; apiKey: string } | undefined;

beforeAll(async () => {
  server = main(["serve", "--memory", "--port", "0", "--short"], {
    stdout: () => {},
    stderr: () => {},
    cwd: dir,
    color: false,
    signal: controller.signal,
    onServing: (info) => {
      served = info;
    },
  });
  for (let i = 0; i < 200 && !served; i++) await new Promise((r) => setTimeout(r, 25));
  if (!served) throw new Error("dtp serve did not start");
});

afterAll(async () => {
  controller.abort();
  await server;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the printer; `onLine` sees each line of its output as it comes. */
function runPrinter(
  onLine: (line: string) => void = () => {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    // The example imports "dtp-kit/client": the dtp-source condition resolves it to src/.
    const child = spawn(process.execPath, ["--conditions=dtp-source", program, "state.json"], {
      cwd: dir,
      env: { ...process.env, DTP_URL: served!.url, DTP_API_KEY: served!.apiKey },
    });
    let out = "";
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

describe("examples/device: a printer on dtp-kit/client against dtp serve", () => {
  it("registers with a key, waits for approval, calls /me, refreshes", {
    timeout: 60_000,
  }, async () => {
    const approvals: Promise<Response>[] = [];
    const { code, out } = await runPrinter((line) => {
      const userCode = /^user code ([A-Z-]+):/.exec(line)?.[1];
      if (userCode) {
        approvals.push(
          fetch(`${served!.url}/admin/registrations/${userCode}/approve`, {
            method: "POST",
            headers: { authorization: `Bearer ${served!.adminKey}` },
          }),
        );
      }
    });
    expect(code, out).toBe(0);
    expect(approvals).toHaveLength(1);
    expect((await approvals[0]!).status).toBe(200);
    expect(out).toMatch(/approved: DPoP token for printer-/);
    expect(out).toMatch(/\/me: 200 \{"sub":"printer-[^"]+","client_id":"printer-/);
    expect(out).toMatch(/refreshed: the new access token lives \d+ s/);
  });

  it("after a restart, re-registers with a signature: approved without an administrator", {
    timeout: 60_000,
  }, async () => {
    const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { clientId: string };
    const { code, out } = await runPrinter();
    expect(code, out).toBe(0);
    expect(out).toContain("re-registered with a signature");
    expect(out).not.toContain("user code");
    expect(out).toContain(`approved: DPoP token for ${state.clientId}`);
    expect(out).toMatch(/\/me: 200 /);
  });
});

describe("README: Build a device with dtp-kit/client", () => {
  it("shows examples/device/printer.ts exactly (from its first import)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Build a device with dtp-kit/client"));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const source = readFileSync(program, "utf8");
    expect(block).toBe(source.slice(source.indexOf("import { randomUUID }")));
  });
});
