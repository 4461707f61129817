/**
 * The whole suite against a 3-instance deployment on one PostgreSQL (issue 18): three
 * `dtp serve --instances 3` processes on an embedded PostgreSQL, tested as the issuer with
 * the kit's requests spread over the three instances (`--instance`: a replay always goes to
 * another instance than the original), diffed with the same expectations as the embedded
 * single-process run: the deployment conforms as one server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import { diffExpectations, type ExpectationsFile } from "../../src/runner/expectations.ts";
import { runConformance } from "../../src/runner/run.ts";
import { type Deployment, startInstances } from "../reference-server/instances.ts";
import { startPostgres, type TestPostgres } from "../reference-server/postgres.ts";
import { REFERENCE_RUN } from "./reference-run.ts";

const expectations = JSON.parse(
  readFileSync(join(packageRoot(), "suites", "expectations", "reference-server.json"), "utf8"),
) as ExpectationsFile;

let pg: TestPostgres;
let deployment: Deployment;
beforeAll(async () => {
  pg = await startPostgres();
  deployment = await startInstances(await pg.database(), 3, [
    "--short",
    "--user",
    "alice:wonderland:CARD-1234",
  ]);
}, 120_000);
afterAll(async () => {
  await deployment?.stop();
  await pg?.stop();
});

describe("the whole suite against 3 instances on one PostgreSQL", () => {
  it("matches suites/expectations/reference-server.json exactly", {
    timeout: 300_000,
  }, async () => {
    const s = deployment.server;
    const report = await runConformance({
      ...REFERENCE_RUN,
      url: s.url,
      instances: deployment.instances,
      config: {
        apiKey: s.apiKey,
        admin: { token: s.adminKey },
        approval: { method: "admin-api" },
        user: { username: "alice", password: "wonderland", cardId: "CARD-1234" },
      },
    });
    console.log(
      `3 instances on PostgreSQL: ${JSON.stringify(report.summary.byStatus)} in ${(report.durationMs / 1000).toFixed(1)} s`,
    );
    expect(diffExpectations(report.results, expectations)).toEqual([]);
    expect(report.exitCode).toBe(0);
  });
});
