/**
 * The published JSON Schemas generated from zod: the target config and the
 * expected-failures file. `node src/config/json-schema.ts` rewrites them in `schemas/`; a
 * test fails when a committed file drifts from its zod schema. (The report schema,
 * `schemas/dtp-report.schema.json`, is written by hand and tested against real reports.)
 */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { expectedFailuresSchema } from "../runner/expected-failures.ts";
import { targetConfigFileSchema } from "./schema.ts";

export const GENERATED_SCHEMAS = {
  "dtp-config.schema.json": { title: "DTP target config", schema: targetConfigFileSchema },
  "dtp-expected-failures.schema.json": {
    title: "DTP expected failures",
    schema: expectedFailuresSchema,
  },
} as const;

export type GeneratedSchemaFile = keyof typeof GENERATED_SCHEMAS;

export function generatedJsonSchema(file: GeneratedSchemaFile): Record<string, unknown> {
  const { title, schema } = GENERATED_SCHEMAS[file];
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as Record<
    string,
    unknown
  >;
  return { $id: `https://dtp.dev/schemas/${file}`, title, ...json };
}

/** The target config schema. */
export function configJsonSchema(): Record<string, unknown> {
  return generatedJsonSchema("dtp-config.schema.json");
}

if (import.meta.main) {
  for (const file of Object.keys(GENERATED_SCHEMAS) as GeneratedSchemaFile[]) {
    const url = new URL(`../../schemas/${file}`, import.meta.url);
    await writeFile(url, `${JSON.stringify(generatedJsonSchema(file), null, 2)}\n`);
    console.log(`wrote ${url.pathname}`);
  }
}
