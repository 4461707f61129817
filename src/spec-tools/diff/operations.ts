/**
 * Comparing the operations of two OpenAPI documents: which exist, how they authenticate,
 * their parameters, request bodies, statuses, response headers and bodies.
 */
import { HTTP_METHODS, isRecord } from "../../spec/openapi-lint.ts";
import { type Change, change } from "./change.ts";
import type { DiffRule } from "./rules.ts";
import { compareSchemas, type Direction, type Doc, deref } from "./schema.ts";

interface Operation {
  /** `POST /token`. */
  key: string;
  operationId?: string;
  operation: Record<string, unknown>;
  /** The path item (for path-level parameters). */
  item: Record<string, unknown>;
}

function operations(doc: Doc): Map<string, Operation> {
  const out = new Map<string, Operation>();
  if (!isRecord(doc.paths)) return out;
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const item = deref(doc, rawItem);
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const op: Operation = { key, operation, item };
      if (typeof operation.operationId === "string") op.operationId = operation.operationId;
      out.set(key, op);
    }
  }
  return out;
}

/** `operationId`s of a document (for requirement rules). */
export function operationIdsOf(doc: Doc): Set<string> {
  const ids = new Set<string>();
  for (const op of operations(doc).values()) if (op.operationId) ids.add(op.operationId);
  return ids;
}

function label(op: Operation): string {
  return op.operationId === undefined ? op.key : `${op.key} (${op.operationId})`;
}

/** Every difference between the operations of two documents. */
export function diffOperations(base: Doc, head: Doc): Change[] {
  const changes: Change[] = [];
  const before = operations(base);
  const after = operations(head);
  for (const [key, op] of before) {
    const other = after.get(key);
    if (other === undefined) {
      changes.push(change("operation-removed", key, undefined, `${label(op)} was removed`));
    } else {
      compareOperation({ base, head, changes, subject: key }, op, other);
    }
  }
  for (const [key, op] of after) {
    if (!before.has(key)) {
      changes.push(change("operation-added", key, undefined, `${label(op)} was added`));
    }
  }
  return changes;
}

interface Scope {
  base: Doc;
  head: Doc;
  changes: Change[];
  subject: string;
}

function schemaScope(scope: Scope, direction: Direction, location: string, name?: string) {
  return name === undefined
    ? { ...scope, direction, location }
    : { ...scope, direction, location, name };
}

function compareOperation(scope: Scope, b: Operation, h: Operation): void {
  compareSecurity(scope, b, h);
  compareParameters(scope, b, h);
  compareRequestBody(scope, b.operation.requestBody, h.operation.requestBody);
  compareResponses(scope, b.operation.responses, h.operation.responses);
}

/** The accepted ways to authenticate, each as `a + b`; `(none)` for anonymous access. */
function securityAlternatives(doc: Doc, op: Operation): Set<string> {
  const list = Array.isArray(op.operation.security)
    ? op.operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  if (list.length === 0) return new Set(["(none)"]);
  return new Set(
    list.map((requirement) => {
      const names = isRecord(requirement) ? Object.keys(requirement).sort() : [];
      return names.length === 0 ? "(none)" : names.join(" + ");
    }),
  );
}

function compareSecurity(scope: Scope, b: Operation, h: Operation): void {
  const before = securityAlternatives(scope.base, b);
  const after = securityAlternatives(scope.head, h);
  for (const alt of before) {
    if (!after.has(alt)) {
      const message =
        alt === "(none)"
          ? "no longer accepts requests without credentials"
          : `no longer accepts security ${alt}`;
      scope.changes.push(change("security-removed", scope.subject, "security", message));
    }
  }
  for (const alt of after) {
    if (!before.has(alt)) {
      const message =
        alt === "(none)"
          ? "now accepts requests without credentials"
          : `now accepts security ${alt}`;
      scope.changes.push(change("security-added", scope.subject, "security", message));
    }
  }
}

/** Parameters by `in:name`, path-level ones overridden by the operation's. */
function parameters(doc: Doc, op: Operation): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const list of [op.item.parameters, op.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (isRecord(p) && typeof p.name === "string" && typeof p.in === "string") {
        const name = p.in === "header" ? p.name.toLowerCase() : p.name;
        out.set(`${p.in}:${name}`, p);
      }
    }
  }
  return out;
}

function parameterLabel(p: Record<string, unknown>): string {
  return p.in === "header"
    ? `header ${String(p.name)}`
    : `${String(p.in)} parameter ${String(p.name)}`;
}

function compareParameters(scope: Scope, b: Operation, h: Operation): void {
  const before = parameters(scope.base, b);
  const after = parameters(scope.head, h);
  const push = (rule: DiffRule, where: string, message: string) =>
    scope.changes.push(change(rule, scope.subject, `request ${where}`, message));
  for (const [key, p] of before) {
    const where = parameterLabel(p);
    const q = after.get(key);
    if (q === undefined) {
      push("request-field-removed", where, `${where} was removed`);
      continue;
    }
    const reqBase = p.required === true;
    const reqHead = q.required === true;
    if (reqBase !== reqHead) {
      push(
        reqHead ? "request-field-required" : "request-field-optional",
        where,
        `${where} is now ${reqHead ? "required" : "optional"}`,
      );
    }
    compareSchemas(schemaScope(scope, "request", `request ${where}`, where), p.schema, q.schema);
  }
  for (const [key, q] of after) {
    if (before.has(key)) continue;
    const where = parameterLabel(q);
    const required = q.required === true;
    push(
      required ? "request-field-required" : "request-field-added",
      where,
      `new ${required ? "required" : "optional"} ${where}`,
    );
  }
}

function content(value: unknown): Record<string, unknown> {
  return isRecord(value) && isRecord(value.content) ? value.content : {};
}

function schemaOf(media: unknown): unknown {
  return isRecord(media) ? media.schema : undefined;
}

function compareRequestBody(scope: Scope, rawBase: unknown, rawHead: unknown): void {
  const b = deref(scope.base, rawBase);
  const h = deref(scope.head, rawHead);
  const push = (rule: DiffRule, where: string, message: string) =>
    scope.changes.push(change(rule, scope.subject, where, message));
  if (!isRecord(b) && !isRecord(h)) return;
  if (!isRecord(h)) {
    push("request-field-removed", "request body", "the request body was removed");
    return;
  }
  const reqHead = h.required === true;
  if (!isRecord(b)) {
    push(
      reqHead ? "request-field-required" : "request-field-added",
      "request body",
      `new ${reqHead ? "required" : "optional"} request body`,
    );
    return;
  }
  if ((b.required === true) !== reqHead) {
    push(
      reqHead ? "request-field-required" : "request-field-optional",
      "request body",
      `the request body is now ${reqHead ? "required" : "optional"}`,
    );
  }
  const before = content(b);
  const after = content(h);
  for (const [type, media] of Object.entries(before)) {
    if (!Object.hasOwn(after, type)) {
      push(
        "request-media-type-removed",
        `request ${type}`,
        `request body ${type} is no longer accepted`,
      );
    } else {
      compareSchemas(
        schemaScope(scope, "request", `request ${type}`),
        schemaOf(media),
        schemaOf(after[type]),
      );
    }
  }
  for (const type of Object.keys(after)) {
    if (!Object.hasOwn(before, type)) {
      push("request-media-type-added", `request ${type}`, `request body ${type} is now accepted`);
    }
  }
}

function headers(
  doc: Doc,
  response: Record<string, unknown>,
): Map<string, [string, Record<string, unknown>]> {
  const out = new Map<string, [string, Record<string, unknown>]>();
  if (!isRecord(response.headers)) return out;
  for (const [name, raw] of Object.entries(response.headers)) {
    const header = deref(doc, raw);
    if (isRecord(header)) out.set(name.toLowerCase(), [name, header]);
  }
  return out;
}

function compareResponses(scope: Scope, rawBase: unknown, rawHead: unknown): void {
  const before = isRecord(rawBase) ? rawBase : {};
  const after = isRecord(rawHead) ? rawHead : {};
  const push = (rule: DiffRule, where: string, message: string) =>
    scope.changes.push(change(rule, scope.subject, where, message));
  for (const status of Object.keys(before)) {
    if (!Object.hasOwn(after, status)) {
      push("response-status-removed", `response ${status}`, `no longer answers ${status}`);
      continue;
    }
    const b = deref(scope.base, before[status]);
    const h = deref(scope.head, after[status]);
    if (isRecord(b) && isRecord(h)) compareResponse(scope, status, b, h);
  }
  for (const status of Object.keys(after)) {
    if (Object.hasOwn(before, status)) continue;
    const success = /^[23]/.test(status);
    push(
      success ? "response-status-added" : "error-status-added",
      `response ${status}`,
      `may now answer ${status}`,
    );
  }
}

function compareResponse(
  scope: Scope,
  status: string,
  b: Record<string, unknown>,
  h: Record<string, unknown>,
): void {
  const push = (rule: DiffRule, where: string, message: string) =>
    scope.changes.push(change(rule, scope.subject, where, message));
  const hb = headers(scope.base, b);
  const hh = headers(scope.head, h);
  for (const [key, [name, header]] of hb) {
    const where = `response ${status} header ${name}`;
    const other = hh.get(key);
    if (other === undefined) {
      push("response-field-removed", where, `header ${name} was removed`);
      continue;
    }
    const reqBase = header.required === true;
    const reqHead = other[1].required === true;
    if (reqBase !== reqHead) {
      push(
        reqHead ? "response-field-required" : "response-field-optional",
        where,
        `header ${name} is now ${reqHead ? "required" : "optional"}`,
      );
    }
    compareSchemas(
      schemaScope(scope, "response", where, `header ${name}`),
      header.schema,
      other[1].schema,
    );
  }
  for (const [key, [name, header]] of hh) {
    if (hb.has(key)) continue;
    const required = header.required === true;
    push(
      required ? "response-field-required" : "response-field-added",
      `response ${status} header ${name}`,
      `new ${required ? "required" : "optional"} header ${name}`,
    );
  }
  const before = content(b);
  const after = content(h);
  for (const [type, media] of Object.entries(before)) {
    const where = `response ${status} ${type}`;
    if (!Object.hasOwn(after, type)) {
      push("response-media-type-removed", where, `${status} no longer answers ${type}`);
    } else {
      compareSchemas(schemaScope(scope, "response", where), schemaOf(media), schemaOf(after[type]));
    }
  }
  for (const type of Object.keys(after)) {
    if (!Object.hasOwn(before, type)) {
      push(
        "response-media-type-added",
        `response ${status} ${type}`,
        `${status} may now answer ${type}`,
      );
    }
  }
}
