/**
 * The kit as a package: `npm pack` holds the CLI, dist, the spec and the schemas and
 * nothing of the tests; installed into an empty directory (from the registry, like a
 * vendor would), `npx dtp test <url>`, `npx dtp serve` and `npx dtp spec lint|diff` work.
 *
 * It packs the repository's dist/ as it is (`npm install` builds it through `prepare`;
 * it is built here only when missing): after changing sources, `npm run build` first.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.ts";
import { packageRoot } from "../src/paths.ts";

const run = promisify(execFile);
const root = packageRoot();
const temp = mkdtempSync(join(tmpdir(), "dtp-pack-"));
// This Node (24) first on PATH: npm, npx and the installed `dtp` bin run on it.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };

interface PackedFile {
  path: string;
}

let tarball: string;
let files: string[];

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "src", "cli", "main.js"))) {
    await run("npm", ["run", "build"], { cwd: root, env });
  }
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", temp],
    { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
  );
  const [result] = JSON.parse(stdout) as [{ filename: string; files: PackedFile[] }];
  tarball = join(temp, result.filename);
  files = result.files.map((f) => f.path);
}, 90_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("npm pack", () => {
  it("holds the CLI, dist, the spec and the schemas, and nothing of the tests", () => {
    for (const path of [
      "package.json",
      "bin/dtp.js",
      "dist/src/cli/main.js",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/spec-tools/lint.js",
      "dist/suites/index.js",
      "dist/reference-server/index.js",
      "spec/dtp.openapi.yaml",
      "spec/requirements.yaml",
      "spec/CHANGELOG.md",
      "spec/releases/1.0.0/dtp.openapi.yaml",
      "schemas/dtp-config.schema.json",
      "schemas/dtp-report.schema.json",
      "schemas/dtp-expected-failures.schema.json",
      "README.md",
    ]) {
      expect(files, path).toContain(path);
    }
    const unwanted = files.filter(
      (f) =>
        /(^|\/)test\//.test(f) ||
        /\.test\.(ts|js)$/.test(f) ||
        f.startsWith("examples/") ||
        f.startsWith("scripts/") ||
        f.startsWith("bench/") ||
        f.startsWith("notes/") ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")),
    );
    expect(unwanted).toEqual([]);
  });

  it("every package that dist imports at run time is a dependency (devDependencies are not installed)", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const missing = new Map<string, string>();
    const statement =
      /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm;
    for (const path of files.filter((f) => f.startsWith("dist/") && f.endsWith(".js"))) {
      const text = readFileSync(join(root, path), "utf8");
      for (const m of text.matchAll(statement)) {
        const specifier = m[1] ?? m[2]!;
        if (specifier.startsWith(".") || isBuiltin(specifier)) continue;
        const parts = specifier.split("/");
        const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
        if (name !== pkg.name && !declared.has(name) && !missing.has(name)) missing.set(name, path);
      }
    }
    expect(
      Object.fromEntries(missing),
      "packages imported by dist/ but not in package.json dependencies (move them there)",
    ).toEqual({});
  });

  it("installed into an empty directory: npx dtp test <url>, spec lint / diff, and npx dtp serve", async () => {
    const app = mkdtempSync(join(temp, "app-"));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "vendor-ci", private: true }));
    await run("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: app,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(readdirSync(join(app, "node_modules", "dtp-kit"))).toContain("dist");

    // A reference server started by the test (in-process), tested by the installed kit.
    const controller = new AbortController();
    let url = "";
    writeFileSync(join(app, "api.key"), "pk\n");
    writeFileSync(join(app, "admin.key"), "ak\n");
    const listening = new Promise<void>((resolve) => {
      void main(
        [
          "serve",
          "--short",
          "--memory",
          "--port",
          "0",
          "--api-key-file",
          join(app, "api.key"),
          "--admin-key-file",
          join(app, "admin.key"),
        ],
        {
          stdout: () => {},
          stderr: () => {},
          cwd: app,
          signal: controller.signal,
          onServing: (info) => {
            url = info.url;
            resolve();
          },
        },
      );
    });
    await listening;
    try {
      writeFileSync(
        join(app, "dtp.config.json"),
        JSON.stringify({ apiKey: "pk", admin: { token: "ak" } }),
      );
      const test = await run(
        "npx",
        ["dtp", "test", url, "--area", "discovery", "--config", "dtp.config.json", "--no-color"],
        { cwd: app, env },
      );
      expect(test.stdout).toContain("CONFORMANT");
      expect(test.stdout).toMatch(/ PASS +DTP-DISC-001 /);
    } finally {
      controller.abort();
    }

    // The spec tools on the packaged spec (found from the package root under node_modules).
    const lint = await run("npx", ["dtp", "spec", "lint"], { cwd: app, env });
    expect(lint.stdout).toMatch(/^spec lint: OK \(\d+ operations, \d+ requirements, \d+ checks\)/);
    const spec = join("node_modules", "dtp-kit", "spec");
    const diff = await run("npx", ["dtp", "spec", "diff", join(spec, "releases", "1.0.0"), spec], {
      cwd: app,
      env,
    });
    expect(diff.stdout).toContain("OK, exit 0");

    // The installed reference server: start, read the URL, GET the metadata, stop.
    // Its own process group: npx does not pass SIGTERM on, so the group is stopped.
    const serve = spawn("npx", ["dtp", "serve", "--short", "--memory", "--port", "0"], {
      cwd: app,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const exited = new Promise<void>((resolve) => serve.on("exit", () => resolve()));
    let served = "";
    try {
      served = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}${err}`)), 30_000);
        serve.stderr.on("data", (d: Buffer) => {
          err += d.toString();
        });
        serve.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        serve.on("exit", (code) => reject(new Error(`dtp serve exited (${code}):\n${out}${err}`)));
      });
      const res = await fetch(`${served}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { issuer: string }).issuer).toBe(served);
    } finally {
      if (serve.pid !== undefined) process.kill(-serve.pid, "SIGTERM");
    }
    await exited;
    await expect(fetch(`${served}/.well-known/oauth-authorization-server`)).rejects.toThrow();
  }, 90_000);
});
