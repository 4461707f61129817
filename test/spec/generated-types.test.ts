import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generatedTypesPath, generateTypes } from "../../scripts/gen-types.ts";
import type { components, operations } from "../../src/generated/openapi.ts";
import { loadOpenApiRaw } from "../../src/spec/openapi.ts";

describe("src/generated/openapi.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtp-gen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is what `npm run gen:types` produces from the spec (no drift)", async () => {
    const committed = readFileSync(generatedTypesPath(), "utf8");
    const fresh = await generateTypes();
    expect(fresh.startsWith("/**\n * generated, do not edit")).toBe(true);
    // A plain equality: on failure, run `npm run gen:types` and commit the result.
    expect(committed === fresh, "src/generated/openapi.ts is stale: run npm run gen:types").toBe(
      true,
    );
  });

  it("differs as soon as the spec changes (the drift check can fail)", async () => {
    const doc = loadOpenApiRaw();
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    schemas.AddedForDriftTest = { type: "object", properties: { x: { type: "string" } } };
    const file = join(dir, "changed.yaml");
    writeFileSync(file, stringify(doc));
    const changed = await generateTypes(file);
    expect(changed).toContain("AddedForDriftTest");
    expect(changed).not.toBe(readFileSync(generatedTypesPath(), "utf8"));
  });

  it("types the wire contract (compile-time checks)", () => {
    const request: components["schemas"]["TokenRequest"] = {
      grant_type: "refresh_token",
      refresh_token: "r1",
    };
    const created: operations["createPersonalToken"]["requestBody"]["content"]["application/json"] =
      { name: "ci", expires_in: 3600 };
    const kind: components["schemas"]["TokenKind"] = "personal";
    expect([request.grant_type, created.expires_in, kind]).toEqual([
      "refresh_token",
      3600,
      "personal",
    ]);
  });
});
