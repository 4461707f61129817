/**
 * docs/broken-servers.md: the catalogue table (generated from test/broken/faults, checked
 * for drift by test/broken/table.test.ts) and the catch rates of the last recorded run
 * (from test/broken/results.json, written by `scripts/gen-broken-table.ts --run`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/paths.ts";
import { warnsOnly } from "./levels.ts";
import type { FaultResult } from "./run.ts";
import type { Fault, FaultArea } from "./types.ts";

export const DOC_PATH = join(packageRoot(), "docs", "broken-servers.md");
export const RESULTS_PATH = join(packageRoot(), "test", "broken", "results.json");

export const CATALOGUE_BEGIN = "<!-- catalogue: generated from test/broken/faults -->";
export const CATALOGUE_END = "<!-- end of catalogue -->";

/** The ID prefix (`F-<AREA>-`) each area's faults use. */
export const AREA_PREFIXES: Readonly<Record<FaultArea, readonly string[]>> = {
  discovery: ["DISC"],
  registration: ["REG"],
  approval: ["APR"],
  signing: ["SIG", "DPOP", "SVC"],
  polling: ["POLL"],
  tokens: ["TOK"],
  login: ["LOGIN"],
  "personal-tokens": ["PAT"],
  expiry: ["EXP"],
  refresh: ["REF"],
  revocation: ["REV"],
  resource: ["RES"],
  errors: ["ERR"],
  concurrency: ["CONC"],
  persistence: ["PERS"],
  instances: ["INST"],
};

/** What results.json holds: per fault, how many recorded runs caught it. */
export interface ResultsFile {
  description: string;
  recordedAt: string;
  seeds: number[];
  /** Broken servers tested at once. */
  concurrency: number;
  /** Wall time of each seed's whole catalogue (faults and controls), ms. */
  wallMs: number[];
  faults: Record<string, { caught: number; runs: number; missedBy?: Record<string, string[]> }>;
  controls: { passed: number; runs: number };
  /** Faults run later on the same seeds and merged in (`--faults`): when, how many, wall times. */
  added?: { at: string; faults: number; wallMs: number[] }[];
}

/** Folds the results of runs (any seeds) into the results file. */
export function summarise(
  results: readonly FaultResult[],
  meta: { seeds: number[]; concurrency: number; wallMs: number[] },
): ResultsFile {
  const faults: ResultsFile["faults"] = {};
  const controls = { passed: 0, runs: 0 };
  for (const r of results) {
    if (r.id === "control") {
      controls.runs++;
      if (r.caught) controls.passed++;
      continue;
    }
    const entry = faults[r.id] ?? { caught: 0, runs: 0 };
    faults[r.id] = entry;
    entry.runs++;
    if (r.caught) entry.caught++;
    else {
      entry.missedBy ??= {};
      entry.missedBy[String(r.seed)] = r.missed.length > 0 ? r.missed : ["(run passed)"];
    }
  }
  return {
    description:
      "Catch rates of the broken-server catalogue: written by `node scripts/gen-broken-table.ts --run`; docs/broken-servers.md shows them.",
    recordedAt: new Date().toISOString(),
    ...meta,
    faults,
    controls,
  };
}

export function readResults(path = RESULTS_PATH): ResultsFile | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ResultsFile) : undefined;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const checkLink = (id: string) => `\`${id}\``;
const requirementLink = (id: string) => `[${id}](../spec/README.md#${id})`;

/** The catalogue section: counts by area and one table row per fault. */
export function renderCatalogue(faults: readonly Fault[]): string {
  const areas = Object.keys(AREA_PREFIXES) as FaultArea[];
  const count = (a: FaultArea) => faults.filter((f) => f.area === a).length;
  const lines = [
    CATALOGUE_BEGIN,
    "",
    `${faults.length} faults: ${areas
      .filter((a) => count(a) > 0)
      .map((a) => `${a} ${count(a)}`)
      .join(", ")}.`,
    "",
    "| fault | requirement | caught by | what is broken |",
    "|---|---|---|---|",
  ];
  for (const a of areas) {
    for (const f of faults.filter((x) => x.area === a)) {
      const what = f.note ? `${f.description} *${f.note}*` : f.description;
      lines.push(
        `| \`${f.id}\` | ${requirementLink(f.requirement)} | ${f.catchers.map(checkLink).join(", ")}${warnsOnly(f) ? " (WARN)" : ""} | ${cell(what)} |`,
      );
    }
  }
  lines.push("", CATALOGUE_END);
  return lines.join("\n");
}

/** The results section: catch rate per fault from results.json. */
export function renderResults(faults: readonly Fault[], results: ResultsFile | undefined): string {
  if (!results) return "No recorded run yet: `node scripts/gen-broken-table.ts --run`.";
  const seconds = results.wallMs.map((ms) => `${(ms / 1000).toFixed(0)} s`).join(", ");
  const caughtAll = faults.filter((f) => {
    const r = results.faults[f.id];
    return r !== undefined && r.caught === r.runs && r.runs > 0;
  }).length;
  const lines = [
    `Recorded ${results.recordedAt.slice(0, 10)} with seeds ${results.seeds.join(", ")} ` +
      `(${results.concurrency} broken servers at once; wall time per seed: ${seconds}). ` +
      `Caught on every run: ${caughtAll}/${faults.length} faults. ` +
      `Unmodified server (controls): passed ${results.controls.passed}/${results.controls.runs}.` +
      (results.added ?? [])
        .map(
          (a) =>
            ` ${a.faults} faults added ${a.at.slice(0, 10)}, run on the same seeds (wall time ${Math.round(a.wallMs.reduce((x, y) => x + y, 0) / 1000)} s in all).`,
        )
        .join(""),
    "",
    "| fault | caught | missed by (seed: checks) |",
    "|---|---|---|",
  ];
  for (const f of faults) {
    const r = results.faults[f.id];
    if (!r) {
      lines.push(`| \`${f.id}\` | not run | |`);
      continue;
    }
    const missed = Object.entries(r.missedBy ?? {})
      .map(([seed, ids]) => `${seed}: ${ids.join(", ")}`)
      .join("; ");
    lines.push(`| \`${f.id}\` | ${r.caught}/${r.runs} | ${cell(missed)} |`);
  }
  return lines.join("\n");
}

/** The whole document. */
export function renderDoc(faults: readonly Fault[], results: ResultsFile | undefined): string {
  return `# Broken servers: what the suites catch

A conformance kit is only as good as the bugs it catches. The catalogue in
\`test/broken/faults/\` injects one documented fault at a time into the reference server,
through its test-only fixture argument (\`startReferenceServer(options, fixture)\`: a
replaced or wrapped operation, a wrapped store method, or a replaced protocol verifier) —
never through a server option a vendor could ship — and runs the catching checks against
it. \`test/broken/catalogue.test.ts\` (CI) asserts, for every fault, that the run fails and
that every listed check FAILs (for a fault that breaks a SHOULD, marked WARN: that every
listed check WARNs on that requirement, and the run, judged on MUSTs, passes); and that the
unmodified server passes the same checks.

Generated by \`node scripts/gen-broken-table.ts\` (\`--run\` first re-runs the catalogue and
records the catch rates in \`test/broken/results.json\`). The catalogue section is checked
for drift by \`test/broken/table.test.ts\`; the catch rates are those of the last recorded run.

How the faults are observed:

- **Check-then-use races** (concurrency): the single-use decision is split into a read, a
  30 ms await (a database round trip) and an unconditional write; sequential reuse is still
  refused, only concurrent requests get through.
- **Persistence**: a black-box kit cannot restart the server under test, so these targets
  restart themselves: the durable store survives, the fault's process memory is lost before
  every request (what a crash loop, a rolling deploy or a scaled-out deployment without
  shared state does). The ordinary reuse checks then see the reuse land after a restart. To
  check a real server for these, run the same checks against a deployment that restarts (or
  balances over several instances) between requests.
- **Unsigned / HMAC-signed JWTs**: the broken verifier re-signs the claims with a throwaway
  key and hands them to the real verifier, so every other check still applies and only the
  \`alg\` handling is broken.

## Catalogue

${renderCatalogue(faults)}

## Catch rates (last recorded run)

${renderResults(faults, results)}
`;
}

/** The catalogue section of a document, or undefined when its markers are missing. */
export function catalogueSection(doc: string): string | undefined {
  const begin = doc.indexOf(CATALOGUE_BEGIN);
  const end = doc.indexOf(CATALOGUE_END);
  return begin === -1 || end === -1 ? undefined : doc.slice(begin, end + CATALOGUE_END.length);
}
