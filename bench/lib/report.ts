/**
 * Printing: the machine line (how loaded it was), plain-text tables, medians, target lines.
 */
import { cpus, loadavg, totalmem } from "node:os";

/** CPU, Node and load average: the context every figure needs on a shared machine. */
export function machineLine(): string {
  const c = cpus();
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  return `${c.length} × ${c[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load} (1/5/15 min)`;
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A left-aligned first column, right-aligned others. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export const fmt = {
  int: (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–"),
  ms: (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–"),
  s: (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} s` : "–"),
  mib: (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(0)),
  pct: (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "–"),
  ratio: (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "–"),
};

/** "target ≥ 50%: met" style line. */
export function verdict(name: string, value: string, target: string, met: boolean): string {
  return `${met ? "MET   " : "MISSED"}  ${name}: ${value} (target ${target})`;
}
