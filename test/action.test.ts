/**
 * The GitHub Action (action.yml) run locally: its shell steps, extracted with the yaml
 * package, run with bash as a runner runs them (`bash --noprofile --norc -eo pipefail`), the
 * inputs and `github.action_path` substituted into their `env` and `working-directory`, in a
 * copy of this repository (the action installs the kit from its own checkout with npm ci),
 * against `dtp serve`. The `uses:` step (upload-artifact) is not run; the test checks that
 * the directory it uploads holds the reports.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RunReport } from "../src/runner/types.ts";
import { baseEnv, root, type Served, serveProcess } from "./cli/process.ts";

interface Step {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as Action;
const temp = mkdtempSync(join(tmpdir(), "dtp-action-"));
const kit = join(temp, "kit");
let server: Served;

/** The repository's files as they are in the work tree (tracked or new, not ignored). */
function copyRepository(to: string): void {
  const files = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  )
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(root, file), join(to, file));
  }
}

interface JobRun {
  /** Exit code of every step that ran, by name. */
  steps: { name: string; code: number; out: string }[];
  uploads: { name: string; path: string }[];
  outputs: Record<string, string>;
  failed: boolean;
}

/** Runs the action's steps with these inputs, as a runner would (skipping `skip` steps). */
async function runAction(
  workspace: string,
  given: Record<string, string>,
  options: { skip?: string[]; env?: Record<string, string> } = {},
): Promise<JobRun> {
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = spec.default ?? "";
  Object.assign(inputs, given);
  const stepOutputs: Record<string, Record<string, string>> = {};
  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expr);
      if (input) return inputs[input[1]!] ?? "";
      if (expr === "github.action_path") return kit;
      if (expr === "github.workspace") return workspace;
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      if (output) return stepOutputs[output[1]!]?.[output[2]!] ?? "";
      if (expr === "always()") return "true";
      throw new Error(`action.yml uses an expression this test does not know: ${expr}`);
    });
  const job: JobRun = { steps: [], uploads: [], outputs: {}, failed: false };
  for (const step of action.runs.steps) {
    const name = step.name ?? step.uses ?? "?";
    const always = step.if !== undefined && evaluate(step.if) === "true";
    if (step.if !== undefined && !always) throw new Error(`unknown condition ${step.if}`);
    if (job.failed && !always) continue;
    if (options.skip?.includes(name)) continue;
    if (step.uses) {
      expect(step.uses).toMatch(/^actions\/upload-artifact@v\d+$/);
      job.uploads.push({
        name: evaluate(step.with?.name ?? ""),
        path: evaluate(step.with?.path ?? ""),
      });
      continue;
    }
    expect(step.shell, `${name}: shell`).toBe("bash");
    expect(step.run, `${name}: no expression inside a script`).not.toContain("${{");
    const outputFile = join(temp, `output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(outputFile, "");
    const env = baseEnv({
      GITHUB_OUTPUT: outputFile,
      GITHUB_WORKSPACE: workspace,
      npm_config_prefer_offline: "true",
      ...options.env,
    });
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(v);
    const cwd = step["working-directory"] ? evaluate(step["working-directory"]) : workspace;
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve, reject) => {
      const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
        cwd,
        env,
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c ?? 1, out }));
    });
    job.steps.push({ name, code, out });
    if (step.id) {
      stepOutputs[step.id] = Object.fromEntries(
        readFileSync(outputFile, "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
    }
    if (code !== 0) job.failed = true;
  }
  for (const [name, spec] of Object.entries(action.outputs))
    job.outputs[name] = evaluate(spec.value);
  return job;
}

function workspace(name: string, files: Record<string, unknown>): string {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    writeFileSync(join(dir, file), JSON.stringify(content));
  }
  return dir;
}

beforeAll(async () => {
  copyRepository(kit);
  server = await serveProcess(["--short", "--memory", "--port", "0"]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
});

describe("action.yml", () => {
  it("is a composite action whose inputs include url, config, expected-failures, area, strict and args", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(["url", "config", "expected-failures", "area", "strict", "args"]),
    );
    expect(action.inputs.url?.required).toBe(true);
  });

  it("installs the kit from its checkout, passes against dtp serve, leaves the reports for upload", async () => {
    const ws = workspace("pass", {
      "dtp.config.json": {
        apiKey: server.apiKey,
        admin: { token: server.adminKey },
        approval: { method: "admin-api" },
      },
      "known.json": { failures: [] },
    });
    const job = await runAction(ws, {
      url: server.url,
      config: "dtp.config.json",
      "expected-failures": "known.json",
      area: "discovery,registration",
      strict: "true",
      args: "--seed 42 --runs 5",
    });
    const [install, test, verdict] = job.steps;
    expect(install?.code, install?.out).toBe(0);
    expect(existsSync(join(kit, "node_modules", ".bin", "node"))).toBe(true);
    expect(existsSync(join(kit, "dist", "src", "cli", "main.js"))).toBe(true);
    expect(test?.out).toContain("CONFORMANT");
    expect(test?.out).toContain("seed      42 (runs 5,");
    expect(job.outputs["exit-code"]).toBe("0");
    expect(job.uploads).toEqual([{ name: "dtp-reports", path: "dtp-reports" }]);
    const report = JSON.parse(
      readFileSync(join(ws, "dtp-reports", "dtp.json"), "utf8"),
    ) as RunReport;
    expect(report.options).toMatchObject({ seed: 42, runs: 5, strict: true });
    expect(new Set(report.results.map((r) => r.area))).toEqual(
      new Set(["discovery", "registration"]),
    );
    expect(existsSync(join(ws, "dtp-reports", "dtp.xml"))).toBe(true);
    expect(existsSync(join(ws, "dtp-reports", "dtp.html"))).toBe(true);
    expect(verdict?.code).toBe(0);
    expect(job.failed).toBe(false);
  }, 300_000);

  it("fails the job on the verdict (a stale expected failure: exit 1), after the reports are written", async () => {
    const ws = workspace("stale", {
      "known.json": { failures: [{ id: "DTP-DISC-001", reason: "x" }] },
    });
    const job = await runAction(
      ws,
      { url: server.url, "expected-failures": "known.json", area: "discovery", reports: "out" },
      { skip: ["Install the DTP kit from the action's checkout"] },
    );
    expect(job.steps.map((s) => [s.name, s.code])).toEqual([
      ["dtp test", 0],
      ["Verdict", 1],
    ]);
    expect(job.outputs["exit-code"]).toBe("1");
    expect(existsSync(join(ws, "out", "dtp.json"))).toBe(true);
    expect(job.uploads[0]?.path).toBe("out");
    expect(job.failed).toBe(true);
  }, 120_000);

  it("an unreachable server or a missing url fails the job with exit 2", async () => {
    const ws = workspace("unreachable", {});
    const skip = { skip: ["Install the DTP kit from the action's checkout"] };
    const down = await runAction(ws, { url: "http://127.0.0.1:9" }, skip);
    expect(down.outputs["exit-code"]).toBe("2");
    expect(down.steps.at(-1)).toMatchObject({ name: "Verdict", code: 2 });
    const none = await runAction(ws, {}, skip);
    expect(none.steps[0]?.out).toContain("::error::DTP conformance: the url input is required");
    expect(none.steps.at(-1)).toMatchObject({ name: "Verdict", code: 2 });
  }, 120_000);
});
