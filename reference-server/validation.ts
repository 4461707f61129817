/**
 * Request validation derived from the spec: ajv (JSON Schema 2020-12) validators compiled
 * at start-up from each operation's requestBody schema and its path/query parameters.
 * Nothing is hand-copied, so the server cannot drift from the document.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { quote } from "./http/echo.ts";
import type { ServerSpec } from "./spec-source.ts";

export type ValidationResult =
  | { ok: true }
  | {
      ok: false;
      message: string /** the discriminator value is not one of the mapped ones */;
      unsupported?: boolean;
    };

export interface Validators {
  /** Validates a parsed body against the operation's requestBody schema. */
  body(operationId: string, data: Record<string, unknown>): ValidationResult;
  /** Validates path parameters and query parameters (repeated query parameters are invalid). */
  params(
    operationId: string,
    path: Record<string, string>,
    query: URLSearchParams,
  ): ValidationResult;
}

const OK: ValidationResult = { ok: true };
// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const cache = new WeakMap<ServerSpec, Validators>();

/**
 * Validators for the spec's operations. Each schema is compiled on first use and kept, and
 * servers started from the same spec share them (compiling all of them costs ~0.5 s).
 */
export function compileValidators(spec: ServerSpec): Validators {
  const cached = cache.get(spec);
  if (cached) return cached;
  // strict off: the spec's descriptions and formats are annotations, not errors.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // Query and path parameters arrive as strings: `limit=3` is the integer its schema asks.
  const ajvParams = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
  addFormats(ajvParams);
  const compileWith = (engine: Ajv2020) => {
    const compiled = new Map<object, ValidateFunction>();
    return (schema: object): ValidateFunction => {
      let v = compiled.get(schema);
      if (!v) {
        v = engine.compile(schema);
        compiled.set(schema, v);
      }
      return v;
    };
  };
  const compile = compileWith(ajv);
  const compileParams = compileWith(ajvParams);
  const ops = new Map(spec.operations.map((op) => [op.operationId, op]));
  const paramSchemas = new Map<string, { path: object; query: object; queryNames: string[] }>();
  for (const op of spec.operations) {
    const objectOf = (where: "path" | "query") => {
      const ps = op.parameters.filter((p) => p.in === where);
      return {
        names: ps.map((p) => p.name),
        schema: {
          type: "object",
          required: ps.filter((p) => p.required).map((p) => p.name),
          properties: Object.fromEntries(ps.map((p) => [p.name, p.schema])),
        },
      };
    };
    const path = objectOf("path");
    const query = objectOf("query");
    paramSchemas.set(op.operationId, {
      path: path.schema,
      query: query.schema,
      queryNames: query.names,
    });
  }

  const validators: Validators = {
    body(operationId, data) {
      const body = ops.get(operationId)?.requestBody;
      if (!body) return OK;
      const d = body.discriminator;
      if (d) {
        const value = data[d.property];
        if (value === undefined) return { ok: false, message: `"${d.property}" is required` };
        const branch =
          typeof value === "string" && Object.hasOwn(d.mapping, value)
            ? d.mapping[value]
            : undefined;
        if (!branch)
          return {
            ok: false,
            unsupported: true,
            message: `"${d.property}" ${typeof value === "string" ? quote(value) : "of this type"} is not supported`,
          };
        return check(compile(branch), data);
      }
      return check(compile(body.schema), data);
    },
    params(operationId, path, query) {
      const v = paramSchemas.get(operationId);
      if (!v) return OK;
      const q: Record<string, string> = {};
      for (const name of v.queryNames) {
        const all = query.getAll(name).filter((x) => x !== "");
        if (all.length > 1) return { ok: false, message: `"${name}" is repeated` };
        if (all.length === 1) q[name] = all[0]!;
      }
      const r = check(compileParams(v.path), { ...path });
      return r.ok ? check(compileParams(v.query), q) : r;
    },
  };
  cache.set(spec, validators);
  return validators;
}

function check(v: ValidateFunction, data: unknown): ValidationResult {
  if (v(data)) return OK;
  return { ok: false, message: describe(v.errors ?? []) };
}

/** One short message naming the field, from the most specific ajv error. */
export function describe(errors: readonly ErrorObject[]): string {
  const useful = errors.filter(
    (e) => !["oneOf", "anyOf", "allOf", "if", "not"].includes(e.keyword),
  );
  const e = useful[0] ?? errors[0];
  if (!e) return "request is invalid";
  const field = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
  const name = `"${field}"`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `"${String(p.missingProperty)}" is required`;
    case "dependentRequired":
      return `"${String(p.property)}" requires "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `${quote(String(p.additionalProperty))} is not allowed`;
    case "enum":
      return `${name} must be one of ${(p.allowedValues as unknown[]).map(String).join(", ")}`;
    case "const":
      return `${name} must be ${JSON.stringify(p.allowedValue)}`;
    case "type":
      return `${name} must be ${String(p.type)}`;
    case "maxLength":
      return `${name} must be at most ${String(p.limit)} characters`;
    case "minLength":
      return `${name} must not be empty`;
    case "minimum":
    case "maximum":
      return `${name} must be ${e.keyword === "minimum" ? ">=" : "<="} ${String(p.limit)}`;
    case "pattern":
    case "format":
      return `${name} has an invalid format`;
    default:
      return `${field === "" ? "request" : name} ${e.message ?? "is invalid"}`;
  }
}
