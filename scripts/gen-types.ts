/**
 * Generates `src/generated/openapi.ts` from `spec/dtp.openapi.yaml` with openapi-typescript.
 * `npm run gen:types` writes the file; `generateTypes()` returns the text, so the drift test
 * can compare it with the committed file without writing.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { packageRoot } from "../src/paths.ts";
import { specPath } from "../src/spec/openapi.ts";

const HEADER = `/**
 * generated, do not edit: types of spec/dtp.openapi.yaml, by openapi-typescript.
 * Regenerate with \`npm run gen:types\`; test/spec/generated-types.test.ts fails on drift.
 */

`;

/** Where the generated types live. */
export function generatedTypesPath(): string {
  return join(packageRoot(), "src", "generated", "openapi.ts");
}

/**
 * The text of `src/generated/openapi.ts` for the spec (or for another OpenAPI file, which
 * the tests use to show that drift is detected).
 */
export async function generateTypes(file: string = specPath()): Promise<string> {
  const ast = await openapiTS(pathToFileURL(file), {
    // A schema `default` is applied by the server, so the field stays optional for clients.
    defaultNonNullable: false,
    silent: true,
  });
  return HEADER + astToString(ast);
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  const file = generatedTypesPath();
  writeFileSync(file, await generateTypes());
  console.log(`wrote ${file}`);
}
