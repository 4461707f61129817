/**
 * Where a spec version's two files are: the OpenAPI document and, next to it, the
 * requirement catalogue.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** The OpenAPI document's name in a spec directory. */
export const OPENAPI_FILE = "dtp.openapi.yaml";
/** The catalogue's name in a spec directory. */
export const CATALOGUE_FILE = "requirements.yaml";

export interface SpecFiles {
  /** Absolute path of the OpenAPI document. */
  openapi: string;
  /** Absolute path of the catalogue, when one was found. */
  catalogue?: string;
}

/**
 * The catalogue that goes with an OpenAPI file: `<stem>.requirements.yaml` beside it (so
 * that two versions can share a directory: `base.yaml` + `base.requirements.yaml`), else
 * `requirements.yaml` beside it; undefined when neither exists.
 *
 * @example
 * ```ts
 * catalogueNextTo("/repo/spec/dtp.openapi.yaml"); // "/repo/spec/requirements.yaml"
 * ```
 */
export function catalogueNextTo(openapi: string): string | undefined {
  const dir = dirname(openapi);
  const stem = basename(openapi).replace(/\.ya?ml$/, "");
  for (const candidate of [join(dir, `${stem}.${CATALOGUE_FILE}`), join(dir, CATALOGUE_FILE)]) {
    if (existsSync(candidate) && candidate !== openapi) return candidate;
  }
  return undefined;
}

/**
 * The spec files an argument names: a directory (holding `dtp.openapi.yaml` and
 * `requirements.yaml`) or the OpenAPI file itself; undefined when the path does not exist.
 */
export function specFilesAt(path: string, cwd: string): SpecFiles | undefined {
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) return undefined;
  const openapi = statSync(absolute).isDirectory() ? join(absolute, OPENAPI_FILE) : absolute;
  const catalogue = catalogueNextTo(openapi);
  return catalogue === undefined ? { openapi } : { openapi, catalogue };
}
