/**
 * The check registry: validation of the checks' metadata and selection by area, id and
 * exclusion (`--area`, `--only`, `--exclude`).
 */
import type { Area, Check } from "./check.ts";
import { UsageError } from "./failure.ts";

export const AREAS: readonly Area[] = [
  "discovery",
  "registration",
  "approval",
  "signing",
  "polling",
  "tokens",
  "login",
  "personal-tokens",
  "expiry",
  "refresh",
  "revocation",
  "resource",
  "errors",
];

const ID_RE = /^DTP-[A-Z]+-\d{3}$/;
const LEVELS = new Set(["MUST", "SHOULD", "MAY"]);

/** Throws when a check's metadata is inconsistent (a bug in a suite, not a usage error). */
export function validateRegistry(checks: readonly Check[]): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const c of checks) {
    const m = c.meta;
    if (!ID_RE.test(m.id)) problems.push(`check id ${JSON.stringify(m.id)} is not DTP-AREA-NNN`);
    if (seen.has(m.id)) problems.push(`check id ${m.id} is registered twice`);
    seen.add(m.id);
    if (!m.requirements.includes(m.id)) problems.push(`${m.id}: requirements must include its id`);
    if (!AREAS.includes(m.area)) problems.push(`${m.id}: unknown area ${JSON.stringify(m.area)}`);
    if (!LEVELS.has(m.level)) problems.push(`${m.id}: unknown level ${JSON.stringify(m.level)}`);
    if (typeof c.run !== "function") problems.push(`${m.id}: run is not a function`);
  }
  if (problems.length) throw new Error(`invalid check registry: ${problems.join("; ")}`);
}

export interface Selection {
  areas?: readonly string[];
  only?: readonly string[];
  exclude?: readonly string[];
}

/**
 * Does `pattern` name this check? Exact check id, one of its requirement IDs, or a prefix
 * ending in `*` (`DTP-REF-*`).
 */
export function matches(check: Check, pattern: string): boolean {
  const p = pattern.trim().toUpperCase();
  const ids = [check.meta.id, ...check.meta.requirements];
  if (p.endsWith("*")) return ids.some((id) => id.startsWith(p.slice(0, -1)));
  return ids.includes(p);
}

/** The checks a selection keeps, in registry order. Unknown areas or ids → UsageError. */
export function selectChecks(checks: readonly Check[], sel: Selection): Check[] {
  for (const a of sel.areas ?? []) {
    if (!AREAS.includes(a as Area)) {
      throw new UsageError(`unknown area ${JSON.stringify(a)}; areas: ${AREAS.join(", ")}`);
    }
  }
  for (const [flag, list] of [
    ["--only", sel.only],
    ["--exclude", sel.exclude],
  ] as const) {
    for (const p of list ?? []) {
      if (!checks.some((c) => matches(c, p))) {
        throw new UsageError(`${flag} ${p} matches no check (see dtp test --list)`);
      }
    }
  }
  return checks.filter((c) => {
    if (sel.areas?.length && !sel.areas.includes(c.meta.area)) return false;
    if (sel.only?.length && !sel.only.some((p) => matches(c, p))) return false;
    if (sel.exclude?.some((p) => matches(c, p))) return false;
    return true;
  });
}

/** Registry order: by area (spec order), then id. */
export function sortChecks(checks: readonly Check[]): Check[] {
  return [...checks].sort(
    (a, b) =>
      AREAS.indexOf(a.meta.area) - AREAS.indexOf(b.meta.area) || a.meta.id.localeCompare(b.meta.id),
  );
}
