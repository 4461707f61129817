/**
 * Writes docs/broken-servers.md from the broken-server catalogue (test/broken/faults) and
 * the catch rates recorded in test/broken/results.json.
 *
 *   node scripts/gen-broken-table.ts                      # the doc, from the last recorded run
 *   node scripts/gen-broken-table.ts --run                # re-run the catalogue (CI seed + 4 more), record, write the doc
 *   node scripts/gen-broken-table.ts --run --seeds 1,2,3 --concurrency 6
 *   node scripts/gen-broken-table.ts --check              # exit 1 when the doc's catalogue section is stale
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../src/paths.ts";
import { FAULTS } from "../test/broken/faults/index.ts";
import { startFaultHost } from "../test/broken/host.ts";
import {
  CATALOGUE_CONCURRENCY,
  CATALOGUE_SEED,
  type FaultResult,
  startCatalogue,
} from "../test/broken/run.ts";
import {
  catalogueSection,
  DOC_PATH,
  RESULTS_PATH,
  readResults,
  renderCatalogue,
  renderDoc,
  summarise,
} from "../test/broken/table.ts";

const { values } = parseArgs({
  options: {
    run: { type: "boolean" },
    seeds: { type: "string" },
    concurrency: { type: "string" },
    check: { type: "boolean" },
  },
});

if (values.check) {
  let doc = "";
  try {
    doc = readFileSync(DOC_PATH, "utf8");
  } catch {}
  if (catalogueSection(doc) !== renderCatalogue(FAULTS)) {
    console.error("docs/broken-servers.md is stale: run node scripts/gen-broken-table.ts");
    process.exit(1);
  }
  console.log("docs/broken-servers.md is up to date");
  process.exit(0);
}

if (values.run) {
  const seeds = values.seeds ? values.seeds.split(",").map(Number) : [CATALOGUE_SEED, 1, 2, 3, 4];
  const concurrency = values.concurrency ? Number(values.concurrency) : CATALOGUE_CONCURRENCY;
  const host = await startFaultHost();
  const all: FaultResult[] = [];
  const wallMs: number[] = [];
  try {
    for (const seed of seeds) {
      const t0 = performance.now();
      const run = startCatalogue(host, FAULTS, seed, concurrency);
      await run.done;
      wallMs.push(Math.round(performance.now() - t0));
      const settled = await Promise.allSettled([
        ...run.faults.values(),
        ...run.controls.map((c) => c.result),
      ]);
      const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      for (const s of settled)
        if (s.status === "rejected")
          console.error(`seed ${seed}: a run failed to start:`, s.reason);
      all.push(...results);
      const missed = results.filter((r) => !r.caught);
      console.log(
        `seed ${seed}: ${results.length - missed.length}/${results.length} as expected in ${(wallMs.at(-1)! / 1000).toFixed(1)} s` +
          missed
            .map((r) => `\n  ${r.id}: missed ${r.missed.join(", ") || "(run passed)"}`)
            .join(""),
      );
    }
  } finally {
    await host.close();
  }
  const summary = summarise(all, { seeds, concurrency, wallMs });
  writeFileSync(RESULTS_PATH, `${JSON.stringify(summary, null, 2)}\n`);
  // In the repository's JSON style (biome), so that `npm run lint` stays clean.
  execFileSync(
    join(packageRoot(), "node_modules", ".bin", "biome"),
    ["format", "--write", RESULTS_PATH],
    {
      stdio: "ignore",
    },
  );
}

writeFileSync(DOC_PATH, renderDoc(FAULTS, readResults()));
console.log(`wrote ${DOC_PATH}`);
