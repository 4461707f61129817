/**
 * `dtp spec diff`: every change between two versions of the spec, classified by named
 * rules (`rules.ts`) as compatible or breaking for clients and/or servers, and whether
 * `info.version` was bumped as semver asks (`version.ts`).
 */
import { type Change, isBreaking } from "./change.ts";
import type { SpecVersion } from "./load.ts";
import { diffOperations, operationIdsOf } from "./operations.ts";
import { diffRequirements } from "./requirements.ts";
import { type VersionVerdict, versionVerdict } from "./version.ts";

export type { Change } from "./change.ts";
export { loadSpecVersion, REPO_SPEC_PATH, type SpecVersion } from "./load.ts";
export { type Classification, type DiffRule, type Party, RULE_NAMES, RULES } from "./rules.ts";
export { bumpOf, type VersionVerdict, versionVerdict } from "./version.ts";

export interface SpecDiffSide {
  label: string;
  openapi: string;
  catalogue?: string;
  version?: string;
}

export interface SpecDiff {
  base: SpecDiffSide;
  head: SpecDiffSide;
  changes: Change[];
  /** False when one side has no catalogue: requirements were not compared. */
  requirementsCompared: boolean;
  summary: {
    total: number;
    breakingForClients: number;
    breakingForServers: number;
    compatible: number;
  };
  version: VersionVerdict;
  /** 0: nothing breaking, or properly versioned; 1: breaking and not versioned. */
  exitCode: 0 | 1;
}

function side(v: SpecVersion): SpecDiffSide {
  const s: SpecDiffSide = { label: v.label, openapi: v.openapiSource };
  if (v.catalogueSource !== undefined) s.catalogue = v.catalogueSource;
  if (v.version !== undefined) s.version = v.version;
  return s;
}

/**
 * Compares two spec versions.
 *
 * @example
 * ```ts
 * const diff = diffSpecs(loadSpecVersion("spec/releases/1.0.0", cwd), loadSpecVersion("spec", cwd));
 * if (diff.exitCode !== 0) console.error(diff.version.message);
 * ```
 */
export function diffSpecs(base: SpecVersion, head: SpecVersion): SpecDiff {
  const changes = diffOperations(base.openapi, head.openapi);
  const requirementsCompared = base.catalogue !== undefined && head.catalogue !== undefined;
  if (base.catalogue !== undefined && head.catalogue !== undefined) {
    changes.push(...diffRequirements(base.catalogue, head.catalogue, operationIdsOf(base.openapi)));
  }
  const breaking = changes.filter(isBreaking).length;
  const version = versionVerdict(base.version ?? "(none)", head.version ?? "(none)", {
    breaking,
    compatible: changes.length - breaking,
  });
  return {
    base: side(base),
    head: side(head),
    changes,
    requirementsCompared,
    summary: {
      total: changes.length,
      breakingForClients: changes.filter((c) => c.breaks.includes("clients")).length,
      breakingForServers: changes.filter((c) => c.breaks.includes("servers")).length,
      compatible: changes.length - breaking,
    },
    version,
    exitCode: version.ok ? 0 : 1,
  };
}

const LABELS = {
  "breaking-for-clients-and-servers": "BREAKING clients+servers",
  "breaking-for-clients": "BREAKING clients",
  "breaking-for-servers": "BREAKING servers",
  compatible: "compatible",
} as const;

/**
 * The diff for people: one line per change (breaking first), a summary and the version
 * verdict.
 */
export function renderDiffText(diff: SpecDiff): string {
  const name = (s: SpecDiffSide) => `${s.label} (${s.version ?? "no version"})`;
  const out = [`spec diff  ${name(diff.base)} → ${name(diff.head)}`];
  if (!diff.requirementsCompared) {
    out.push(
      "note       requirements not compared: no requirements.yaml next to " +
        [diff.base, diff.head]
          .filter((s) => s.catalogue === undefined)
          .map((s) => s.openapi)
          .join(" and "),
    );
  }
  out.push("");
  const ordered = [...diff.changes].sort((a, b) => Number(isBreaking(b)) - Number(isBreaking(a)));
  const width = Math.max(0, ...ordered.map((c) => LABELS[c.classification].length));
  for (const c of ordered) {
    const where = c.location === undefined ? c.subject : `${c.subject} ${c.location}`;
    out.push(`${LABELS[c.classification].padEnd(width)}  [${c.rule}] ${where}: ${c.message}`);
  }
  if (ordered.length > 0) out.push("");
  const s = diff.summary;
  out.push(
    `${s.total} change${s.total === 1 ? "" : "s"}: ${s.breakingForClients} breaking for clients, ${s.breakingForServers} breaking for servers, ${s.compatible} compatible`,
  );
  out.push(`version    ${diff.version.message}`);
  out.push(diff.exitCode === 0 ? "OK, exit 0" : "NOT OK, exit 1");
  return `${out.join("\n")}\n`;
}

/** The diff as JSON (stable field names, for CI tools). */
export function renderDiffJson(diff: SpecDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
