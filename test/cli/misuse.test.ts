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

/** [what, args, exit code, what stderr says]; `{port}` is a port nobody listens on. */
const MISUSE: [string, string[], number, RegExp][] = [
  // URL forms
  ["not a URL", ["test", "not-a-url"], 2, /"not-a-url" is not a URL/],
  [
    "host:port, no scheme",
    ["test", "127.0.0.1:38307"],
    2,
    /has no scheme: write http:\/\/127\.0\.0\.1:38307/,
  ],
  ["name:port, no scheme", ["test", "localhost:8080"], 2, /"localhost:8080" has no scheme/],
  [
    "host, no scheme",
    ["test", "as.example.com"],
    2,
    /has no scheme: write http:\/\/as\.example\.com/,
  ],
  ["ftp:// URL", ["test", "ftp://x.example"], 2, /ftp:\/\/… cannot be tested/],
  ["http:// with no host", ["test", "http://"], 2, /"http:\/\/" has no host/],
  ["credentials in the URL", ["test", "https://user:s3cr3t@x.example"], 2, /carries credentials/],
  ["query in the URL", ["test", "https://x.example/?a=1"], 2, /no query or fragment/],
  ["nothing listening", ["test", "http://127.0.0.1:{port}"], 2, /connection refused/],
  ["unknown host", ["test", "http://nonexistent.invalid"], 2, /host not found/],
  // options
  ["unknown option", ["test", "--bogus"], 2, /unknown option '--bogus'/],
  ["unknown command", ["tset"], 2, /unknown command 'tset'/],
  ["bad duration", ["test", "--timeout", "soon"], 2, /'soon' is invalid\. not a duration/],
  ["negative duration", ["test", "--max-wait", "-1s"], 2, /'-1s' is invalid/],
  ["zero runs", ["test", "--runs", "0"], 2, /must be at least 1/],
  ["seed not a number", ["test", "--seed", "x"], 2, /not an integer/],
  ["unknown area", ["test", "--area", "nosuch"], 2, /unknown area "nosuch"/],
  ["unknown check id", ["test", "--only", "NOPE-1"], 2, /matches no check/],
  ["unknown profile", ["test", "--profile", "nosuch"], 2, /'nosuch' is invalid/],
  ["unknown report format", ["test", "--report", "xml=out.xml"], 2, /unknown format "xml"/],
  ["report without a path", ["test", "--report", "json"], 2, /json needs a path/],
  [
    "report path is a directory",
    ["test", "--report", "json=dir"],
    2,
    /is a directory; give a file name/,
  ],
  ["replay without a last run", ["test", "--replay", "DTP-REF-004"], 2, /--replay DTP-REF-004/],
  [
    "reserved extra header",
    ["test", "--header", "Authorization: x"],
    2,
    /Authorization is set by the kit/,
  ],
  ["header without a colon", ["test", "--header", "nocolon"], 2, /expected 'Name: value'/],
  [
    "proxy not a URL",
    ["test", "http://127.0.0.1:{port}", "--proxy", "notaurl"],
    2,
    /proxy "notaurl" is not a URL/,
  ],
  ["TLS options without a URL", ["test", "--ca", "x.pem"], 2, /need a target URL/],
  [
    "--cert without --key",
    ["test", "http://127.0.0.1:{port}", "--cert", "ok.json"],
    2,
    /needs its key/,
  ],
  ["port out of range", ["serve", "--port", "99999"], 2, /must be 0–65535/],
  [
    "--tls-cert without --tls-key",
    ["serve", "--tls-cert", "x.pem"],
    2,
    /--tls-cert and --tls-key go together/,
  ],
  ["spec diff without arguments", ["spec", "diff"], 2, /missing required argument 'base'/],
  ["spec lint of an absent file", ["spec", "lint", "absent.yaml"], 2, /absent\.yaml/],
  // files
  ["absent config", ["test", "-c", "absent.json"], 2, /config file .*absent\.json not found/],
  ["config not JSON", ["test", "-c", "bad.json"], 2, /is not valid JSON/],
  ["config against the schema", ["test", "-c", "invalid.json"], 2, /Unrecognized key: "extra"/],
  [
    "config secret from an unset variable",
    ["test", "-c", "env-missing.json"],
    2,
    /DTP_MISUSE_UNSET, which is not set/,
  ],
  ["config is a directory", ["test", "-c", "dir"], 2, /is a directory, not a file/],
  ["config under a file", ["test", "-c", "ok.json/x"], 2, /a part of the path is not a directory/],
  [
    "absent expected-failures file",
    ["test", "--expected-failures", "absent.json"],
    2,
    /expected-failures file .* not found/,
  ],
  [
    "expected failures not JSON",
    ["test", "--expected-failures", "bad.json"],
    2,
    /is not valid JSON/,
  ],
  [
    "expected failures name unknown checks",
    ["test", "--expected-failures", "unknown-ids.json"],
    2,
    /DTP-NOPE-001 is not a check/,
  ],
  [
    "expected failures is a directory",
    ["test", "--expected-failures", "dir"],
    2,
    /is a directory, not a file/,
  ],
  [
    "absent CA file",
    ["test", "http://127.0.0.1:{port}", "--ca", "absent.pem"],
    2,
    /CA file .*absent\.pem not found/,
  ],
  [
    "CA file is a directory",
    ["test", "http://127.0.0.1:{port}", "--ca", "dir"],
    2,
    /is a directory, not a file/,
  ],
  [
    "CA file without a certificate",
    ["test", "http://127.0.0.1:{port}", "--ca", "not-pem.pem"],
    2,
    /no PEM certificate/,
  ],
];

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
    expect((JSON.parse(readFileSync(report, "utf8")) as RunReport).results).toHaveLength(15);
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
