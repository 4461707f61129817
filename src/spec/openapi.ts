/**
 * The OpenAPI document (`spec/dtp.openapi.yaml`): where it is, how to read it, validate it,
 * list its operations, and derive JSON Schemas from it for request validation.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Area } from "../check/check.ts";
import { specDir } from "../paths.ts";
import {
  checkRefs,
  isArea,
  isRecord,
  lintOpenApi,
  type OpenApiDocument,
  type OpenApiIssue,
  operationsOf,
  pointerSegments,
} from "./openapi-lint.ts";

export type { OpenApiDocument, OpenApiIssue, OpenApiRule } from "./openapi-lint.ts";
export { DTP_AREAS, lintOpenApi } from "./openapi-lint.ts";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";

export interface OperationInfo {
  operationId: string;
  /** Upper case, as in `IncomingMessage.method`. */
  method: HttpMethod;
  /** The OpenAPI path template, e.g. `/admin/devices/{client_id}`. */
  path: string;
  area: Area;
}

/** A JSON Schema 2020-12 object (validate with `ajv/dist/2020` + `ajv-formats`). */
export type JsonSchema = Record<string, unknown>;

/** Thrown by {@link loadOpenApi} when the document is not valid. */
export class OpenApiValidationError extends Error {
  readonly issues: OpenApiIssue[];
  constructor(file: string, issues: OpenApiIssue[]) {
    super(`${file} is not valid:\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "OpenApiValidationError";
    this.issues = issues;
  }
}

/** Absolute path of `spec/dtp.openapi.yaml`. */
export function specPath(): string {
  return join(specDir(), "dtp.openapi.yaml");
}

/**
 * The OpenAPI document as parsed YAML, `$ref`s untouched.
 *
 * @example
 * ```ts
 * const doc = loadOpenApiRaw();
 * console.log((doc.info as { version: string }).version); // "1.0.0"
 * ```
 */
export function loadOpenApiRaw(file: string = specPath()): OpenApiDocument {
  const parsed = parseDocument(readFileSync(file, "utf8"));
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
  const value: unknown = parsed.toJS();
  if (!isRecord(value)) throw new Error(`${file}: not a YAML mapping`);
  return value;
}

/** The validated document (raw, `$ref`s untouched); throws {@link OpenApiValidationError}. */
export async function loadOpenApi(file: string = specPath()): Promise<OpenApiDocument> {
  const issues = await validateOpenApi(file);
  if (issues.length > 0) throw new OpenApiValidationError(file, issues);
  return loadOpenApiRaw(file);
}

/** `file:line:column [rule] pointer message` (the parts that are known), for consoles. */
export function formatIssue(issue: OpenApiIssue, file?: string): string {
  const position = issue.line === undefined ? "" : `:${issue.line}:${issue.column ?? 1}`;
  const at = file === undefined && position === "" ? "" : `${file ?? ""}${position} `;
  return `${at}[${issue.rule}] ${issue.pointer} ${issue.message}`;
}

/**
 * Validates an OpenAPI document: YAML syntax, `$ref` targets, OpenAPI 3.1 validity
 * (swagger-parser), and the DTP conventions ({@link lintOpenApi}). Returns every issue
 * found (empty = valid), each located by JSON pointer, and by line and column when the
 * document is read from a file.
 *
 * @param source a file path (default: the spec) or an already parsed document.
 * @example
 * ```ts
 * const issues = await validateOpenApi();
 * if (issues.length > 0) process.exitCode = 1;
 * ```
 */
export async function validateOpenApi(
  source: string | OpenApiDocument = specPath(),
): Promise<OpenApiIssue[]> {
  let doc: OpenApiDocument;
  let locate: (pointer: string) => { line: number; column: number } | undefined = () => undefined;
  if (typeof source === "string") {
    const lineCounter = new LineCounter();
    const parsed = parseDocument(readFileSync(source, "utf8"), { lineCounter });
    if (parsed.errors.length > 0) {
      return parsed.errors.map((e) => {
        const pos = e.linePos?.[0];
        const issue: OpenApiIssue = { rule: "yaml", pointer: "#", message: e.message };
        if (pos) {
          issue.line = pos.line;
          issue.column = pos.col;
        }
        return issue;
      });
    }
    const value: unknown = parsed.toJS();
    if (!isRecord(value)) return [{ rule: "yaml", pointer: "#", message: "not a YAML mapping" }];
    doc = value;
    locate = (pointer) => {
      const offset = nodeAt(parsed.contents, pointer)?.range?.[0];
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
  } else {
    doc = source;
  }

  const refIssues = checkRefs(doc);
  // swagger-parser stops at the first unresolved $ref; the ref check already located them all.
  const schemaIssues = refIssues.length > 0 ? [] : await swaggerParserIssues(doc);
  const issues = [...refIssues, ...schemaIssues, ...lintOpenApi(doc)];
  for (const issue of issues) {
    const pos = locate(issue.pointer);
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
  }
  return issues;
}

/**
 * The YAML node a JSON pointer designates — the key of a mapping entry, so that the line
 * is the one naming it — or the nearest existing ancestor.
 */
function nodeAt(root: Node | null, pointer: string): Node | undefined {
  let node: unknown = root;
  let found: Node | undefined = root ?? undefined;
  for (const segment of pointerSegments(pointer) ?? []) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) break;
      if (isNode(pair.key)) found = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      if (!isNode(node)) break;
      found = node;
    } else {
      break;
    }
  }
  return found;
}

interface AjvErrorLike {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** swagger-parser's document type (from openapi-types), without importing a transitive package. */
type ParserInput = Exclude<Parameters<typeof SwaggerParser.validate>[1], string>;

async function swaggerParserIssues(doc: OpenApiDocument): Promise<OpenApiIssue[]> {
  try {
    // validate() dereferences the object in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc) as ParserInput);
    return [];
  } catch (error) {
    const details = isRecord(error) && Array.isArray(error.details) ? error.details : undefined;
    if (details === undefined || details.length === 0) {
      const message = error instanceof Error ? error.message : String(error);
      return [{ rule: "schema", pointer: "#", message }];
    }
    const seen = new Set<string>();
    const issues: OpenApiIssue[] = [];
    for (const detail of details as AjvErrorLike[]) {
      const pointer = `#${detail.instancePath ?? ""}`;
      const extra = detail.params?.additionalProperty;
      const message = `${detail.message ?? "invalid"}${typeof extra === "string" ? ` ("${extra}")` : ""}`;
      const key = `${pointer} ${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ rule: "schema", pointer, message });
    }
    return issues;
  }
}

/**
 * Every operation: its operationId, method, path template and `x-dtp-area`.
 * Throws if an operation lacks an operationId or a valid area (see {@link lintOpenApi}).
 *
 * @example
 * ```ts
 * const ops = listOperations(loadOpenApiRaw());
 * ops.find((o) => o.operationId === "token"); // { method: "POST", path: "/token", area: "tokens", ... }
 * ```
 */
export function listOperations(doc: OpenApiDocument): OperationInfo[] {
  return operationsOf(doc).map(({ path, method, operation }) => {
    const operationId = operation.operationId;
    const area = operation["x-dtp-area"];
    const label = `${method.toUpperCase()} ${path}`;
    if (typeof operationId !== "string") throw new Error(`${label} has no operationId`);
    if (!isArea(area)) throw new Error(`${label} has no valid x-dtp-area`);
    return { operationId, method: method.toUpperCase() as HttpMethod, path, area };
  });
}

/** Keywords of the OpenAPI 3.1 schema dialect that are not JSON Schema 2020-12. */
const OPENAPI_ONLY_KEYWORDS = new Set(["discriminator", "xml", "externalDocs", "example"]);

function toJsonSchema(value: unknown, stack: Set<unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => toJsonSchema(v, stack));
  if (!isRecord(value)) return value;
  if (stack.has(value)) throw new Error("circular schema: componentSchemas() cannot inline it");
  stack.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key) || key.startsWith("x-")) continue;
    if (LITERAL_KEYWORDS.has(key)) out[key] = structuredClone(v);
    // Inside `properties` (and similar maps) keys are names, not keywords: keep them all.
    else out[key] = isRecord(v) && MAP_KEYWORDS.has(key) ? mapOf(v, stack) : toJsonSchema(v, stack);
  }
  stack.delete(value);
  return out;
}

const MAP_KEYWORDS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
/** Keywords whose values are data, copied as they are. */
const LITERAL_KEYWORDS = new Set(["const", "enum", "default", "examples", "dependentRequired"]);

function mapOf(map: Record<string, unknown>, stack: Set<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(map)) out[name] = toJsonSchema(schema, stack);
  return out;
}

/**
 * `components.schemas` as self-contained JSON Schema 2020-12 objects: `$ref`s inlined
 * (via `SwaggerParser.dereference`), OpenAPI-only keywords (`discriminator`, `example`,
 * `xml`, `externalDocs`, `x-*`) removed. For building request/response validators.
 *
 * @example
 * ```ts
 * import Ajv2020 from "ajv/dist/2020.js";
 * import addFormats from "ajv-formats";
 * const schemas = await componentSchemas();
 * const ajv = new Ajv2020({ allErrors: true });
 * addFormats.default(ajv);
 * const validate = ajv.compile(schemas.RegistrationRequest!);
 * ```
 */
export async function componentSchemas(
  doc: OpenApiDocument = loadOpenApiRaw(),
): Promise<Record<string, JsonSchema>> {
  const deref: unknown = await SwaggerParser.dereference(structuredClone(doc) as ParserInput);
  const components = isRecord(deref) && isRecord(deref.components) ? deref.components : {};
  const schemas = isRecord(components.schemas) ? components.schemas : {};
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const converted = toJsonSchema(schema, new Set());
    if (isRecord(converted)) out[name] = converted;
  }
  return out;
}
