/**
 * The layout rules of ARCHITECTURE.md ("Layout rules"), as tests: one file per check named
 * by its primary requirement; check headers quote the catalogue (npm run gen:headers);
 * no exported name defined twice under suites/; no area imports another area's helpers;
 * no file over 400 lines outside src/generated/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import { loadCatalogue, requirementsById } from "../../src/spec/catalogue.ts";
import { splitHeader, withQuotes } from "../../src/spec/check-headers.ts";
import { checks } from "../../suites/index.ts";

const root = packageRoot();
const suites = join(root, "suites");
const areas = readdirSync(suites, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "expectations")
  .map((d) => d.name);
const filesOf = (area: string) =>
  readdirSync(join(suites, area)).filter((n) => n.endsWith(".ts") && n !== "index.ts");
const CHECK_FILE = /^(DTP-[A-Z]+-\d{3})-[a-z0-9-]+\.ts$/;

/** Every .ts file under `dir` (recursively), skipping node_modules, dist and dot folders. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "dist") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("layout rules", () => {
  it("one file per check, named by its primary requirement", () => {
    const byId = new Map(checks.map((c) => [c.meta.id, c]));
    const seen = new Set<string>();
    for (const area of areas) {
      for (const name of filesOf(area)) {
        const source = readFileSync(join(suites, area, name), "utf8");
        if (!/^export const check\b/m.test(source)) continue; // helpers, area lists
        const id = CHECK_FILE.exec(name)?.[1];
        expect(
          id,
          `suites/${area}/${name}: a check file is DTP-<AREA>-<NNN>-<slug>.ts`,
        ).toBeDefined();
        const check = byId.get(id!);
        expect(check, `suites/${area}/${name}: no registered check ${id}`).toBeDefined();
        expect(check!.meta.requirements[0], `${name}: the primary requirement comes first`).toBe(
          id,
        );
        expect(seen.has(id!), `${id} has two files`).toBe(false);
        seen.add(id!);
      }
    }
    expect([...byId.keys()].filter((id) => !seen.has(id))).toEqual([]);
  });

  it("check headers quote the catalogue (npm run gen:headers)", () => {
    const byId = requirementsById(loadCatalogue());
    const meta = new Map(checks.map((c) => [c.meta.id, c.meta]));
    const drifted: string[] = [];
    for (const area of areas) {
      for (const name of filesOf(area)) {
        const m = meta.get(CHECK_FILE.exec(name)?.[1] ?? "");
        if (!m) continue;
        const source = readFileSync(join(suites, area, name), "utf8");
        if (withQuotes(source, m.requirements, byId) !== source) drifted.push(`${area}/${name}`);
      }
    }
    expect(drifted, "run npm run gen:headers").toEqual([]);
  });

  it("an entry whose source holds parentheses is read as an entry (regeneration is stable)", () => {
    const byId = requirementsById(loadCatalogue());
    const once = withQuotes("/**\n * How.\n */\nx;\n", ["DTP-SVC-009"], byId);
    expect(once).toContain("(item 7)");
    expect(splitHeader(once)?.description).toEqual([" * How."]);
    expect(withQuotes(once, ["DTP-SVC-009"], byId)).toBe(once);
  });

  it("no exported name is defined twice under suites/", () => {
    const where = new Map<string, string[]>();
    for (const area of areas) {
      for (const name of filesOf(area)) {
        const source = readFileSync(join(suites, area, name), "utf8");
        for (const m of source.matchAll(
          /^export (?:async )?(?:function\*?|const|let|class|interface|type|enum) ([A-Za-z_$][\w$]*)/gm,
        )) {
          const exported = m[1]!;
          if (exported === "check") continue; // every check file's one export
          where.set(exported, [...(where.get(exported) ?? []), `${area}/${name}`]);
        }
      }
    }
    const twice = [...where].filter(([, files]) => files.length > 1);
    expect(twice).toEqual([]);
  });

  it("no area imports another area's files", () => {
    const crossing: string[] = [];
    for (const area of areas) {
      for (const name of filesOf(area)) {
        const source = readFileSync(join(suites, area, name), "utf8");
        for (const m of source.matchAll(/from "\.\.\/([a-z-]+)\//g)) {
          if (m[1] !== ".." && areas.includes(m[1]!)) crossing.push(`${area}/${name} → ${m[1]}`);
        }
      }
    }
    expect(crossing).toEqual([]);
  });

  it("no file over 400 lines outside src/generated/", () => {
    // Known exceptions from main, to be split: listed so that no new one can join them.
    const known = new Set(["test/runner/engine.test.ts", "test/spec/openapi.test.ts"]);
    const long = tsFiles(root)
      .filter((f) => !relative(root, f).startsWith(join("src", "generated")))
      .map((f) => ({
        file: relative(root, f),
        lines: readFileSync(f, "utf8").split("\n").length - 1,
      }))
      .filter((f) => f.lines > 400 && !known.has(f.file))
      .map((f) => `${f.file}: ${f.lines}`);
    expect(long).toEqual([]);
  });
});
