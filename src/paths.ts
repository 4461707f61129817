/**
 * Where the package lives on disk. Sources run from `src/` in development and from
 * `dist/src/` once built, so files that need `spec/` at run time find the package root by
 * walking up to the nearest `package.json`, never by a fixed number of `..`.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/**
 * The nearest directory at or above `start` that holds a `package.json`.
 *
 * @example
 * ```ts
 * findPackageRoot("/repo/dist/src/spec"); // "/repo"
 * ```
 */
export function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json found at or above "${start}"`);
    }
    dir = parent;
  }
}

/**
 * The root of the dtp-kit package (the directory holding its `package.json`).
 *
 * @example
 * ```ts
 * import { packageRoot } from "./paths.ts";
 * const readme = join(packageRoot(), "README.md");
 * ```
 */
export function packageRoot(): string {
  cachedRoot ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return cachedRoot;
}

/** The `spec/` directory: the OpenAPI document and the requirement catalogue. */
export function specDir(): string {
  return join(packageRoot(), "spec");
}
