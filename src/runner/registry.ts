/**
 * The check registry: validation of the checks' metadata and selection by area, id and
 * exclusion (`--area`, `--only`, `--exclude`).
 */
import type { Area, Check } from "../check/check.ts";
import { UsageError } from "../check/failure.ts";

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
  /** Check ids (`DTP-REF-002`) or prefixes (`DTP-REF-*`). */
  only?: readonly string[];
  exclude?: readonly string[];
  /** Requirement ids (or prefixes): every check that covers one of them. */
  requirements?: readonly string[];
}

/** Does `pattern` name this check? Its exact id, or a prefix ending in `*` (`DTP-REF-*`). */
export function matches(check: Check, pattern: string): boolean {
  const p = pattern.trim().toUpperCase();
  if (p.endsWith("*")) return check.meta.id.startsWith(p.slice(0, -1));
  return check.meta.id === p;
}

/** Does this check cover the requirement `pattern` (an id or a prefix ending in `*`)? */
export function covers(check: Check, pattern: string): boolean {
  const p = pattern.trim().toUpperCase();
  if (p.endsWith("*")) return check.meta.requirements.some((id) => id.startsWith(p.slice(0, -1)));
  return check.meta.requirements.includes(p);
}

/**
 * Throws a UsageError unless `pattern` names a check. A requirement id that is not a check's
 * id gets the checks that cover it named.
 */
export function assertCheckPattern(checks: readonly Check[], pattern: string, flag: string): void {
  if (checks.some((c) => matches(c, pattern))) return;
  const covering = checks.filter((c) => covers(c, pattern)).map((c) => c.meta.id);
  if (covering.length) {
    throw new UsageError(
      `${flag} ${pattern}: ${pattern} is a requirement, not a check; the checks that cover it: ${covering.join(", ")} (name one of them, or select by requirement with --requirement ${pattern})`,
    );
  }
  throw new UsageError(`${flag} ${pattern} matches no check (see dtp test --list)`);
}

/**
 * The checks a selection keeps, in registry order. Unknown areas or ids → UsageError; a
 * selection that keeps no check → UsageError (a run that tests nothing is not a run).
 */
export function selectChecks(checks: readonly Check[], sel: Selection): Check[] {
  for (const a of sel.areas ?? []) {
    if (!AREAS.includes(a as Area)) {
      throw new UsageError(`unknown area ${JSON.stringify(a)}; areas: ${AREAS.join(", ")}`);
    }
  }
  for (const p of sel.only ?? []) assertCheckPattern(checks, p, "--only");
  for (const p of sel.exclude ?? []) assertCheckPattern(checks, p, "--exclude");
  for (const p of sel.requirements ?? []) {
    if (!checks.some((c) => covers(c, p))) {
      throw new UsageError(`--requirement ${p}: no check covers it (see dtp test --list)`);
    }
  }
  const kept = checks.filter((c) => {
    if (sel.areas?.length && !sel.areas.includes(c.meta.area)) return false;
    if (sel.only?.length && !sel.only.some((p) => matches(c, p))) return false;
    if (sel.requirements?.length && !sel.requirements.some((p) => covers(c, p))) return false;
    if (sel.exclude?.some((p) => matches(c, p))) return false;
    return true;
  });
  if (kept.length === 0) {
    throw new UsageError(
      `the selection (${describeSelection(sel)}) keeps no check: nothing would be tested`,
    );
  }
  return kept;
}

/** The selection in words: "every area", "refresh, revocation", "--only DTP-REF-002 without DTP-REF-001". */
export function describeSelection(sel: Selection): string {
  const parts: string[] = [];
  if (sel.areas?.length) parts.push(sel.areas.join(", "));
  if (sel.only?.length) parts.push(`--only ${sel.only.join(",")}`);
  if (sel.requirements?.length) parts.push(`--requirement ${sel.requirements.join(",")}`);
  const what = parts.join(", ") || "every area";
  return sel.exclude?.length ? `${what} without ${sel.exclude.join(", ")}` : what;
}

/** Registry order: by area (spec order), then id. */
export function sortChecks(checks: readonly Check[]): Check[] {
  return [...checks].sort(
    (a, b) =>
      AREAS.indexOf(a.meta.area) - AREAS.indexOf(b.meta.area) || a.meta.id.localeCompare(b.meta.id),
  );
}
