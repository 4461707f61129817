/** docs/broken-servers.md: its catalogue section matches test/broken/faults (drift test). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAULTS } from "./faults/index.ts";
import { catalogueSection, DOC_PATH, renderCatalogue } from "./table.ts";

describe("docs/broken-servers.md", () => {
  it("lists the catalogue as it is (regenerate: node scripts/gen-broken-table.ts)", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    expect(catalogueSection(doc)).toBe(renderCatalogue(FAULTS));
  });
});
