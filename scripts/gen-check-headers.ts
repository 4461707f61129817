/**
 * Regenerates the requirement quotes at the top of every check file from
 * spec/requirements.yaml (npm run gen:headers [area…]); see src/spec/check-headers.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { loadCatalogue, requirementsById } from "../src/spec/catalogue.ts";
import { withQuotes } from "../src/spec/check-headers.ts";
import { checks } from "../suites/index.ts";

const suites = join(packageRoot(), "suites");
const byId = requirementsById(loadCatalogue());
const meta = new Map(checks.map((c) => [c.meta.id, c.meta]));
const only = process.argv.slice(2);
let changed = 0;
for (const area of readdirSync(suites, { withFileTypes: true })) {
  if (!area.isDirectory() || (only.length > 0 && !only.includes(area.name))) continue;
  for (const name of readdirSync(join(suites, area.name))) {
    const id = /^(DTP-[A-Z]+-\d{3})-.*\.ts$/.exec(name)?.[1];
    const m = id === undefined ? undefined : meta.get(id);
    if (!m) continue;
    const file = join(suites, area.name, name);
    const source = readFileSync(file, "utf8");
    const next = withQuotes(source, m.requirements, byId);
    if (next !== source) {
      writeFileSync(file, next);
      changed++;
    }
  }
}
console.log(`${changed} check header(s) regenerated`);
