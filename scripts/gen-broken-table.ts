/**
 * Writes docs/broken-servers.md from the broken-server catalogue (test/broken/faults) and
 * the catch rates recorded in test/broken/results.json.
 *
 *   node scripts/gen-broken-table.ts                      # the doc, from the last recorded run
 *   node scripts/gen-broken-table.ts --run                # re-run the catalogue (CI seed + 4 more), record, write the doc
 *   node scripts/gen-broken-table.ts --run --seeds 1,2,3 --concurrency 6
 *   node scripts/gen-broken-table.ts --run --faults unrecorded   # only faults the record lacks, on its seeds, merged in
 *   node scripts/gen-broken-table.ts --run --faults F-REF-01,F-ERR-20  # only these, re-recorded on the record's seeds
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
  type ResultsFile,
  readResults,
  renderCatalogue,
  renderDoc,
  summarise,
} from "../test/broken/table.ts";
import type { Fault } from "../test/broken/types.ts";

const { values } = parseArgs({
  options: {
    run: { type: "boolean" },
    seeds: { type: "string" },
    concurrency: { type: "string" },
    faults: { type: "string" },
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

/**
 * `--faults`: "unrecorded" (the faults the recorded run lacks) or names as for DTP_FAULTS (a
 * full id or its number, `F-REF-01`). Their results replace theirs in the record, which must
 * exist and be run on the same seeds, so the table stays one run's seeds.
 */
function selectFaults(spec: string, recorded: ResultsFile | undefined): Fault[] {
  if (!recorded) {
    console.error("--faults adds to a recorded run: run --run without it first");
    process.exit(2);
  }
  if (spec === "unrecorded") return FAULTS.filter((f) => recorded.faults[f.id] === undefined);
  const names = spec.split(",").map((s) => s.trim());
  const named = (f: Fault, n: string) => f.id === n || f.id.startsWith(`${n}-`);
  const unknown = names.filter((n) => !FAULTS.some((f) => named(f, n)));
  if (unknown.length) {
    console.error(`--faults names unknown faults: ${unknown.join(", ")}`);
    process.exit(2);
  }
  return FAULTS.filter((f) => names.some((n) => named(f, n)));
}

if (values.run) {
  const recorded = readResults();
  const selected = values.faults ? selectFaults(values.faults, recorded) : FAULTS;
  const seeds = values.seeds
    ? values.seeds.split(",").map(Number)
    : values.faults && recorded
      ? recorded.seeds
      : [CATALOGUE_SEED, 1, 2, 3, 4];
  if (values.faults && recorded && seeds.join(",") !== recorded.seeds.join(",")) {
    console.error(`--faults runs on the recorded seeds (${recorded.seeds.join(",")})`);
    process.exit(2);
  }
  console.log(`${selected.length} faults, ${seeds.length} seeds`);
  const concurrency = values.concurrency ? Number(values.concurrency) : CATALOGUE_CONCURRENCY;
  const host = await startFaultHost();
  const all: FaultResult[] = [];
  const wallMs: number[] = [];
  try {
    for (const seed of seeds) {
      const t0 = performance.now();
      const run = startCatalogue(host, selected, seed, concurrency);
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
  const fresh = summarise(all, { seeds, concurrency, wallMs });
  const summary: ResultsFile =
    values.faults && recorded
      ? {
          ...recorded,
          faults: { ...recorded.faults, ...fresh.faults },
          controls: {
            passed: recorded.controls.passed + fresh.controls.passed,
            runs: recorded.controls.runs + fresh.controls.runs,
          },
          added: [
            ...(recorded.added ?? []),
            { at: fresh.recordedAt, faults: Object.keys(fresh.faults).length, wallMs },
          ],
        }
      : fresh;
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
