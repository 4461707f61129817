/**
 * Installing the kit: `npm ci` on a fresh clone needs a lock file that `npm install` would
 * not change; the set-up commands use `npm ci`; `engines.node` is the real floor (the
 * highest floor of the runtime dependencies); and the `dtp` bin refuses an older Node with
 * one line and exit code 2 before importing anything.
 */
import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/paths.ts";

const run = promisify(execFile);
const root = packageRoot();
const temp = mkdtempSync(join(tmpdir(), "dtp-install-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockEntry>;
};

describe("package-lock.json", () => {
  it("is what `npm install` would write (npm ci works on a fresh clone)", async () => {
    copyFileSync(join(root, "package.json"), join(temp, "package.json"));
    copyFileSync(join(root, "package-lock.json"), join(temp, "package-lock.json"));
    // --offline: no network in tests. A lock that no longer satisfies package.json then
    // either changes (metadata in npm's cache) or fails with ENOTCACHED; both fail here.
    // npm skips optional packages it cannot fetch without a word, which the next test covers.
    await run(
      "npm",
      [
        "install",
        "--package-lock-only",
        "--ignore-scripts",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
      ],
      { cwd: temp, env },
    ).catch((err: { stderr?: string }) => {
      throw new Error(`npm install --package-lock-only failed:\n${err.stderr ?? err}`);
    });
    const rewritten = readFileSync(join(temp, "package-lock.json"), "utf8");
    expect(
      rewritten === readFileSync(join(root, "package-lock.json"), "utf8"),
      "npm install changes package-lock.json: run `npm install` and commit the lock file",
    ).toBe(true);
  }, 60_000);

  it("records every platform's optional packages (npm ci fails on a platform that is missing)", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (resolveInLock(path, name) === undefined) missing.push(`${path || "(root)"} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("resolves every missing optional package as missing (the check above can fail)", () => {
    expect(resolveInLock("node_modules/@biomejs/biome", "@biomejs/cli-no-such-platform")).toBe(
      undefined,
    );
    expect(resolveInLock("node_modules/@biomejs/biome", "@biomejs/cli-linux-x64")).toBeDefined();
  });
});

describe("set-up commands", () => {
  it("README and .ci/run install with npm ci", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const setup = /## Set up and test\s+```sh\n([^`]*)```/.exec(readme)?.[1] ?? "";
    expect(setup.trim().split("\n")).toEqual(["npm ci", "npm test"]);
    const ci = readFileSync(join(root, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).not.toMatch(/^npm install/m);
  });
});

describe("engines.node", () => {
  it("is the highest floor among the runtime dependencies (undici 8: 22.19)", () => {
    let highest: number[] = [0, 0, 0];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev || !entry.engines?.node) continue;
      const floor = minVersion(entry.engines.node);
      if (compare(floor, highest) > 0) highest = floor;
    }
    expect(minVersion(pkg.engines.node)).toEqual(highest);
    expect(pkg.engines.node).toBe(`>=${floorText(highest)}`);
    const bin = readFileSync(join(root, "bin", "dtp.js"), "utf8");
    expect(bin).toContain(`const MIN = [${highest.slice(0, 2).join(", ")}];`);
  });
});

describe("bin/dtp.js on an old Node", () => {
  const expected = (version: string) => `dtp needs Node ≥ 22.19; this is ${version}\n`;

  it("prints one line and exits 2 (version faked before the bin runs)", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})',
        join(root, "bin", "dtp.js"),
        "test",
      ],
      { encoding: "utf8", env },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(expected("20.20.2"));
    expect(r.stdout).toBe("");
  });

  const old = oldNode();
  it.skipIf(old === undefined)(
    `prints one line and exits 2 on a real old Node (${old?.path ?? "none on PATH"})`,
    () => {
      const r = spawnSync(old!.path, [join(root, "bin", "dtp.js"), "test", "--help"], {
        encoding: "utf8",
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(expected(old!.version));
      expect(r.stdout).toBe("");
    },
  );
});

/** Where Node's resolution finds `name` from the package at `from` (a lock path). */
function resolveInLock(from: string, name: string): LockEntry | undefined {
  let dir = from;
  for (;;) {
    const entry = lock.packages[`${dir ? `${dir}/` : ""}node_modules/${name}`];
    if (entry) return entry;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

/** The lowest version a range accepts, for the forms found in engines fields. */
function minVersion(range: string): number[] {
  const alternatives = range.split("||").map((alt) => {
    const m = /^\s*(>=|\^|~)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alt);
    if (!m) throw new Error(`engines range not understood by this test: ${JSON.stringify(alt)}`);
    return [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  });
  return alternatives.reduce((a, b) => (compare(a, b) <= 0 ? a : b));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function floorText(v: number[]): string {
  return v[2] === 0 ? `${v[0]}.${v[1]}` : v.join(".");
}

/** A Node older than 22.19 on this machine (the PATH, or the usual places), if any. */
function oldNode(): { path: string; version: string } | undefined {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/usr/local/bin"]);
  for (const dir of dirs) {
    const path = join(dir, "node");
    const r = spawnSync(path, ["-p", "process.versions.node"], { encoding: "utf8" });
    const version = r.status === 0 ? r.stdout.trim() : "";
    const [major = 99, minor = 99] = version.split(".").map(Number);
    if (version && (major < 22 || (major === 22 && minor < 19))) return { path, version };
  }
  return undefined;
}
