/**
 * Durations on the command line and in config files: `500ms`, `10s`, `2m`, `1h`, `90d`,
 * or a bare number of seconds.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_PATTERN = "^\\d+(\\.\\d+)?(ms|s|m|h|d)?$";
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Milliseconds in a duration string; `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!DURATION_RE.test(t)) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(t)!;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]!);
}

/** Formats milliseconds for humans: 850ms, 12s, 2m30s, 1h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
}
