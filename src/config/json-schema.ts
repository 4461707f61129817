/**
 * The published JSON Schema of the target config, generated from the zod schema.
 * `node src/config/json-schema.ts` rewrites `schemas/dtp-config.schema.json`; a test fails
 * when the committed file drifts from the zod schema.
 */
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { targetConfigFileSchema } from "./schema.ts";

export const CONFIG_SCHEMA_ID = "https://dtp.dev/schemas/dtp-config.schema.json";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(targetConfigFileSchema, {
    target: "draft-2020-12",
    io: "input",
  }) as Record<string, unknown>;
  return { $id: CONFIG_SCHEMA_ID, title: "DTP target config", ...schema };
}

/** The file content: pretty JSON with a trailing newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (import.meta.main) {
  const file = new URL("../../schemas/dtp-config.schema.json", import.meta.url);
  await writeFile(file, configJsonSchemaText());
  console.log(`wrote ${file.pathname}`);
}
