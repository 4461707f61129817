/**
 * Writes docs/oauth-coverage.md: every audited OAuth RFC sentence → requirement → checks
 * (npm run gen:oauth-coverage). A test fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { OAUTH_PROFILE } from "../src/runner/profiles.ts";
import { loadCatalogue } from "../src/spec/catalogue.ts";
import { loadAudit } from "../src/spec/oauth-audit.ts";
import { renderOAuthCoverage } from "../src/spec/oauth-coverage.ts";
import { checks } from "../suites/index.ts";

writeFileSync(
  join(packageRoot(), "docs", "oauth-coverage.md"),
  renderOAuthCoverage(loadAudit(), loadCatalogue(), checks, {
    inOAuthProfile: (id) => OAUTH_PROFILE[id]?.oauth === true,
  }),
);
