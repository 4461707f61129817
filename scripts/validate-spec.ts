/**
 * `npm run spec:validate`: validates spec/dtp.openapi.yaml (OpenAPI 3.1 via swagger-parser,
 * `$ref`s, DTP conventions) and prints each issue with its location. Exit 1 on any issue.
 */
import { relative } from "node:path";
import { packageRoot } from "../src/paths.ts";
import { formatIssue, specPath, validateOpenApi } from "../src/spec/openapi.ts";

const file = process.argv[2] ?? specPath();
const shown = relative(process.cwd(), file) || file;
const issues = await validateOpenApi(file);
for (const issue of issues) console.error(formatIssue(issue, shown));
if (issues.length > 0) {
  console.error(`${issues.length} issue(s) in ${shown}`);
  process.exitCode = 1;
} else {
  console.log(`${relative(packageRoot(), file)}: valid OpenAPI 3.1, DTP conventions hold`);
}
