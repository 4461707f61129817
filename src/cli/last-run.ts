/**
 * `.dtp/last-run.json`: the seeds and paths of the last run's failures, so that
 * `dtp test --replay <check-id>` can re-run one of them exactly.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../runner/failure.ts";
import type { RunReport } from "../runner/types.ts";

export interface LastRun {
  target: string;
  seed: number;
  failures: { id: string; status: string; seed: number; path?: string }[];
}

export function lastRunFile(cwd: string): string {
  return join(cwd, ".dtp", "last-run.json");
}

export async function saveLastRun(cwd: string, report: RunReport): Promise<void> {
  const data: LastRun = {
    target: report.target.embedded ? "" : report.target.baseUrl,
    seed: report.options.seed,
    failures: report.results
      .filter((r) => r.status === "FAIL" || r.status === "WARN" || r.status === "ERROR")
      .map((r) => ({
        id: r.id,
        status: r.status,
        seed: r.seed ?? report.options.seed,
        ...(r.path !== undefined ? { path: r.path } : {}),
      })),
  };
  try {
    await mkdir(join(cwd, ".dtp"), { recursive: true });
    await writeFile(lastRunFile(cwd), `${JSON.stringify(data, null, 2)}\n`);
  } catch {
    // best effort: a read-only working directory must not fail the run
  }
}

export interface Replay {
  only?: string;
  seed: number;
  path?: string;
}

/**
 * `--replay <check-id>` (from the last run) or `--replay <seed>[:<path>]` (with --only;
 * `<seed>+<path>` works too).
 * fast-check paths are colon-separated too: `123:4:0:1` is seed 123, path `4:0:1`.
 */
export async function resolveReplay(value: string, cwd: string): Promise<Replay> {
  const v = value.trim();
  const seedPath = /^(-?\d+)(?:[:+](\d+(?::\d+)*))?$/.exec(v);
  if (seedPath) {
    const out: Replay = { seed: Number(seedPath[1]) };
    if (seedPath[2] !== undefined) out.path = seedPath[2];
    return out;
  }
  if (!/^DTP-[A-Za-z]+-\d{3}$/.test(v)) {
    throw new UsageError(
      `--replay: expected a check id (DTP-REF-004) or <seed>[:<path>], got ${JSON.stringify(v)}`,
    );
  }
  let last: LastRun;
  try {
    last = JSON.parse(await readFile(lastRunFile(cwd), "utf8")) as LastRun;
  } catch {
    throw new UsageError(
      `--replay ${v}: no last run recorded in ${lastRunFile(cwd)}; use --replay <seed>:<path> --only ${v}`,
    );
  }
  const f = last.failures.find((x) => x.id === v.toUpperCase());
  if (!f) throw new UsageError(`--replay ${v}: the last run has no failure of ${v}`);
  return { only: f.id, seed: f.seed, ...(f.path !== undefined ? { path: f.path } : {}) };
}
