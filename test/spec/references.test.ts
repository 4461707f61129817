/**
 * Citations: the vendor documents DTP unifies are cited by title (the catalogue's
 * `references`), never as "seed 000"…"seed 004", in spec/, the checks, and what the CLI and
 * the reports print.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { main } from "../../src/cli/main.ts";
import { packageRoot, specDir } from "../../src/paths.ts";
import { createConsoleReporter } from "../../src/reports/console.ts";
import { renderHtml } from "../../src/reports/html.ts";
import { renderJunit } from "../../src/reports/junit.ts";
import { runConformance } from "../../src/runner/run.ts";
import { loadCatalogue } from "../../src/spec/catalogue.ts";
import { checks } from "../../suites/index.ts";
import { oauthMetadata, sendJson, startFixture } from "../fixtures/servers.ts";

const root = packageRoot();
const catalogue = loadCatalogue();
const references = catalogue.references ?? [];
/** "seed 000", "Seed 004's", "seed documents 000–004", "seed N". */
const SEED_NUMBER = /\bseeds?(?: documents?)? (?:0\d\d|N)\b/i;

function seedCitations(text: string): string[] {
  return text.split("\n").filter((line) => SEED_NUMBER.test(line));
}

function files(dir: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip(path)) return [];
    return statSync(path).isDirectory() ? files(path, skip) : [path];
  });
}

describe("references", () => {
  it("names the five vendor documents", () => {
    expect(references.map((r) => r.cite)).toEqual([
      'SAFEQ Cloud "User and device tokens"',
      'SAFEQ Cloud "Register device"',
      '"API authentication" (DeviceToken)',
      '"Authentication in the API" (private tokens)',
      'LoginID "API Service Tokens"',
    ]);
  });

  it("every source cites a standard, DTP, or a listed reference, and every reference is cited", () => {
    const cites = new Set(references.map((r) => r.cite));
    const cited = new Set<string>();
    const unknown: string[] = [];
    for (const r of catalogue.requirements) {
      for (const part of r.source.split(";").map((s) => s.trim())) {
        if (cites.has(part)) cited.add(part);
        else if (!(part === "DTP" || /^RFC \d+\b/.test(part) || /^draft-[a-z0-9-]+/.test(part)))
          unknown.push(`${r.id}: ${part}`);
      }
    }
    expect(unknown).toEqual([]);
    expect([...cites].filter((c) => !cited.has(c))).toEqual([]);
  });
});

describe('no "seed N" citation', () => {
  it("in spec/ (the frozen releases under spec/releases/ keep their 1.0.0 text)", () => {
    const found = files(specDir(), (p) => p.startsWith(join(specDir(), "releases"))).flatMap(
      (path) =>
        seedCitations(readFileSync(path, "utf8")).map((l) => `${relative(root, path)}: ${l}`),
    );
    expect(found).toEqual([]);
  });

  it("in the kit's sources and the checks", () => {
    const found = [join(root, "src"), join(root, "suites")]
      .flatMap((dir) => files(dir))
      .flatMap((path) =>
        seedCitations(readFileSync(path, "utf8")).map((l) => `${relative(root, path)}: ${l}`),
      );
    expect(found).toEqual([]);
  });

  it("in what the CLI and the reports print for every check", async () => {
    // Every check of the registry, failing at once on its own requirement, against a target
    // that serves metadata: the console, HTML and JUnit reports print each one's specRef.
    const target = await startFixture((_req, res, f) => sendJson(res, 200, oauthMetadata(f.url)));
    try {
      const failing: Check[] = checks.map((c) => ({
        meta: { ...c.meta, requires: [] },
        run: async () => fail(c.meta.id, "x", "y"),
      }));
      const report = await runConformance({
        url: target.url,
        config: { apiKey: "k" },
        checks: failing,
        runs: 1,
      });
      let out = "";
      createConsoleReporter({ write: (s) => (out += s), color: false }).finish(report);
      expect(out).toContain('SAFEQ Cloud "User and device tokens"');
      const io = {
        stdout: (s: string) => {
          out += s;
        },
        stderr: (s: string) => {
          out += s;
        },
        cwd: root,
      };
      await main(["test", "--list"], io);
      await main(["test", "--help"], io);
      out += renderHtml(report) + renderJunit(report);
      expect(seedCitations(out)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it("is caught when it comes back", () => {
    expect(seedCitations("Source: seed 004 · Operations")).toHaveLength(1);
    expect(seedCitations("Seed 000 answers with 403")).toHaveLength(1);
    expect(seedCitations("the seed documents 000–004")).toHaveLength(1);
    expect(seedCitations("seed 953784391 (runs 30)")).toEqual([]);
  });
});
