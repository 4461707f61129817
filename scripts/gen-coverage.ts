/** Writes docs/coverage.md, the requirement → checks matrix (npm run gen:coverage). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { loadCatalogue } from "../src/spec/catalogue.ts";
import { renderCoverage } from "../src/spec/coverage.ts";
import { checks } from "../suites/index.ts";

writeFileSync(join(packageRoot(), "docs", "coverage.md"), renderCoverage(loadCatalogue(), checks));
