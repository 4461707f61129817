/**
 * `dtp spec lint`: everything that makes the spec consistent, as located messages
 * (`file:line:col [rule] message`). It runs the existing checks and only adds positions:
 *
 * - the OpenAPI document: YAML, `$ref`s, OpenAPI 3.1 validity (swagger-parser) and the DTP
 *   conventions — security declared on every operation, error schemas on every 4xx/5xx,
 *   `Cache-Control` on secret-bearing responses ({@link validateOpenApi}, `openapi-lint.ts`);
 * - the requirement catalogue: its schema (from version 2.0.0 every requirement states
 *   `applies: oauth | dtp`: `applies-missing`) and its consistency with itself and with the
 *   operations ({@link checkCatalogue}; `applies-source`: `oauth` needs an RFC source);
 * - coverage: every observable MUST has a check ({@link checkCoverage});
 * - `version`: the catalogue's version is the document's `info.version`.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Check } from "../check/check.ts";
import { UsageError } from "../check/failure.ts";
import { type Catalogue, CatalogueSchema, checkCatalogue } from "../spec/catalogue.ts";
import { checkCoverage } from "../spec/coverage.ts";
import { validateOpenApi } from "../spec/openapi.ts";
import { isRecord, operationsOf } from "../spec/openapi-lint.ts";
import { catalogueNextTo } from "./files.ts";
import { type Position, parseYamlSource, type YamlSource } from "./yaml-locate.ts";

export interface LintMessage {
  /** Absolute path of the file concerned (`suites` for a check's own problem). */
  file: string;
  line?: number;
  column?: number;
  /** The rule's name: an `OpenApiRule`, a `CatalogueRule`, a coverage rule, or `version`. */
  rule: string;
  message: string;
  /** JSON pointer into the OpenAPI document, for its issues. */
  pointer?: string;
}

export interface LintOptions {
  /** The OpenAPI document. */
  openapi: string;
  /** The catalogue (default: `requirements.yaml` next to the document). */
  catalogue?: string;
  /** The checks for coverage (default: none, coverage not checked). */
  checks?: readonly Check[];
}

export interface LintResult {
  openapi: string;
  catalogue: string;
  messages: LintMessage[];
  operations: number;
  requirements: number;
  /** Checks counted for coverage (undefined: coverage not checked). */
  checks?: number;
}

/** Which field of a requirement a catalogue rule is about (for its position). */
const RULE_FIELDS: Record<string, string> = {
  "id-format": "id",
  "id-duplicate": "id",
  "id-prefix": "id",
  "area-prefix": "area",
  "operations-empty": "operations",
  "operation-unknown": "operations",
  "level-keyword": "level",
  "source-empty": "source",
  "applies-source": "applies",
  "must-uncovered": "level",
  "awaiting-check-stale": "id",
};

function readSource(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`cannot read the ${what} ${file}: ${code ?? String(err)}`);
  }
}

function at(position: Position | undefined): Pick<LintMessage, "line" | "column"> {
  return position ? { line: position.line, column: position.column } : {};
}

/**
 * Lints a spec: the OpenAPI document, its catalogue and (with `checks`) their coverage.
 * Throws a `UsageError` when a file cannot be read.
 *
 * @example
 * ```ts
 * import { checks } from "../../suites/index.ts";
 * const result = await lintSpec({ openapi: specPath(), checks });
 * for (const m of result.messages) console.log(formatLintMessage(m));
 * ```
 */
export async function lintSpec(options: LintOptions): Promise<LintResult> {
  const openapiFile = options.openapi;
  const catalogueFile = options.catalogue ?? catalogueNextTo(openapiFile);
  if (catalogueFile === undefined) {
    throw new UsageError(
      `no requirements.yaml next to ${openapiFile}: name the catalogue with --catalogue <file>`,
    );
  }
  const openapiText = readSource(openapiFile, "OpenAPI document");
  const catalogueText = readSource(catalogueFile, "requirement catalogue");
  const result: LintResult = {
    openapi: openapiFile,
    catalogue: catalogueFile,
    messages: [],
    operations: 0,
    requirements: 0,
  };
  const out = result.messages;

  // 1. The OpenAPI document (validity and the DTP rules, located by the existing validator).
  for (const issue of await validateOpenApi(openapiFile)) {
    out.push({
      file: openapiFile,
      ...(issue.line === undefined ? {} : { line: issue.line, column: issue.column ?? 1 }),
      rule: issue.rule,
      message: issue.message,
      pointer: issue.pointer,
    });
  }
  const openapi = parseYamlSource(openapiText);
  if (!isRecord(openapi.value)) return result; // YAML errors already reported
  const doc = openapi.value;
  const operations = operationsOf(doc);
  result.operations = operations.length;
  const operationIds = operations
    .map((o) => o.operation.operationId)
    .filter((id): id is string => typeof id === "string");

  // 2. The catalogue: YAML, schema, consistency.
  const source = parseYamlSource(catalogueText);
  for (const e of source.errors) {
    out.push({ file: catalogueFile, ...at(e.position), rule: "yaml", message: e.message });
  }
  if (source.errors.length > 0) return result;
  const parsed = CatalogueSchema.safeParse(source.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
      // The schema's own checks name their rule (applies-missing); everything else is "schema".
      const named = (issue as { params?: { rule?: unknown } }).params?.rule;
      out.push({
        file: catalogueFile,
        ...at(source.locate(path)),
        rule: typeof named === "string" ? named : "schema",
        message: `${describePath(path, source.value)}: ${issue.message}`,
      });
    }
    return result;
  }
  const catalogue = parsed.data;
  result.requirements = catalogue.requirements.length;
  const locateRequirement = requirementLocator(catalogue, source);

  const version = isRecord(doc.info) ? doc.info.version : undefined;
  if (typeof version === "string" && catalogue.version !== version) {
    out.push({
      file: catalogueFile,
      ...at(source.locate(["version"])),
      rule: "version",
      message: `catalogue version ${catalogue.version} differs from the OpenAPI info.version ${version}; release them together`,
    });
  }

  const duplicates = new Map<string, number>();
  for (const problem of checkCatalogue(catalogue, operationIds)) {
    if (problem.rule === "operation-uncovered") {
      const op = operations.find((o) => problem.message.includes(`"${o.operation.operationId}"`));
      out.push({
        file: openapiFile,
        ...at(op ? openapi.locate([...op.segments, "operationId"]) : undefined),
        rule: problem.rule,
        message: problem.message,
      });
      continue;
    }
    // checkCatalogue reports the 2nd, 3rd, … occurrence of a duplicated ID, in order.
    let occurrence = 0;
    if (problem.rule === "id-duplicate" && problem.id !== undefined) {
      occurrence = (duplicates.get(problem.id) ?? 0) + 1;
      duplicates.set(problem.id, occurrence);
    }
    out.push({
      file: catalogueFile,
      ...at(locateRequirement(problem.id, RULE_FIELDS[problem.rule], occurrence)),
      rule: problem.rule,
      message: problem.message,
    });
  }

  // 3. Coverage: every observable MUST has a check; checks name known requirements.
  if (options.checks !== undefined) {
    result.checks = options.checks.length;
    const ids = new Set(catalogue.requirements.map((r) => r.id));
    for (const problem of checkCoverage(catalogue, options.checks)) {
      const inCatalogue = problem.rule === "must-uncovered" || ids.has(problem.id);
      out.push({
        file: inCatalogue ? catalogueFile : "suites",
        ...at(inCatalogue ? locateRequirement(problem.id, RULE_FIELDS[problem.rule]) : undefined),
        rule: problem.rule,
        message: problem.message,
      });
    }
  }
  return result;
}

/** Position of a requirement (its `field`, else its `id`) by ID and occurrence. */
function requirementLocator(catalogue: Catalogue, source: YamlSource) {
  return (id: string | undefined, field = "id", occurrence = 0): Position | undefined => {
    if (id === undefined) return undefined;
    let seen = -1;
    const index = catalogue.requirements.findIndex((r) => r.id === id && ++seen === occurrence);
    if (index < 0) return undefined;
    return source.locate(["requirements", index, field]);
  };
}

/** `requirements[3].level (DTP-REG-004)` for a schema issue path. */
function describePath(path: readonly (string | number)[], value: unknown): string {
  const text = path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${key}`))
    .join("");
  if (path[0] === "requirements" && typeof path[1] === "number" && isRecord(value)) {
    const list = value.requirements;
    const item: unknown = Array.isArray(list) ? list[path[1]] : undefined;
    if (isRecord(item) && typeof item.id === "string") return `${text} (${item.id})`;
  }
  return text || "(root)";
}

/**
 * `file:line:col [rule] message`, the file relative to `cwd` when given (what editors and
 * CI annotations link). A message without a position ends with its JSON pointer, if any.
 */
export function formatLintMessage(message: LintMessage, cwd?: string): string {
  const file =
    cwd === undefined || message.file === "suites" ? message.file : relative(cwd, message.file);
  const position = message.line === undefined ? "" : `:${message.line}:${message.column ?? 1}`;
  const pointer =
    message.line === undefined && message.pointer !== undefined && message.pointer !== "#"
      ? ` (at ${message.pointer})`
      : "";
  return `${file}${position} [${message.rule}] ${message.message}${pointer}`;
}
