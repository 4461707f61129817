/**
 * `.dtp/last-run.json`: the seed, case and counterexample path of every failure of the last
 * run, so that `dtp test --replay <check>` can re-run the first failure of that check
 * exactly.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Check } from "../check/check.ts";
import { UsageError } from "../check/failure.ts";
import { assertCheckPattern } from "../runner/registry.ts";
import type { RunReport } from "../runner/types.ts";

export interface LastRun {
  target: string;
  seed: number;
  failures: { id: string; status: string; seed: number; case?: string; path?: string }[];
}

export function lastRunFile(cwd: string): string {
  return join(cwd, ".dtp", "last-run.json");
}

export async function saveLastRun(cwd: string, report: RunReport): Promise<void> {
  const data: LastRun = {
    target: report.target.embedded ? "" : report.target.baseUrl,
    seed: report.options.seed,
    failures: report.results.flatMap((r) => {
      if (r.failures?.length) {
        return r.failures.map((f) => ({
          id: r.id,
          status: r.status,
          seed: f.seed ?? report.options.seed,
          ...(f.case !== undefined ? { case: f.case } : {}),
          ...(f.path !== undefined ? { path: f.path } : {}),
        }));
      }
      return r.status === "ERROR"
        ? [{ id: r.id, status: r.status, seed: r.seed ?? report.options.seed }]
        : [];
    }),
  };
  try {
    await mkdir(join(cwd, ".dtp"), { recursive: true });
    await writeFile(lastRunFile(cwd), `${JSON.stringify(data, null, 2)}\n`);
  } catch {
    // best effort: a read-only working directory must not fail the run
  }
}

export interface Replay {
  only: string;
  seed: number;
  case?: string;
  path?: string;
}

/** `--replay <check>`: the last run's first failure of that check. */
export async function resolveReplay(
  value: string,
  cwd: string,
  checks: readonly Check[],
): Promise<Replay> {
  const id = value.trim().toUpperCase();
  assertCheckPattern(checks, id, "--replay");
  if (id.includes("*"))
    throw new UsageError(`--replay takes one check id, not a pattern: ${value}`);
  let last: LastRun;
  try {
    last = JSON.parse(await readFile(lastRunFile(cwd), "utf8")) as LastRun;
  } catch {
    throw new UsageError(
      `--replay ${id}: no last run recorded in ${lastRunFile(cwd)}; use the replay line a failure printed`,
    );
  }
  const f = last.failures.find((x) => x.id === id);
  if (!f) throw new UsageError(`--replay ${id}: the last run has no failure of ${id}`);
  return {
    only: f.id,
    seed: f.seed,
    ...(f.case !== undefined ? { case: f.case } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
  };
}
