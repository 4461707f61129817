/**
 * spec/oauth-audit.yaml: the OAuth RFC sentences → requirements audit, its consistency with
 * the catalogue, and docs/oauth-coverage.md generated from it (drift test).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import { OAUTH_PROFILE } from "../../src/runner/profiles.ts";
import { loadCatalogue } from "../../src/spec/catalogue.ts";
import {
  type Audit,
  type AuditSentence,
  checkAudit,
  loadAudit,
  parseAudit,
} from "../../src/spec/oauth-audit.ts";
import { renderOAuthCoverage } from "../../src/spec/oauth-coverage.ts";
import { checks } from "../../suites/index.ts";

const audit = loadAudit();
const catalogue = loadCatalogue();
const rules = (a: Audit) => checkAudit(a, catalogue).map((p) => p.rule);
const withSentences = (sentences: AuditSentence[]): Audit => ({ ...audit, sentences });

describe("spec/oauth-audit.yaml", () => {
  it("loads and agrees with the catalogue (checkAudit reports nothing)", () => {
    expect(audit.sentences.length).toBeGreaterThan(150);
    expect(checkAudit(audit, catalogue).map((p) => p.message)).toEqual([]);
  });

  it("audits every section the OAuth profile rests on, each with a sentence or a note", () => {
    const expected: Record<number, string[]> = {
      6749: ["2.3", "3", "3.1", "3.2", "5.1", "5.2", "6"],
      6750: ["2.1", "3", "3.1"],
      7009: ["2", "2.1", "2.2", "2.2.1"],
      7662: ["2", "2.1", "2.2", "2.3", "4"],
      8414: ["2", "3", "3.1", "3.2", "3.3"],
      8628: ["3.1", "3.2", "3.3", "3.4", "3.5", "5.1"],
      9700: ["4.14.2"],
    };
    for (const [rfc, sections] of Object.entries(expected)) {
      const entry = audit.rfcs.find((r) => r.rfc === Number(rfc));
      expect(entry?.audited, `RFC ${rfc}`).toEqual(expect.arrayContaining(sections));
      for (const section of entry?.audited ?? []) {
        const listed =
          audit.sentences.some((s) => s.rfc === Number(rfc) && s.section === section) ||
          audit.notes.some((n) => n.rfc === Number(rfc) && n.section === section);
        expect(listed, `RFC ${rfc} §${section}`).toBe(true);
      }
    }
  });

  it("quotes are single sentences or clauses, not paraphrases of whole sections", () => {
    for (const s of audit.sentences) expect(s.quote.length, s.quote).toBeLessThan(420);
  });

  it("reports a sentence naming an unknown requirement", () => {
    const [first, ...rest] = audit.sentences;
    const bad = { ...first!, requirements: ["DTP-XXX-999"] };
    expect(rules(withSentences([bad, ...rest]))).toContain("unknown-requirement");
  });

  it("reports an applies: oauth requirement that carries no sentence", () => {
    const without = audit.sentences.map((s) => ({
      ...s,
      requirements: s.requirements?.filter((id) => id !== "DTP-REV-002"),
    }));
    const problems = checkAudit(
      withSentences(
        without.map((s) =>
          s.requirements?.length === 0
            ? { ...s, requirements: undefined, reason: "dropped for the test" }
            : s,
        ),
      ),
      catalogue,
    );
    expect(problems.map((p) => p.message)).toContain(
      "DTP-REV-002 (applies: oauth, source RFC 7009 §2.2) carries no sentence of spec/oauth-audit.yaml",
    );
  });

  it("reports a SHOULD sentence carried by an oauth MUST, and one carried only by dtp requirements", () => {
    const should = audit.sentences.find((s) => s.level === "SHOULD" && s.requirements)!;
    expect(rules(withSentences([{ ...should, requirements: ["DTP-REV-001"] }]))).toContain(
      "stricter-than-rfc",
    );
    expect(rules(withSentences([{ ...should, requirements: ["DTP-REV-050"] }]))).toContain(
      "no-oauth-requirement",
    );
  });

  it("refuses a sentence that names neither requirements nor a reason", () => {
    const text = readFileSync(join(packageRoot(), "spec", "oauth-audit.yaml"), "utf8");
    const broken = text.replace(/\n +requirements: \[DTP-ERR-004\]\n/, "\n");
    expect(broken).not.toBe(text);
    expect(() => parseAudit(broken)).toThrow(
      /sentences\.1\.reason: a sentence no requirement carries needs the reason/,
    );
  });
});

describe("docs/oauth-coverage.md", () => {
  it("is up to date (npm run gen:oauth-coverage)", () => {
    const committed = readFileSync(join(packageRoot(), "docs", "oauth-coverage.md"), "utf8");
    expect(committed).toBe(
      renderOAuthCoverage(audit, catalogue, checks, {
        inOAuthProfile: (id) => OAUTH_PROFILE[id]?.oauth === true,
      }),
    );
  });

  it("shows a requirement without a check as no check yet, with the check that should carry it", () => {
    // DTP-REG-052 as if its check were still awaited (the list empties as checks land).
    const md = renderOAuthCoverage(
      audit,
      catalogue,
      checks.filter((c) => c.meta.id !== "DTP-REG-052"),
      { awaiting: { "DTP-REG-052": { check: "new check", fault: "Basic alone refused" } } },
    );
    expect(md).toContain("DTP-REG-052: no check yet (new check)");
    expect(md).toContain("DTP-REV-001: DTP-REF-001, DTP-REV-001");
  });
});
