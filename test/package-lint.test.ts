/**
 * The package as published: publint (package.json fields, exports, files) and Are the Types
 * Wrong (every export's types resolve for ESM consumers; the kit is ESM-only, so the
 * `esm-only` profile) run clean on the tarball `npm pack` makes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/paths.ts";

const run = promisify(execFile);
const root = packageRoot();
const temp = mkdtempSync(join(tmpdir(), "dtp-package-lint-"));
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
const bin = (name: string) => join(root, "node_modules", ".bin", name);
let tarball: string;

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "src", "client", "index.js"))) {
    await run("npm", ["run", "build"], { cwd: root, env });
  }
  // --ignore-scripts: no rebuild of dist/ while other test files read it.
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", temp],
    { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
  );
  tarball = join(temp, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
}, 90_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("the published package", () => {
  it("publint --strict: all good", async () => {
    const { stdout } = await run(bin("publint"), ["run", tarball, "--strict"], { env });
    expect(stdout).toContain("All good!");
  }, 60_000);

  it("attw: every entry point's types resolve for ESM consumers (esm-only profile)", async () => {
    // Exits non-zero on a problem the profile counts; CJS and node10 resolution are out of
    // scope for an ESM-only package (`type: module`, `exports`).
    const { stdout } = await run(
      bin("attw"),
      [tarball, "--profile", "esm-only", "--format", "json"],
      {
        env,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout) as {
      analysis: { entrypoints: Record<string, unknown> };
      problems: Record<string, { entrypoint: string; resolutionKind: string }[]>;
    };
    expect(Object.keys(result.analysis.entrypoints).sort()).toEqual([
      ".",
      "./client",
      "./package.json",
    ]);
    const counted = Object.values(result.problems)
      .flat()
      .filter((p) => p.resolutionKind !== "node16-cjs" && p.resolutionKind !== "node10");
    expect(counted).toEqual([]);
  }, 60_000);
});
