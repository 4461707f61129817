/**
 * How the catalogue's failures look in a whole run (issue 12, "one root cause"): runs the
 * whole suite (every check, not only the catchers) against each broken server and counts
 * the results FAIL and BLOCKED, i.e. how many failures are reported as "blocked by" the
 * root cause instead of as FAILs of their own. Slow (the whole suite per fault); not in CI.
 *
 *   node scripts/measure-root-causes.ts [--seed N] [--concurrency N] [--faults F-REF-01,…]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runConformance } from "../src/runner/run.ts";
import { FAULTS } from "../test/broken/faults/index.ts";
import { startFaultHost } from "../test/broken/host.ts";
import { CATALOGUE_SEED, configOf, pool } from "../test/broken/run.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    concurrency: { type: "string" },
    faults: { type: "string" },
  },
});
const seed = values.seed ? Number(values.seed) : CATALOGUE_SEED;
const names = values.faults?.split(",").filter(Boolean);
const faults = names
  ? FAULTS.filter((f) => names.some((n) => f.id === n || f.id.startsWith(`${n}-`)))
  : FAULTS;

interface Row {
  id: string;
  fail: number;
  blocked: number;
  causes: string[];
}

const host = await startFaultHost();
const t0 = performance.now();
const settled = await pool(
  faults.map((fault) => async (): Promise<Row> => {
    const server = await host.start(fault.id);
    const dir = await mkdtemp(join(tmpdir(), "dtp-rootcause-"));
    try {
      const config = join(dir, "dtp.config.json");
      await writeFile(config, JSON.stringify(configOf(server)));
      const report = await runConformance({
        url: server.url,
        config,
        seed,
        maxWaitMs: 90_000,
        ...(server.instances ? { instances: server.instances } : {}),
      });
      const fail = report.results.filter((r) => r.status === "FAIL").length;
      const blocked = report.results.filter((r) => r.status === "BLOCKED");
      return {
        id: fault.id,
        fail,
        blocked: blocked.length,
        causes: [...new Set(blocked.map((r) => r.blockedBy ?? "?"))],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
      await server.close();
    }
  }),
  values.concurrency ? Number(values.concurrency) : 2,
);
await host.close();

const rows = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
for (const s of settled) if (s.status === "rejected") console.error(String(s.reason));
const fail = rows.reduce((n, r) => n + r.fail, 0);
const blocked = rows.reduce((n, r) => n + r.blocked, 0);
for (const r of rows.filter((r) => r.blocked > 0))
  console.log(`${r.id}: ${r.fail} FAIL, ${r.blocked} BLOCKED by ${r.causes.join(", ")}`);
console.log(
  `${rows.length} broken servers, whole suite, seed ${seed}: ${fail + blocked} failing results, ` +
    `${fail} FAIL, ${blocked} BLOCKED ("blocked by" a root cause) on ${rows.filter((r) => r.blocked > 0).length} servers; ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
