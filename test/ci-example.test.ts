/**
 * examples/ci/dtp-gate.sh against the reference server (`dtp serve`), on the discovery
 * area so that it is quick: it starts the server, finds its URL (printed, or fixed),
 * waits for the metadata URL, runs `dtp test` with reports, propagates the exit code and
 * stops the server.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../src/paths.ts";

const root = packageRoot();
const script = join(root, "examples", "ci", "dtp-gate.sh");
// The sources run directly (Node 24 strips types): no build needed, no stale dist.
// DTP is split on spaces by the script (no quotes): the checkout path must have none.
const dtpCommand = `node ${join(root, "src", "cli", "main.ts")}`;
const temp = mkdtempSync(join(tmpdir(), "dtp-gate-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Gate {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

function gate(cwd: string, env: Record<string, string>): Promise<Gate> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [script], {
      cwd,
      env: {
        ...process.env,
        // This Node (24) first: `node` in the commands below is the one running the tests.
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        DTP: dtpCommand,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), 50_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}

function workdir(name: string): string {
  const made = mkdtempSync(join(temp, `${name}-`));
  writeFileSync(
    join(made, "dtp.config.json"),
    JSON.stringify({ apiKey: "gate-api-key", admin: { token: "gate-admin-key" } }),
  );
  return made;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/.well-known/oauth-authorization-server`);
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

const serve = (port: number | string) =>
  `DTP_API_KEY=gate-api-key DTP_ADMIN_KEY=gate-admin-key ${dtpCommand} serve --short --memory --port ${port}`;

describe("examples/ci/dtp-gate.sh", () => {
  it("starts the server on a free port, reads its URL, runs dtp test with reports: exit 0", async () => {
    const cwd = workdir("printed");
    const run = await gate(cwd, { DTP_SERVER_CMD: serve(0), DTP_ARGS: "--area discovery" });
    expect(run.code, run.err + run.out).toBe(0);
    const url = /the server printed (http:\/\/\S+)/.exec(run.err)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.out).toContain("CONFORMANT");
    const junit = readFileSync(join(cwd, "reports", "dtp.xml"), "utf8");
    expect(junit).toContain("<testcase");
    expect(junit).toContain("DTP-DISC-001");
    expect(readFileSync(join(cwd, "reports", "dtp.html"), "utf8")).toMatch(/^<!doctype html>/i);
    expect(JSON.parse(readFileSync(join(cwd, "reports", "dtp.json"), "utf8"))).toHaveProperty(
      "results",
    );
    expect(existsSync(join(cwd, "reports", "server.log"))).toBe(true);
    // The server was stopped when the tests ended.
    expect(await answers(url!)).toBe(false);
  }, 60_000);

  it("with a fixed port and DTP_URL, propagates dtp test's exit code (a stale expected failure: 1)", async () => {
    const cwd = workdir("fixed");
    const port = await freePort();
    writeFileSync(
      join(cwd, "dtp.expected-failures.json"),
      JSON.stringify({ failures: [{ id: "DTP-DISC-001", reason: "it passes: stale" }] }),
    );
    const url = `http://127.0.0.1:${port}`;
    const run = await gate(cwd, {
      DTP_SERVER_CMD: serve(port),
      DTP_URL: url,
      DTP_ARGS: "--area discovery",
      DTP_REPORTS: "out",
    });
    expect(run.code, run.err + run.out).toBe(1);
    expect(run.err).toContain("dtp test exited with 1");
    expect(existsSync(join(cwd, "out", "dtp.xml"))).toBe(true);
    expect(await answers(url)).toBe(false);
  }, 60_000);

  it("exit 2 at once when the server exits, and after DTP_WAIT when it never answers", async () => {
    const cwd = workdir("down");
    const crashed = await gate(cwd, { DTP_SERVER_CMD: "echo starting; exit 3", DTP_WAIT: "20" });
    expect(crashed.code).toBe(2);
    expect(crashed.err).toContain("the server exited (status 3) before answering");
    expect(crashed.err).toContain("starting");
    expect(crashed.ms).toBeLessThan(10_000);

    const silent = await gate(cwd, { DTP_SERVER_CMD: "sleep 30", DTP_WAIT: "2" });
    expect(silent.code).toBe(2);
    expect(silent.err).toContain("no answer from the server (it printed no URL) within 2s");
    expect(silent.ms).toBeLessThan(15_000);

    const nothing = await gate(cwd, {});
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain("set DTP_URL");
  }, 60_000);
});

describe("examples/ci files", () => {
  it("dtp.config.json and dtp.expected-failures.json follow the published schemas", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // ajv-formats is CommonJS; its default export is the plugin function.
    (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(ajv);
    for (const [example, schema] of [
      ["dtp.config.json", "dtp-config.schema.json"],
      ["dtp.expected-failures.json", "dtp-expected-failures.schema.json"],
    ] as const) {
      const validate = ajv.compile(
        JSON.parse(readFileSync(join(root, "schemas", schema), "utf8")) as object,
      );
      const data: unknown = JSON.parse(readFileSync(join(root, "examples", "ci", example), "utf8"));
      expect(validate(data), `${example}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it("the vendor workflow checks out the DTP repository and runs its action with valid inputs", () => {
    const workflow = parse(
      readFileSync(join(root, "examples", "ci", "github", "dtp-conformance.yml"), "utf8"),
    ) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
      inputs: Record<string, { required?: boolean }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout") && s.with?.path);
    expect(checkout?.with?.path).toBe(".dtp-kit");
    const dtp = steps.find((s) => s.uses === `./${checkout?.with?.path}`);
    expect(dtp, "a step uses the checked-out action").toBeDefined();
    const given = Object.keys(dtp?.with ?? {});
    expect(given.filter((k) => !(k in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs).filter(([, i]) => i.required);
    expect(required.map(([k]) => k).filter((k) => !given.includes(k))).toEqual([]);
    expect(dtp?.with).toMatchObject({
      config: "dtp.config.json",
      "expected-failures": "dtp.expected-failures.json",
    });
  });

  it("the fork's workflow runs the commands the README documents", () => {
    const fork = readFileSync(
      join(root, "examples", "ci", "github", "dtp-spec-change.yml"),
      "utf8",
    );
    for (const command of [
      "npm ci",
      "npx dtp spec lint",
      "npx dtp spec diff",
      "npx dtp test --strict",
    ]) {
      expect(fork).toContain(command);
    }
  });

  it("no example needs the kit on a package registry", () => {
    for (const file of [
      "README.md",
      "github/dtp-conformance.yml",
      "github/dtp-spec-change.yml",
      "dtp-gate.sh",
    ]) {
      const text = readFileSync(join(root, "examples", "ci", file), "utf8");
      expect(text, file).not.toMatch(
        /--package[= ]dtp-kit|npx --yes|npm (i|install) (-g )?dtp-kit/,
      );
    }
  });
});

describe("examples/ci/dtp-gate.sh without DTP", () => {
  it("runs the kit it belongs to (this checkout, after npm ci)", async () => {
    const cwd = workdir("own-kit");
    // An empty DTP is unset for the script (${DTP:-}): it finds ../../bin/dtp.js itself.
    const run = await gate(cwd, {
      DTP: "",
      DTP_SERVER_CMD: serve(0),
      DTP_ARGS: "--area discovery",
    });
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toContain("CONFORMANT");
  }, 60_000);
});
