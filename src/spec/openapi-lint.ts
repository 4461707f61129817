/**
 * Checks of the OpenAPI document beyond OpenAPI 3.1 validity: the conventions DTP holds
 * every operation to. Each issue is located by a JSON pointer (and, when the document
 * came from a file, by line and column).
 */
import type { Area } from "../check/check.ts";

export type OpenApiDocument = Record<string, unknown>;

export type OpenApiRule =
  | "yaml" // the file does not parse
  | "ref" // a $ref that does not resolve, or points outside the document
  | "schema" // swagger-parser: not a valid OpenAPI 3.1 document
  | "operation-id" // missing or duplicated operationId
  | "area" // missing or unknown x-dtp-area
  | "security" // no `security` on the operation, or an undeclared scheme
  | "error-schema" // a 4xx/5xx response without an OAuthError / Problem body
  | "cache-control"; // a response carrying a secret without Cache-Control: no-store / Pragma

export interface OpenApiIssue {
  rule: OpenApiRule;
  /** JSON pointer into the document, e.g. `#/paths/~1token/post/responses/400`. */
  pointer: string;
  message: string;
  /** 1-based, when the document was read from a file. */
  line?: number;
  column?: number;
}

const AREAS: Record<Area, true> = {
  discovery: true,
  registration: true,
  approval: true,
  signing: true,
  polling: true,
  tokens: true,
  login: true,
  "personal-tokens": true,
  expiry: true,
  refresh: true,
  revocation: true,
  resource: true,
  errors: true,
};

/** The values `x-dtp-area` may take (the requirement areas). */
export const DTP_AREAS = Object.keys(AREAS) as Area[];

export function isArea(value: unknown): value is Area {
  return typeof value === "string" && Object.hasOwn(AREAS, value);
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const OAUTH_ERROR_REF = "#/components/schemas/OAuthError";
const PROBLEM_REF = "#/components/schemas/Problem";

/**
 * Members whose presence in a success body means the response carries a secret and must
 * not be cached (RFC 6749 §5.1).
 */
const SECRET_MEMBERS = ["access_token", "refresh_token", "device_code", "token", "client_secret"];

/** Operations whose success responses must carry `Cache-Control: no-store` whatever their body. */
const NO_STORE_OPERATIONS = ["token", "login", "registerDevice", "createPersonalToken", "getMe"];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Escapes one JSON pointer segment (RFC 6901 §4). */
export function pointerSegment(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function pointerOf(segments: readonly string[]): string {
  return `#${segments.map((s) => `/${pointerSegment(s)}`).join("")}`;
}

/** The segments of a local JSON pointer (`#/a/b`), or undefined if it is not local. */
export function pointerSegments(pointer: string): string[] | undefined {
  if (pointer === "#") return [];
  if (!pointer.startsWith("#/")) return undefined;
  return pointer
    .slice(2)
    .split("/")
    .map((s) => decodeURIComponent(s).replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The value at a local JSON pointer, or undefined. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  const segments = pointerSegments(pointer);
  if (segments === undefined) return undefined;
  let node: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** Follows `$ref` chains (local only) to the referenced object. */
function deref(doc: OpenApiDocument, value: unknown, depth = 0): unknown {
  if (depth > 32 || !isRecord(value) || typeof value.$ref !== "string") return value;
  return deref(doc, resolvePointer(doc, value.$ref), depth + 1);
}

/** Every `$ref` in the document resolves to a local target. */
export function checkRefs(doc: OpenApiDocument): OpenApiIssue[] {
  const issues: OpenApiIssue[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, [...path, String(i)]);
      });
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") {
        const pointer = pointerOf([...path, "$ref"]);
        if (!value.startsWith("#")) {
          issues.push({ rule: "ref", pointer, message: `$ref "${value}" leaves the document` });
        } else if (resolvePointer(doc, value) === undefined) {
          issues.push({ rule: "ref", pointer, message: `$ref "${value}" does not resolve` });
        }
      } else {
        walk(value, [...path, key]);
      }
    }
  };
  walk(doc, []);
  return issues;
}

interface OperationAt {
  path: string;
  method: string;
  operation: Record<string, unknown>;
  segments: string[];
}

/** Every operation object with where it sits. */
export function operationsOf(doc: OpenApiDocument): OperationAt[] {
  const out: OperationAt[] = [];
  const paths = doc.paths;
  if (!isRecord(paths)) return out;
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isRecord(operation)) {
        out.push({ path, method, operation, segments: ["paths", path, method] });
      }
    }
  }
  return out;
}

/** True when `schema` is, or is an `allOf` extension of, the schema at `target`. */
function reaches(doc: OpenApiDocument, schema: unknown, target: string, depth = 0): boolean {
  if (depth > 32 || !isRecord(schema)) return false;
  if (schema.$ref === target) return true;
  if (typeof schema.$ref === "string") {
    return reaches(doc, resolvePointer(doc, schema.$ref), target, depth + 1);
  }
  const allOf = schema.allOf;
  return Array.isArray(allOf) && allOf.some((s) => reaches(doc, s, target, depth + 1));
}

/** Property names a schema can produce, through $ref, allOf, oneOf and anyOf. */
function propertyNames(doc: OpenApiDocument, schema: unknown, depth = 0): Set<string> {
  const names = new Set<string>();
  const s = deref(doc, schema);
  if (depth > 16 || !isRecord(s)) return names;
  if (isRecord(s.properties)) for (const key of Object.keys(s.properties)) names.add(key);
  for (const combinator of ["allOf", "oneOf", "anyOf"]) {
    const parts = s[combinator];
    if (Array.isArray(parts)) {
      for (const part of parts) for (const n of propertyNames(doc, part, depth + 1)) names.add(n);
    }
  }
  return names;
}

function hasHeader(
  doc: OpenApiDocument,
  response: Record<string, unknown>,
  name: string,
): "missing" | "optional" | "required" {
  const headers = response.headers;
  if (!isRecord(headers)) return "missing";
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return "missing";
  const header = deref(doc, headers[key]);
  return isRecord(header) && header.required === true ? "required" : "optional";
}

function checkErrorResponse(
  doc: OpenApiDocument,
  response: Record<string, unknown>,
  segments: string[],
  status: string,
): OpenApiIssue[] {
  const pointer = pointerOf(segments);
  const content = response.content;
  if (!isRecord(content) || Object.keys(content).length === 0) {
    return [{ rule: "error-schema", pointer, message: `${status} response has no error body` }];
  }
  const issues: OpenApiIssue[] = [];
  for (const [mediaType, media] of Object.entries(content)) {
    const schema = isRecord(media) ? media.schema : undefined;
    const at = pointerOf([...segments, "content", mediaType]);
    if (mediaType === "application/problem+json") {
      if (!reaches(doc, schema, PROBLEM_REF)) {
        issues.push({
          rule: "error-schema",
          pointer: at,
          message: `${status} application/problem+json body is not a Problem (RFC 9457)`,
        });
      }
    } else if (mediaType === "application/json") {
      if (!reaches(doc, schema, OAUTH_ERROR_REF)) {
        issues.push({
          rule: "error-schema",
          pointer: at,
          message: `${status} application/json body is not an OAuthError (RFC 6749 §5.2)`,
        });
      }
    } else {
      issues.push({
        rule: "error-schema",
        pointer: at,
        message: `${status} error body has media type "${mediaType}"; use application/json (OAuthError) or application/problem+json (Problem)`,
      });
    }
  }
  return issues;
}

function checkSecretResponse(
  doc: OpenApiDocument,
  operationId: unknown,
  response: Record<string, unknown>,
  segments: string[],
  status: string,
): OpenApiIssue[] {
  const content = response.content;
  const members = new Set<string>();
  if (isRecord(content)) {
    for (const media of Object.values(content)) {
      if (isRecord(media)) for (const n of propertyNames(doc, media.schema)) members.add(n);
    }
  }
  const secret = SECRET_MEMBERS.find((m) => members.has(m));
  const listed = typeof operationId === "string" && NO_STORE_OPERATIONS.includes(operationId);
  if (secret === undefined && !listed) return [];
  const why = secret === undefined ? `${String(operationId)} ${status}` : `carries "${secret}"`;
  const issues: OpenApiIssue[] = [];
  const pointer = pointerOf([...segments, "headers"]);
  if (hasHeader(doc, response, "Cache-Control") !== "required") {
    issues.push({
      rule: "cache-control",
      pointer,
      message: `response ${why} but does not declare a required Cache-Control: no-store header (RFC 6749 §5.1)`,
    });
  }
  if (secret !== undefined && hasHeader(doc, response, "Pragma") !== "required") {
    issues.push({
      rule: "cache-control",
      pointer,
      message: `response ${why} but does not declare a required Pragma: no-cache header (RFC 6749 §5.1)`,
    });
  }
  return issues;
}

/**
 * The DTP conventions, on an already parsed document: operationIds present and unique,
 * `x-dtp-area` valid, `security` declared on every operation with known schemes, every
 * 4xx/5xx response with an OAuthError or Problem body, secret-bearing responses not
 * cacheable.
 *
 * @example
 * ```ts
 * const issues = lintOpenApi(loadOpenApiRaw());
 * for (const issue of issues) console.error(issue.pointer, issue.message);
 * ```
 */
export function lintOpenApi(doc: OpenApiDocument): OpenApiIssue[] {
  const issues: OpenApiIssue[] = [];
  const components = isRecord(doc.components) ? doc.components : {};
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  const seen = new Map<string, string>();

  for (const { path, method, operation, segments } of operationsOf(doc)) {
    const at = (...more: string[]) => pointerOf([...segments, ...more]);
    const label = `${method.toUpperCase()} ${path}`;
    const operationId = operation.operationId;

    if (typeof operationId !== "string" || operationId === "") {
      issues.push({ rule: "operation-id", pointer: at(), message: `${label} has no operationId` });
    } else if (seen.has(operationId)) {
      issues.push({
        rule: "operation-id",
        pointer: at("operationId"),
        message: `operationId "${operationId}" is also used by ${seen.get(operationId)}`,
      });
    } else {
      seen.set(operationId, label);
    }

    const area = operation["x-dtp-area"];
    if (!isArea(area)) {
      issues.push({
        rule: "area",
        pointer: area === undefined ? at() : at("x-dtp-area"),
        message:
          area === undefined
            ? `${label} has no x-dtp-area`
            : `${label} x-dtp-area "${String(area)}" is not one of ${DTP_AREAS.join(", ")}`,
      });
    }

    const security = operation.security;
    if (!Array.isArray(security)) {
      issues.push({
        rule: "security",
        pointer: at(),
        message: `${label} does not declare security (use security: [] for a public operation)`,
      });
    } else {
      security.forEach((requirement, i) => {
        if (!isRecord(requirement)) return;
        for (const name of Object.keys(requirement)) {
          if (!Object.hasOwn(schemes, name)) {
            issues.push({
              rule: "security",
              pointer: at("security", String(i), name),
              message: `${label} uses security scheme "${name}", which components.securitySchemes does not declare`,
            });
          }
        }
      });
    }

    const responses = isRecord(operation.responses) ? operation.responses : {};
    for (const [status, raw] of Object.entries(responses)) {
      const response = deref(doc, raw);
      if (!isRecord(response)) continue;
      const where = [...segments, "responses", status];
      if (/^[45]/.test(status) || status === "default") {
        issues.push(...checkErrorResponse(doc, response, where, status));
      } else if (/^2/.test(status)) {
        issues.push(...checkSecretResponse(doc, operationId, response, where, status));
      }
    }
  }
  return issues;
}
