/**
 * Comparing two JSON Schemas of the same place (a request body, a response body, a
 * parameter, a header) in two versions of the OpenAPI document: types, enums, fields and
 * their required-ness, oneOf/anyOf variants and array items, recursively.
 */
import { isRecord, resolvePointer } from "../../spec/openapi-lint.ts";
import { type Change, change } from "./change.ts";
import type { DiffRule, Party } from "./rules.ts";

export type Doc = Record<string, unknown>;
export type Direction = "request" | "response";

export interface SchemaScope {
  base: Doc;
  head: Doc;
  direction: Direction;
  /** The operation, e.g. `POST /token`. */
  subject: string;
  /** Where the schema sits, e.g. `request application/json` or `response 200 header DPoP-Nonce`. */
  location: string;
  /** What the schema describes, in messages (default "the body"). */
  name?: string;
  changes: Change[];
}

/** Follows local `$ref` chains. */
export function deref(doc: Doc, value: unknown, depth = 0): unknown {
  if (depth > 32 || !isRecord(value) || typeof value.$ref !== "string") return value;
  return deref(doc, resolvePointer(doc, value.$ref), depth + 1);
}

/** The last segment of a `$ref` (`TokenRequest`), for naming variants. */
function refName(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.$ref !== "string") return undefined;
  return value.$ref.split("/").pop();
}

interface Variant {
  key: string;
  schema: unknown;
}

/** What a schema allows, with `allOf` merged and `$ref`s followed. */
interface Flat {
  /** undefined = any type. */
  types?: Set<string>;
  /** From `enum` or `const`; undefined = any value. */
  values?: unknown[];
  /** Field name → its schemas (several when `allOf` parts both constrain it). */
  properties: Map<string, unknown[]>;
  required: Set<string>;
  items?: unknown;
  /** `oneOf` / `anyOf` forms. */
  variants?: Variant[];
}

function flatten(doc: Doc, schema: unknown, depth = 0): Flat {
  const flat: Flat = { properties: new Map(), required: new Set() };
  const s = deref(doc, schema);
  if (depth > 16 || !isRecord(s)) return flat;
  if (typeof s.type === "string") flat.types = new Set([s.type]);
  else if (Array.isArray(s.type)) flat.types = new Set(s.type.map(String));
  if (Object.hasOwn(s, "const")) flat.values = [s.const];
  else if (Array.isArray(s.enum)) flat.values = [...s.enum];
  if (isRecord(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) flat.properties.set(name, [sub]);
    flat.types ??= new Set(["object"]);
  }
  if (Array.isArray(s.required)) {
    for (const name of s.required) if (typeof name === "string") flat.required.add(name);
  }
  if (s.items !== undefined) flat.items = s.items;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) merge(flat, flatten(doc, part, depth + 1));
  }
  for (const combinator of ["oneOf", "anyOf"] as const) {
    const parts = s[combinator];
    if (!Array.isArray(parts)) continue;
    flat.variants = parts.map((part, i) => ({ key: refName(part) ?? `#${i}`, schema: part }));
  }
  return flat;
}

/** `allOf`: both parts apply. */
function merge(into: Flat, part: Flat): void {
  if (part.types !== undefined) {
    into.types =
      into.types === undefined
        ? part.types
        : new Set([...into.types].filter((t) => accepts(part.types!, t)));
  }
  if (part.values !== undefined) {
    into.values =
      into.values === undefined
        ? part.values
        : into.values.filter((v) => part.values!.some((w) => same(v, w)));
  }
  for (const [name, schemas] of part.properties) {
    into.properties.set(name, [...(into.properties.get(name) ?? []), ...schemas]);
  }
  for (const name of part.required) into.required.add(name);
  if (into.items === undefined && part.items !== undefined) into.items = part.items;
  if (into.variants === undefined && part.variants !== undefined) into.variants = part.variants;
}

/** A schema with variants seen as one: any variant's fields, required only if in all. */
function collapse(doc: Doc, flat: Flat): Flat {
  if (flat.variants === undefined) return flat;
  const parts = flat.variants.map((v) => flatten(doc, v.schema));
  const out: Flat = {
    properties: new Map(flat.properties),
    required: new Set(flat.required),
  };
  if (flat.types !== undefined) out.types = flat.types;
  if (flat.values !== undefined) out.values = flat.values;
  if (flat.items !== undefined) out.items = flat.items;
  if (parts.every((p) => p.types !== undefined) && out.types === undefined) {
    out.types = new Set(parts.flatMap((p) => [...p.types!]));
  }
  if (parts.every((p) => p.values !== undefined) && out.values === undefined) {
    out.values = parts.flatMap((p) => p.values!);
  }
  for (const part of parts) {
    for (const [name, schemas] of part.properties) {
      if (!out.properties.has(name)) out.properties.set(name, schemas);
    }
  }
  for (const name of parts[0]?.required ?? []) {
    if (parts.every((p) => p.required.has(name))) out.required.add(name);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `integer` is a `number`. */
function accepts(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === "integer" && types.has("number"));
}

function show(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

function showTypes(types: Set<string> | undefined): string {
  return types === undefined ? "any" : [...types].join(" | ");
}

/** A field's schema (several `allOf` parts are combined). */
function one(schemas: unknown[] | undefined): unknown {
  if (schemas === undefined || schemas.length === 0) return undefined;
  return schemas.length === 1 ? schemas[0] : { allOf: schemas };
}

/**
 * Compares the schema at the same place in both documents, adding a change per difference.
 *
 * @example
 * ```ts
 * const changes: Change[] = [];
 * compareSchemas({ base, head, direction: "response", subject: "POST /token",
 *   location: "response 200 application/json", changes }, baseSchema, headSchema);
 * ```
 */
export function compareSchemas(scope: SchemaScope, base: unknown, head: unknown): void {
  compare(scope, base, head, "", []);
}

function compare(
  scope: SchemaScope,
  base: unknown,
  head: unknown,
  path: string,
  stack: [unknown, unknown][],
): void {
  const b = deref(scope.base, base);
  const h = deref(scope.head, head);
  if (stack.length > 24 || stack.some(([x, y]) => x === b && y === h)) return;
  const inner = [...stack, [b, h] as [unknown, unknown]];
  let bf = flatten(scope.base, b);
  let hf = flatten(scope.head, h);
  const where = path === "" ? scope.location : `${scope.location} ${path}`;
  const field = path === "" ? (scope.name ?? "the body") : `field ${path}`;
  const add = (rule: DiffRule, message: string, breaks?: readonly Party[]) => {
    scope.changes.push(change(rule, scope.subject, where, message, breaks));
  };
  const request = scope.direction === "request";

  if (bf.variants !== undefined && hf.variants !== undefined) {
    const bv = new Map(bf.variants.map((v) => [v.key, v.schema]));
    const hv = new Map(hf.variants.map((v) => [v.key, v.schema]));
    for (const [key, schema] of bv) {
      if (hv.has(key)) {
        compare(scope, schema, hv.get(key), `${path}<${key}>`, inner);
      } else {
        add(
          request ? "request-variant-removed" : "response-variant-removed",
          `form ${key} of ${field} was removed`,
        );
      }
    }
    for (const key of hv.keys()) {
      if (!bv.has(key)) {
        add(
          request ? "request-variant-added" : "response-variant-added",
          `${field} has a new form ${key}`,
        );
      }
    }
  } else {
    bf = collapse(scope.base, bf);
    hf = collapse(scope.head, hf);
  }

  // Types.
  const bt = bf.types;
  const ht = hf.types;
  const typesRemoved =
    bt === undefined ? ht !== undefined : ht !== undefined && [...bt].some((t) => !accepts(ht, t));
  const typesAdded =
    ht === undefined ? bt !== undefined : bt !== undefined && [...ht].some((t) => !accepts(bt, t));
  if (typesRemoved || typesAdded) {
    const breaks: Party[] = [];
    if (request ? typesRemoved : typesAdded) breaks.push("clients");
    if (!request && typesRemoved) breaks.push("servers");
    add("type-changed", `${field}: type ${showTypes(bt)} → ${showTypes(ht)}`, breaks);
    // An object that is no longer one: its fields are not compared field by field.
    if (!(bt?.has("object") && ht?.has("object"))) return;
  }

  // Enums and consts.
  if (bf.values !== undefined || hf.values !== undefined) {
    const removed =
      bf.values === undefined
        ? undefined
        : bf.values.filter((v) => hf.values !== undefined && !hf.values.some((w) => same(v, w)));
    const added =
      hf.values === undefined
        ? undefined
        : hf.values.filter((v) => bf.values !== undefined && !bf.values.some((w) => same(v, w)));
    const narrowed = hf.values !== undefined && (bf.values === undefined || removed!.length > 0);
    const widened = bf.values !== undefined && (hf.values === undefined || added!.length > 0);
    if (narrowed) {
      const what =
        bf.values === undefined
          ? `now limited to ${show(hf.values!)}`
          : `no longer allows ${show(removed!)}`;
      add(request ? "request-enum-narrowed" : "response-enum-narrowed", `${field} ${what}`);
    }
    if (widened) {
      const what =
        hf.values === undefined
          ? "is no longer limited to a set of values"
          : `now allows ${show(added!)}`;
      add(request ? "request-enum-widened" : "response-enum-widened", `${field} ${what}`);
    }
  }

  // Fields.
  const names = new Set([
    ...bf.properties.keys(),
    ...bf.required,
    ...hf.properties.keys(),
    ...hf.required,
  ]);
  for (const name of names) {
    const sub = `${path}.${name}`;
    const inBase = bf.properties.has(name) || bf.required.has(name);
    const inHead = hf.properties.has(name) || hf.required.has(name);
    const reqBase = bf.required.has(name);
    const reqHead = hf.required.has(name);
    const at = (rule: DiffRule, message: string) =>
      scope.changes.push(change(rule, scope.subject, `${scope.location} ${sub}`, message));
    if (inBase && !inHead) {
      at(request ? "request-field-removed" : "response-field-removed", `field ${sub} was removed`);
    } else if (!inBase && inHead) {
      if (request) {
        at(
          reqHead ? "request-field-required" : "request-field-added",
          `new ${reqHead ? "required" : "optional"} field ${sub}`,
        );
      } else {
        at(
          reqHead ? "response-field-required" : "response-field-added",
          `new ${reqHead ? "required" : "optional"} field ${sub}`,
        );
      }
    } else {
      if (reqBase !== reqHead) {
        const rule: DiffRule = request
          ? reqHead
            ? "request-field-required"
            : "request-field-optional"
          : reqHead
            ? "response-field-required"
            : "response-field-optional";
        at(rule, `field ${sub} is now ${reqHead ? "required" : "optional"}`);
      }
      const bs = one(bf.properties.get(name));
      const hs = one(hf.properties.get(name));
      if (bs !== undefined && hs !== undefined) compare(scope, bs, hs, sub, inner);
    }
  }

  // Array items.
  if (bf.items !== undefined && hf.items !== undefined) {
    compare(scope, bf.items, hf.items, `${path}[]`, inner);
  }
}
