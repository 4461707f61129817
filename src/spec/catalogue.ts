/**
 * The requirement catalogue (`spec/requirements.yaml`): its schema, how to load it, and
 * the consistency checks `dtp spec lint` runs on it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { specDir } from "../paths.ts";

/** Requirement levels (RFC 2119). */
export const LEVELS = ["MUST", "SHOULD", "MAY"] as const;

/** Catalogue areas: the kit's suite areas plus `security` (server-side, not observable). */
export const CATALOGUE_AREAS = [
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
  "security",
] as const;

/** Which area each ID prefix belongs to (`DTP-<PREFIX>-<NNN>`). */
export const PREFIX_AREAS = {
  DISC: "discovery",
  REG: "registration",
  APR: "approval",
  SIG: "signing",
  DPOP: "signing",
  SVC: "signing",
  POLL: "polling",
  TOK: "tokens",
  LOGIN: "login",
  PAT: "personal-tokens",
  EXP: "expiry",
  REF: "refresh",
  REV: "revocation",
  RES: "resource",
  ERR: "errors",
  SEC: "security",
} as const satisfies Record<string, CatalogueArea>;

/** A source that names an RFC: `RFC 7009 §2.2`. */
const RFC_SOURCE = /\bRFC \d+/;

/** Well-formed requirement IDs: `DTP-REF-004`. */
export const REQUIREMENT_ID = /^DTP-[A-Z]+-\d{3}$/;

/**
 * What a requirement applies to:
 * - `oauth`: an RFC rule that any OAuth server with the feature can be held to, worded
 *   exactly as strictly as the RFC (the OAuth profile judges plain servers by these);
 * - `dtp`: a DTP strengthening of an RFC rule, or a DTP-only feature.
 */
export const APPLIES = ["oauth", "dtp"] as const;

/** The first catalogue version whose requirements must state `applies` (2.0.0). */
export const APPLIES_SINCE_MAJOR = 2;

export const LevelSchema = z.enum(LEVELS);
export const CatalogueAreaSchema = z.enum(CATALOGUE_AREAS);
export const AppliesSchema = z.enum(APPLIES, {
  error:
    'must be "oauth" (an RFC rule, as strict as the RFC) or "dtp" (a DTP strengthening or a DTP-only feature)',
});

export const RequirementSchema = z.strictObject({
  /** Stable forever: `DTP-<PREFIX>-<NNN>`. */
  id: z.string().min(1),
  area: CatalogueAreaSchema,
  level: LevelSchema,
  /** The normative sentence, containing its level keyword in upper case. */
  text: z.string().min(1),
  /** operationIds of `spec/dtp.openapi.yaml` the requirement applies to. */
  operations: z.array(z.string().min(1)),
  /**
   * Where it comes from, `;`-separated: a standard section ("RFC 8628 §3.5"), a vendor
   * document by its reference `cite` (`SAFEQ Cloud "Register device"`), or "DTP".
   */
  source: z.string(),
  /**
   * `oauth` or `dtp` ({@link APPLIES}). Required from catalogue version 2.0.0 on (checked on
   * the catalogue); 1.x catalogues, released before the field existed, have none.
   */
  applies: AppliesSchema.optional(),
  /** Whether a black-box client can test it over HTTP. */
  observable: z.boolean(),
  /** Where DTP deliberately departs from a vendor document (or a standard), and why. */
  deviation: z.string().min(1).optional(),
});

/** A vendor document DTP unifies, cited in `source` and `deviation` by its `cite` text. */
export const ReferenceSchema = z.strictObject({
  /** How requirements cite it: `SAFEQ Cloud "Register device"`. */
  cite: z.string().min(1),
  /** The document's own title. */
  title: z.string().min(1),
  publisher: z.string().min(1),
  /** What DTP takes from it. */
  about: z.string().min(1),
});

export const CatalogueSchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "a semantic version such as 1.0.0"),
    /** The vendor documents (absent in release 1.0.0, which cited them by number). */
    references: z.array(ReferenceSchema).optional(),
    requirements: z.array(RequirementSchema).min(1),
  })
  .superRefine((catalogue, ctx) => {
    if (Number(catalogue.version.split(".")[0]) < APPLIES_SINCE_MAJOR) return;
    catalogue.requirements.forEach((r, i) => {
      if (r.applies !== undefined) return;
      ctx.addIssue({
        code: "custom",
        path: ["requirements", i, "applies"],
        message: `required from catalogue version ${APPLIES_SINCE_MAJOR}.0.0 on: "oauth" (an RFC rule, as strict as the RFC) or "dtp" (a DTP strengthening or a DTP-only feature)`,
        params: { rule: "applies-missing" },
      });
    });
  });

export type Level = z.infer<typeof LevelSchema>;
export type Applies = (typeof APPLIES)[number];
export type CatalogueArea = (typeof CATALOGUE_AREAS)[number];
export type Requirement = z.infer<typeof RequirementSchema>;
export type Reference = z.infer<typeof ReferenceSchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;

/** Thrown by {@link loadCatalogue} when the file does not parse or does not fit the schema. */
export class CatalogueError extends Error {
  readonly issues: string[];
  constructor(file: string, issues: string[]) {
    super(
      `${file} is not a valid requirement catalogue:\n${issues.map((i) => `  ${i}`).join("\n")}`,
    );
    this.name = "CatalogueError";
    this.issues = issues;
  }
}

/** Absolute path of `spec/requirements.yaml`. */
export function cataloguePath(): string {
  return join(specDir(), "requirements.yaml");
}

/**
 * Parses catalogue YAML text and validates it against {@link CatalogueSchema}.
 * `file` only names the source in error messages.
 */
export function parseCatalogue(text: string, file = "requirements.yaml"): Catalogue {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new CatalogueError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const result = CatalogueSchema.safeParse(value);
  if (!result.success) {
    throw new CatalogueError(
      file,
      result.error.issues.map((issue) => `${describePath(value, issue.path)}: ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * Reads and validates the requirement catalogue (default: `spec/requirements.yaml` of this
 * package); throws {@link CatalogueError}.
 *
 * @example
 * ```ts
 * const catalogue = loadCatalogue();
 * const ref4 = catalogue.requirements.find((r) => r.id === "DTP-REF-004");
 * console.log(ref4?.level); // "MUST"
 * ```
 */
export function loadCatalogue(file: string = cataloguePath()): Catalogue {
  return parseCatalogue(readFileSync(file, "utf8"), file);
}

/** The requirements by ID (the first one wins if an ID is duplicated). */
export function requirementsById(catalogue: Catalogue): Map<string, Requirement> {
  const byId = new Map<string, Requirement>();
  for (const requirement of catalogue.requirements) {
    if (!byId.has(requirement.id)) byId.set(requirement.id, requirement);
  }
  return byId;
}

/** The `PREFIX` of `DTP-PREFIX-NNN`, or undefined for a malformed ID. */
export function prefixOf(id: string): string | undefined {
  return REQUIREMENT_ID.test(id) ? id.split("-")[1] : undefined;
}

export type CatalogueRule =
  | "id-format" // not DTP-<PREFIX>-<NNN>
  | "id-duplicate"
  | "id-prefix" // unknown prefix
  | "area-prefix" // the prefix belongs to another area
  | "operations-empty"
  | "operation-unknown" // names an operationId the OpenAPI document lacks
  | "operation-uncovered" // an operationId no requirement names
  | "level-keyword" // the text lacks its level keyword in upper case
  | "source-empty"
  | "applies-source"; // applies: oauth, but the source names no RFC

export interface CatalogueProblem {
  rule: CatalogueRule;
  /** The requirement concerned (absent for `operation-uncovered`). */
  id?: string;
  message: string;
}

/**
 * Consistency of a catalogue with itself and with the OpenAPI operations: IDs well formed
 * and unique, prefix matching the area, every requirement naming ≥ 1 existing operation,
 * every operation covered by ≥ 1 requirement, the level keyword in the text, a source, and
 * an RFC among the sources of every `applies: oauth` requirement (its presence and value are
 * checked by {@link CatalogueSchema}).
 * Returns the problems found (empty when the catalogue is consistent).
 *
 * @example
 * ```ts
 * const ops = listOperations(loadOpenApiRaw()).map((o) => o.operationId);
 * for (const p of checkCatalogue(loadCatalogue(), ops)) console.error(p.message);
 * ```
 */
export function checkCatalogue(
  catalogue: Catalogue,
  operationIds: readonly string[],
): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const known = new Set(operationIds);
  const covered = new Set<string>();
  const seen = new Set<string>();
  const prefixAreas: Record<string, CatalogueArea> = PREFIX_AREAS;

  for (const r of catalogue.requirements) {
    const add = (rule: CatalogueRule, message: string) =>
      problems.push({ rule, id: r.id, message: `${r.id || "(empty id)"}: ${message}` });

    if (seen.has(r.id)) add("id-duplicate", "duplicated requirement ID");
    seen.add(r.id);

    const prefix = prefixOf(r.id);
    if (prefix === undefined) {
      add("id-format", `"${r.id}" does not match ${REQUIREMENT_ID}`);
    } else if (!Object.hasOwn(prefixAreas, prefix)) {
      add("id-prefix", `unknown prefix "DTP-${prefix}"`);
    } else if (prefixAreas[prefix] !== r.area) {
      add(
        "area-prefix",
        `prefix DTP-${prefix} belongs to area "${prefixAreas[prefix]}", not "${r.area}"`,
      );
    }

    if (r.operations.length === 0) add("operations-empty", "names no operation");
    for (const op of r.operations) {
      if (known.has(op)) covered.add(op);
      else add("operation-unknown", `unknown operation "${op}"`);
    }

    if (!new RegExp(`\\b${r.level}\\b`).test(r.text)) {
      add("level-keyword", `level ${r.level} but the text does not contain "${r.level}"`);
    }
    if (r.source.trim() === "") add("source-empty", "empty source");
    if (r.applies === "oauth" && !RFC_SOURCE.test(r.source)) {
      add(
        "applies-source",
        `applies: oauth, but its source "${r.source}" names no RFC (an RFC rule cites its RFC; otherwise use applies: dtp)`,
      );
    }
  }

  for (const op of operationIds) {
    if (!covered.has(op)) {
      problems.push({
        rule: "operation-uncovered",
        message: `operation "${op}" is not covered by any requirement`,
      });
    }
  }
  return problems;
}

/** `requirements[3].level (DTP-REG-004)` for a zod issue path. */
function describePath(value: unknown, path: readonly PropertyKey[]): string {
  const text = path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
  if (path[0] === "requirements" && typeof path[1] === "number") {
    const list = (value as { requirements?: unknown } | null)?.requirements;
    const item: unknown = Array.isArray(list) ? list[path[1]] : undefined;
    const id = (item as { id?: unknown } | undefined)?.id;
    if (typeof id === "string") return `${text || "(root)"} (${id})`;
  }
  return text || "(root)";
}
