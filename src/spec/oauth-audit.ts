/**
 * The OAuth coverage audit (`spec/oauth-audit.yaml`): every normative sentence of the OAuth
 * RFC sections DTP builds on, with the requirements that carry it or the reason nothing
 * does. Its schema, how to load it, and the consistency checks its test runs against the
 * catalogue. Rendered as `docs/oauth-coverage.md` by `oauth-coverage.ts`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { specDir } from "../paths.ts";
import type { Catalogue, Level } from "./catalogue.ts";

/** RFC 2119 / RFC 8174 keywords as a sentence uses them; `none`: normative, no keyword. */
export const SENTENCE_LEVELS = [
  "MUST",
  "MUST NOT",
  "REQUIRED",
  "SHALL",
  "SHALL NOT",
  "SHOULD",
  "SHOULD NOT",
  "RECOMMENDED",
  "NOT RECOMMENDED",
  "MAY",
  "OPTIONAL",
  "none",
] as const;

/** Who a sentence binds. */
export const PARTIES = ["authorization server", "resource server", "client"] as const;

const Section = z.string().regex(/^\d+(\.\d+)*$/, 'a section number such as "3.2.1"');

export const AuditSentenceSchema = z
  .strictObject({
    rfc: z.number().int().positive(),
    section: Section,
    level: z.enum(SENTENCE_LEVELS),
    party: z.enum(PARTIES),
    /** One sentence or clause, verbatim ("[...]" marks an elision). */
    quote: z.string().min(10),
    /** Can a client see a server break it over HTTP? */
    observable: z.boolean(),
    /** The catalogue requirements that carry it. */
    requirements: z
      .array(z.string().regex(/^DTP-[A-Z]+-\d{3}$/))
      .min(1)
      .optional(),
    /** Why nothing carries it: not observable, outside DTP, or nothing for a server to break. */
    reason: z.string().min(10).optional(),
    note: z.string().min(10).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.requirements === undefined && s.reason === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: "a sentence no requirement carries needs the reason",
      });
    }
    if (!s.observable && s.reason === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: "a sentence that is not observable needs the reason",
      });
    }
  });

export const AuditSchema = z.strictObject({
  rfcs: z
    .array(
      z.strictObject({
        rfc: z.number().int().positive(),
        title: z.string().min(1),
        /** Sections audited sentence by sentence; none: the RFC is only cited. */
        audited: z.array(Section).min(1).optional(),
      }),
    )
    .min(1),
  notes: z.array(z.strictObject({ rfc: z.number().int(), section: Section, note: z.string() })),
  sentences: z.array(AuditSentenceSchema).min(1),
});

export type AuditSentence = z.infer<typeof AuditSentenceSchema>;
export type Audit = z.infer<typeof AuditSchema>;
export type SentenceLevel = (typeof SENTENCE_LEVELS)[number];

/** Absolute path of `spec/oauth-audit.yaml`. */
export function auditPath(): string {
  return join(specDir(), "oauth-audit.yaml");
}

/**
 * Reads and validates the audit; throws an Error naming every issue and its place.
 *
 * @example
 * ```ts
 * const audit = loadAudit();
 * audit.sentences.filter((s) => s.rfc === 7009).length;
 * ```
 */
export function loadAudit(file: string = auditPath()): Audit {
  return parseAudit(readFileSync(file, "utf8"), file);
}

export function parseAudit(text: string, file = "oauth-audit.yaml"): Audit {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${error instanceof Error ? error.message : error}`);
  }
  const result = AuditSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${file} is not a valid OAuth audit:\n${issues.join("\n")}`);
  }
  return result.data;
}

export interface AuditProblem {
  rule:
    | "unknown-rfc" // a sentence or note of an RFC the audit does not list
    | "unknown-requirement" // a sentence names an ID the catalogue lacks
    | "no-oauth-requirement" // a carried sentence whose requirements are all applies: dtp
    | "stricter-than-rfc" // a SHOULD-level sentence carried by an oauth MUST
    | "oauth-uncarried"; // an applies: oauth requirement with an RFC source in no sentence
  message: string;
}

/** The strength of a sentence's keyword as a requirement level (undefined: none). */
export function levelOf(level: SentenceLevel): Level | undefined {
  switch (level) {
    case "MUST":
    case "MUST NOT":
    case "REQUIRED":
    case "SHALL":
    case "SHALL NOT":
      return "MUST";
    case "SHOULD":
    case "SHOULD NOT":
    case "RECOMMENDED":
    case "NOT RECOMMENDED":
      return "SHOULD";
    case "MAY":
    case "OPTIONAL":
      return "MAY";
    case "none":
      return undefined;
  }
}

const where = (s: AuditSentence) => `RFC ${s.rfc} §${s.section} "${s.quote.slice(0, 60)}…"`;

/**
 * The audit's consistency with the catalogue: every named requirement exists; a carried
 * sentence has at least one `applies: oauth` requirement (a plain server is held to it); a
 * SHOULD-level sentence is never carried by an oauth MUST (that would be stricter than the
 * RFC); every `applies: oauth` requirement with an RFC source carries some sentence.
 */
export function checkAudit(audit: Audit, catalogue: Catalogue): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const byId = new Map(catalogue.requirements.map((r) => [r.id, r]));
  const rfcs = new Set(audit.rfcs.map((r) => r.rfc));
  const carried = new Set<string>();
  for (const n of audit.notes) {
    if (!rfcs.has(n.rfc)) {
      problems.push({ rule: "unknown-rfc", message: `a note names RFC ${n.rfc}, not listed` });
    }
  }
  for (const s of audit.sentences) {
    if (!rfcs.has(s.rfc)) {
      problems.push({ rule: "unknown-rfc", message: `${where(s)}: RFC ${s.rfc} is not listed` });
    }
    const reqs = s.requirements ?? [];
    for (const id of reqs) carried.add(id);
    const known = reqs.flatMap((id) => {
      const r = byId.get(id);
      if (r === undefined) {
        problems.push({
          rule: "unknown-requirement",
          message: `${where(s)} names ${id}, which is not in the catalogue`,
        });
      }
      return r === undefined ? [] : [r];
    });
    const oauth = known.filter((r) => r.applies === "oauth");
    if (known.length > 0 && oauth.length === 0) {
      problems.push({
        rule: "no-oauth-requirement",
        message: `${where(s)} is carried only by applies: dtp requirements (${reqs.join(", ")}): a plain OAuth server is not held to it`,
      });
    }
    if (levelOf(s.level) === "SHOULD") {
      for (const r of oauth.filter((x) => x.level === "MUST")) {
        problems.push({
          rule: "stricter-than-rfc",
          message: `${where(s)} is a ${s.level} sentence carried by ${r.id}, an applies: oauth MUST`,
        });
      }
    }
  }
  for (const r of catalogue.requirements) {
    if (r.applies === "oauth" && /\bRFC \d+/.test(r.source) && !carried.has(r.id)) {
      problems.push({
        rule: "oauth-uncarried",
        message: `${r.id} (applies: oauth, source ${r.source}) carries no sentence of spec/oauth-audit.yaml`,
      });
    }
  }
  return problems;
}
