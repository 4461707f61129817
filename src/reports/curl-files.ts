/**
 * Each failure's curl script as an executable file (`.dtp/repro/<check>-<n>.sh` by default),
 * so that the console can name a path a vendor runs or hands to a colleague.
 */
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FailureRecord, RunReport } from "../runner/types.ts";

/** Writes the scripts into `dir` (emptied first); returns where each one went. */
export async function writeCurlScripts(
  report: RunReport,
  dir: string,
): Promise<Map<FailureRecord, string>> {
  const out = new Map<FailureRecord, string>();
  await rm(dir, { recursive: true, force: true });
  for (const r of report.results) {
    for (const [i, f] of (r.failures ?? []).entries()) {
      if (!f.curl) continue;
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${r.id}-${i + 1}.sh`);
      await writeFile(path, `${f.curl}\n`);
      await chmod(path, 0o755);
      out.set(f, path);
    }
  }
  return out;
}
