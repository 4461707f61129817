/**
 * A version of the spec to compare: from files (the OpenAPI YAML, with the catalogue
 * found next to it), a directory holding both, or a git revision
 * (`git show <ref>:spec/dtp.openapi.yaml`, or `<ref>:<path>`).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { posix, relative } from "node:path";
import { UsageError } from "../../check/failure.ts";
import { type Catalogue, CatalogueSchema } from "../../spec/catalogue.ts";
import { isRecord } from "../../spec/openapi-lint.ts";
import { CATALOGUE_FILE, specFilesAt } from "../files.ts";
import { parseYamlSource } from "../yaml-locate.ts";
import type { Doc } from "./schema.ts";

/** Where the spec sits in a repository, for git revisions. */
export const REPO_SPEC_PATH = "spec/dtp.openapi.yaml";

export interface SpecVersion {
  /** How the user named it (a path or a revision). */
  label: string;
  /** Where the OpenAPI document came from: a path, or `<ref>:<path>`. */
  openapiSource: string;
  openapi: Doc;
  /** `info.version`, when it is a string. */
  version?: string;
  catalogueSource?: string;
  catalogue?: Catalogue;
}

function parseOpenApi(text: string, source: string): Doc {
  const yaml = parseYamlSource(text);
  const first = yaml.errors[0];
  if (first !== undefined) {
    const at = first.position ? `:${first.position.line}:${first.position.column}` : "";
    throw new UsageError(`${source}${at}: not valid YAML: ${first.message}`);
  }
  if (!isRecord(yaml.value)) throw new UsageError(`${source}: not a YAML mapping`);
  return yaml.value;
}

function parseCatalogueText(text: string, source: string): Catalogue {
  const yaml = parseYamlSource(text);
  const first = yaml.errors[0];
  if (first !== undefined) throw new UsageError(`${source}: not valid YAML: ${first.message}`);
  const parsed = CatalogueSchema.safeParse(yaml.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${source} is not a valid requirement catalogue (${issue?.path.join(".")}: ${issue?.message}); run dtp spec lint`,
    );
  }
  return parsed.data;
}

function versionOf(doc: Doc): string | undefined {
  const version = isRecord(doc.info) ? doc.info.version : undefined;
  return typeof version === "string" ? version : undefined;
}

function build(
  label: string,
  openapiSource: string,
  openapi: Doc,
  catalogue?: { source: string; text: string },
): SpecVersion {
  const out: SpecVersion = { label, openapiSource, openapi };
  const version = versionOf(openapi);
  if (version !== undefined) out.version = version;
  if (catalogue !== undefined) {
    out.catalogueSource = catalogue.source;
    out.catalogue = parseCatalogueText(catalogue.text, catalogue.source);
  }
  return out;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

/**
 * Loads a spec version named on the command line. Throws a `UsageError` when the argument
 * is neither an existing path nor a git revision holding the spec, or does not parse.
 *
 * @example
 * ```ts
 * const base = loadSpecVersion("spec/releases/1.0.0", process.cwd());
 * const head = loadSpecVersion("HEAD", process.cwd()); // git show HEAD:spec/dtp.openapi.yaml
 * ```
 */
export function loadSpecVersion(arg: string, cwd: string): SpecVersion {
  const files = specFilesAt(arg, cwd);
  if (files !== undefined) {
    const show = (p: string) => relative(cwd, p) || p;
    let text: string;
    try {
      text = readFileSync(files.openapi, "utf8");
    } catch (err) {
      throw new UsageError(
        `cannot read ${show(files.openapi)}: ${(err as { code?: string }).code ?? err}`,
      );
    }
    const catalogue =
      files.catalogue === undefined
        ? undefined
        : { source: show(files.catalogue), text: readFileSync(files.catalogue, "utf8") };
    return build(arg, show(files.openapi), parseOpenApi(text, show(files.openapi)), catalogue);
  }

  // A git revision: `<ref>` (the spec at its usual path) or `<ref>:<path>`.
  const colon = arg.indexOf(":");
  const ref = colon > 0 ? arg.slice(0, colon) : arg;
  const path = colon > 0 ? arg.slice(colon + 1) : REPO_SPEC_PATH;
  if (git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]) === undefined) {
    throw new UsageError(`"${arg}" is neither a file nor a git revision (in ${cwd})`);
  }
  const openapiSource = `${ref}:${path}`;
  const text = git(cwd, ["show", openapiSource]);
  if (text === undefined) throw new UsageError(`${openapiSource} does not exist in git`);
  const dir = posix.dirname(path);
  const stem = posix.basename(path).replace(/\.ya?ml$/, "");
  let catalogue: { source: string; text: string } | undefined;
  for (const candidate of [`${stem}.${CATALOGUE_FILE}`, CATALOGUE_FILE]) {
    const source = `${ref}:${dir === "." ? "" : `${dir}/`}${candidate}`;
    const found = git(cwd, ["show", source]);
    if (found !== undefined) {
      catalogue = { source, text: found };
      break;
    }
  }
  return build(arg, openapiSource, parseOpenApi(text, openapiSource), catalogue);
}
