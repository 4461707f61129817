/**
 * What the server takes from the OpenAPI document at start-up (through src/spec/openapi.ts):
 * the operations (method, path, request body schema, parameters) and the dereferenced
 * component schemas, ready for ajv.
 */
import {
  componentSchemas,
  type JsonSchema,
  listOperations,
  loadOpenApiRaw,
  type OpenApiDocument,
} from "../src/spec/openapi.ts";

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  requestBody?: {
    mediaType: string;
    schema: JsonSchema;
    /** The OpenAPI discriminator (e.g. `grant_type` → one schema per grant). */
    discriminator?: { property: string; mapping: Record<string, JsonSchema> };
  };
  parameters: SpecParameter[];
}

export interface ServerSpec {
  schemas: Record<string, JsonSchema>;
  operations: SpecOperation[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const refName = (v: unknown): string | undefined =>
  isObj(v) && typeof v.$ref === "string" ? v.$ref.split("/").pop() : undefined;

let cached: Promise<ServerSpec> | undefined;

/** Reads `spec/dtp.openapi.yaml` once per process. */
export function loadServerSpec(): Promise<ServerSpec> {
  cached ??= fromDocument(loadOpenApiRaw());
  return cached;
}

export async function fromDocument(doc: OpenApiDocument): Promise<ServerSpec> {
  const schemas = await componentSchemas(doc);
  const components = isObj(doc.components) ? doc.components : {};
  const section = (name: string): Obj => (isObj(components[name]) ? components[name] : {});
  const raw = (v: unknown, sectionName: string): Obj | undefined => {
    const name = refName(v);
    const target = name === undefined ? v : section(sectionName)[name];
    return isObj(target) ? target : undefined;
  };
  /** A schema as JSON Schema: named components come dereferenced from the loader. */
  const schemaOf = (v: unknown): JsonSchema => {
    const name = refName(v);
    if (name !== undefined) {
      const s = schemas[name];
      if (!s) throw new Error(`schema ${name} is missing from the OpenAPI document`);
      return s;
    }
    return isObj(v) ? v : {};
  };
  const paths = isObj(doc.paths) ? doc.paths : {};

  return {
    schemas,
    operations: listOperations(doc).map((info) => {
      const item = isObj(paths[info.path]) ? (paths[info.path] as Obj) : {};
      const op = isObj(item[info.method.toLowerCase()])
        ? (item[info.method.toLowerCase()] as Obj)
        : {};
      const list = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ];
      const parameters: SpecParameter[] = [];
      for (const entry of list) {
        const p = raw(entry, "parameters");
        if (!p || typeof p.name !== "string" || typeof p.in !== "string") continue;
        const inWhere = p.in as SpecParameter["in"];
        parameters.push({
          name: p.name,
          in: inWhere,
          required: p.required === true,
          schema: schemaOf(p.schema),
        });
      }
      const result: SpecOperation = {
        operationId: info.operationId,
        method: info.method,
        path: info.path,
        parameters,
      };
      const body = raw(op.requestBody, "requestBodies");
      const [mediaType, media] =
        Object.entries(isObj(body?.content) ? (body.content as Obj) : {})[0] ?? [];
      if (mediaType !== undefined && isObj(media)) {
        result.requestBody = { mediaType, schema: schemaOf(media.schema) };
        const d = raw(media.schema, "schemas")?.discriminator;
        if (isObj(d) && typeof d.propertyName === "string" && isObj(d.mapping)) {
          const mapping: Record<string, JsonSchema> = {};
          for (const [value, ref] of Object.entries(d.mapping))
            mapping[value] = schemaOf({ $ref: ref });
          result.requestBody.discriminator = { property: d.propertyName, mapping };
        }
      }
      return result;
    }),
  };
}
