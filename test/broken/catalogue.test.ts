/**
 * The broken-server catalogue in CI: every fault's server fails its catchers, the unmodified
 * server passes the same checks, and the replay line printed for every failure re-runs
 * exactly that check, which fails again on the same requirement. All servers live in one worker (host.ts); the faults run
 * CATALOGUE_CONCURRENCY at a time with the fixed CATALOGUE_SEED, slow ones first.
 *
 * `DTP_BROKEN_RESULTS=<file>` also writes the results there (the format of
 * test/broken/results.json) — `node scripts/gen-broken-table.ts --run` does the same over
 * several seeds and regenerates docs/broken-servers.md.
 *
 * `DTP_FAULTS=F-REV-05,F-REV-06` runs only those faults (and the controls): for working on
 * one check; CI runs them all.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue, requirementsById } from "../../src/spec/catalogue.ts";
import { FAULTS } from "./faults/index.ts";
import { type FaultHost, startFaultHost } from "./host.ts";
import { warnsOnly } from "./levels.ts";
import {
  CATALOGUE_CONCURRENCY,
  CATALOGUE_SEED,
  type CatalogueRun,
  CHECK_IDS,
  controlPassed,
  type FaultResult,
  startCatalogue,
} from "./run.ts";
import { AREA_PREFIXES, summarise } from "./table.ts";
import type { FaultArea } from "./types.ts";

/** Long enough for the whole catalogue: a fault's test waits for its turn in the pool. */
const TIMEOUT_MS = 300_000;

describe("the catalogue itself", () => {
  it("has at least 40 faults, over every area, with unique well-formed ids", () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(40);
    const ids = FAULTS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const area of Object.keys(AREA_PREFIXES) as FaultArea[])
      expect(
        FAULTS.some((f) => f.area === area),
        area,
      ).toBe(true);
    for (const f of FAULTS) {
      const m = /^F-([A-Z]+)-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$/.exec(f.id);
      expect(m, f.id).not.toBeNull();
      expect(AREA_PREFIXES[f.area], f.id).toContain(m![1]);
      expect(f.description.length, f.id).toBeGreaterThan(20);
    }
  });

  it("names real requirements and real checks", () => {
    const requirements = requirementsById(loadCatalogue());
    for (const f of FAULTS) {
      expect(requirements.has(f.requirement), `${f.id}: ${f.requirement}`).toBe(true);
      expect(f.catchers.length, f.id).toBeGreaterThan(0);
      for (const c of f.catchers) expect(CHECK_IDS.has(c), `${f.id}: ${c}`).toBe(true);
    }
  });

  it("builds every fixture without a clash", () => {
    for (const f of FAULTS) expect(() => f.fixture(), f.id).not.toThrow();
  });
});

/**
 * The faults this run covers: all, or those `DTP_FAULTS` names by full id or by its number
 * (`F-REF-01`); a name that matches no fault is an error.
 */
const named = (f: { id: string }, name: string) => f.id === name || f.id.startsWith(`${name}-`);
const SELECTED = (() => {
  const names = process.env.DTP_FAULTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names?.length) return FAULTS;
  const unknown = names.filter((n) => !FAULTS.some((f) => named(f, n)));
  if (unknown.length) throw new Error(`DTP_FAULTS names unknown faults: ${unknown.join(", ")}`);
  return FAULTS.filter((f) => names.some((n) => named(f, n)));
})();

describe("every broken server is caught; the unmodified server passes", () => {
  let host: FaultHost;
  let run: CatalogueRun;
  const t0 = performance.now();

  beforeAll(async () => {
    host = await startFaultHost();
    run = startCatalogue(host, SELECTED, CATALOGUE_SEED, CATALOGUE_CONCURRENCY, { replays: true });
  });

  afterAll(async () => {
    if (!run) return;
    await run.done;
    const wallMs = Math.round(performance.now() - t0);
    console.log(
      `broken-server catalogue: ${SELECTED.length} faults + ${run.controls.length} control(s), ` +
        `${CATALOGUE_CONCURRENCY} at a time, seed ${CATALOGUE_SEED}: ${(wallMs / 1000).toFixed(1)} s`,
    );
    const file = process.env.DTP_BROKEN_RESULTS;
    if (file) {
      const settled = await Promise.allSettled([
        ...run.faults.values(),
        ...run.controls.map((c) => c.result),
      ]);
      const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      const summary = summarise(results, {
        seeds: [CATALOGUE_SEED],
        concurrency: CATALOGUE_CONCURRENCY,
        wallMs: [wallMs],
      });
      writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    }
    await host.close();
  }, TIMEOUT_MS);

  const explain = (r: FaultResult) =>
    Object.entries(r.statuses)
      .map(([id, s]) => `${id} ${s}${r.messages[id] ? `: ${r.messages[id]}` : ""}`)
      .join("\n");

  it("the unmodified server passes every catcher (each configuration)", {
    timeout: TIMEOUT_MS,
  }, async () => {
    for (const c of run.controls) {
      const r = await c.result;
      expect(r.missed, `${JSON.stringify(c.options)}\n${explain(r)}`).toEqual([]);
      expect(controlPassed(r), `exit ${r.exitCode}, ${r.verdict}\n${explain(r)}`).toBe(true);
    }
  });

  for (const fault of SELECTED) {
    it(`${fault.id} is caught by ${fault.catchers.join(", ")}`, {
      timeout: TIMEOUT_MS,
    }, async () => {
      const r = await run.faults.get(fault.id)!;
      expect(r.missed, explain(r)).toEqual([]);
      // A broken MUST fails the run; a broken SHOULD is a WARN, which does not.
      if (warnsOnly(fault)) expect(r.verdict, explain(r)).not.toBe("NOT CONFORMANT");
      else expect(r.exitCode, explain(r)).toBe(1);
      // The replay line printed for each failure re-runs exactly that check, which fails
      // (or, for a SHOULD, warns) again on the same requirement.
      expect(r.replays.length, explain(r)).toBeGreaterThan(0);
      for (const replay of r.replays) {
        expect(replay.ok, `${replay.line}\n${replay.detail}`).toBe(true);
      }
    });
  }
});
