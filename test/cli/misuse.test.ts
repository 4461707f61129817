/**
 * Misuse of the CLI, with real processes: every row is one clear line on stderr (`dtp: …`),
 * the documented exit code (2 = usage, config or unreachable target) and never a stack
 * trace. Then the ways a run is cut short: a closed stdout (`dtp … | head`) is not an error
 * (the output stops, the command finishes, reports are written), and Ctrl-C stops the run,
 * writes the reports of what ran and says so (exit 1: an interrupted run is never a pass).
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../../src/check/check.ts";
import { main } from "../../src/cli/main.ts";
import type { RunReport } from "../../src/runner/types.ts";
import { checks } from "../../suites/index.ts";
import { MISUSE } from "./misuse-cases.ts";
import { baseEnv, MAIN, runCli } from "./process.ts";

const cwd = mkdtempSync(join(tmpdir(), "dtp-misuse-"));
let closedPort = 0;

beforeAll(async () => {
  const file = (name: string, text: string) => writeFileSync(join(cwd, name), text);
  file("bad.json", "{ nope");
  file("invalid.json", JSON.stringify({ apiKey: "k", extra: 1 }));
  file("env-missing.json", JSON.stringify({ apiKey: { env: "DTP_MISUSE_UNSET" } }));
  file("ok.json", JSON.stringify({ apiKey: "k" }));
  file("unreadable.json", JSON.stringify({ apiKey: "k" }));
  chmodSync(join(cwd, "unreadable.json"), 0o000);
  file("unknown-ids.json", JSON.stringify({ failures: [{ id: "DTP-NOPE-001", reason: "x" }] }));
  file("not-pem.pem", "hello");
  mkdirSync(join(cwd, "dir"));
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
});

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const STACK = /^\s+at |node:internal|\n\s*\^|Error: .*\n\s+at /m;

describe("misuse: one line, exit 2, no stack trace", () => {
  it.concurrent.each(MISUSE)("%s", async (_what, args, code, said) => {
    const r = await runCli(
      args.map((a) => a.replace("{port}", String(closedPort))),
      { cwd },
    );
    expect(r.err).toMatch(said);
    expect(r.err).toMatch(/^dtp: [^\n]+\n$/);
    expect(r.err).not.toMatch(STACK);
    expect(r.err).not.toContain("s3cr3t");
    expect(r.out).toBe("");
    expect(r.code).toBe(code);
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable config (not testable as root)", async () => {
    const r = await runCli(["test", "-c", "unreadable.json"], { cwd });
    expect(r.err).toMatch(/^dtp: config file .*unreadable\.json: permission denied\n$/);
    expect(r.code).toBe(2);
  });

  it("an internal error (a bug in the kit) is one line too; DTP_DEBUG=1 adds the stack", async () => {
    const broken = [{ meta: { id: "not-an-id" }, run: async () => {} }] as unknown as Check[];
    const run = async () => {
      let err = "";
      const code = await main(["test", "--list"], {
        stdout: () => {},
        stderr: (s) => {
          err += s;
        },
        cwd,
        checks: broken,
      });
      return { code, err };
    };
    const plain = await run();
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(
      /^dtp: internal error \(a bug in the kit, please report it with DTP_DEBUG=1 set for the stack\): \w*Error: [^\n]+\n$/,
    );
    process.env.DTP_DEBUG = "1";
    try {
      expect((await run()).err).toMatch(STACK);
    } finally {
      delete process.env.DTP_DEBUG;
    }
  });
});

/** Spawns the CLI with its stdout's reading end already closed (EPIPE on the first write). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: baseEnv() });
    child.stdout.destroy();
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) => resolve({ code, err }));
  });
}

function shell(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-o", "pipefail", "-c", script], { cwd, env: baseEnv() });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("a closed stdout is not an error", () => {
  const dtp = `'${process.execPath}' '${MAIN}'`;

  it("dtp --help | head -3", async () => {
    const r = await shell(`${dtp} --help | head -3`);
    expect(r.out.split("\n").filter(Boolean).length).toBeLessThanOrEqual(3);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("dtp test --list | head", async () => {
    const r = await shell(`${dtp} test --list | head -2`);
    expect(r.out).toMatch(/^DTP-DISC-001 /);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("--help and --list with stdout closed before the first write (EPIPE)", async () => {
    for (const args of [["--help"], ["test", "--list"]]) {
      const r = await withClosedStdout(args);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
    }
  });

  it("a run with stdout closed finishes and writes its report", async () => {
    const report = join(cwd, "closed-stdout.json");
    const r = await withClosedStdout(["test", "--area", "discovery", "--report", `json=${report}`]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const discovery = checks.filter((c) => c.meta.area === "discovery").length;
    expect((JSON.parse(readFileSync(report, "utf8")) as RunReport).results).toHaveLength(discovery);
  }, 60_000);
});

describe("Ctrl-C", () => {
  it("stops the run, writes the reports of what ran and says so (exit 1)", async () => {
    const json = join(cwd, "interrupted.json");
    const html = join(cwd, "interrupted.html");
    const started = Date.now();
    let interruptedAt = 0;
    const r = await runCli(["test", "--report", `json=${json},html=${html}`], {
      cwd,
      started: (child, output) => {
        const poll = setInterval(() => {
          if (/\[\s*10\/\d+\]/.test(output())) {
            clearInterval(poll);
            interruptedAt = Date.now();
            child.kill("SIGINT");
          }
        }, 50);
        child.on("close", () => clearInterval(poll));
      },
    });
    expect(interruptedAt).toBeGreaterThan(started);
    expect(Date.now() - interruptedAt).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^dtp: interrupted: the run stopped after \d+ of \d+ checks; the reports hold what ran \(exit 1\)\n$/,
    );
    expect(r.out).toContain(`wrote json report to ${json}`);
    const report = JSON.parse(readFileSync(json, "utf8")) as RunReport;
    expect(report.exitCode).toBe(1);
    expect(report.results.filter((x) => x.status === "PASS").length).toBeGreaterThanOrEqual(10);
    expect(existsSync(html)).toBe(true);
  }, 90_000);
});
