/**
 * The last released spec is kept in `spec/releases/<version>/`. The current spec must be
 * compatible with it or versioned as semver asks (`dtp spec diff` exit 0), and every
 * requirement changed since it must be listed in spec/CHANGELOG.md's "Unreleased" section.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import { loadCatalogue } from "../../src/spec/catalogue.ts";
import { loadOpenApiRaw } from "../../src/spec/openapi.ts";
import { diffSpecs, loadSpecVersion, renderDiffText } from "../../src/spec-tools/diff/index.ts";
import { parseSemver } from "../../src/spec-tools/diff/version.ts";

const root = packageRoot();
const releasesDir = join(root, "spec", "releases");
const releases = readdirSync(releasesDir)
  .filter((name) => parseSemver(name) !== undefined)
  .sort((a, b) => {
    const x = parseSemver(a)!;
    const y = parseSemver(b)!;
    return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  });
const latest = releases.at(-1)!;
const changelog = readFileSync(join(root, "spec", "CHANGELOG.md"), "utf8");

describe("spec/releases", () => {
  it("holds at least one release, each with its two files at its own version", () => {
    expect(releases.length).toBeGreaterThan(0);
    for (const version of releases) {
      const dir = join(releasesDir, version);
      const info = loadOpenApiRaw(join(dir, "dtp.openapi.yaml")).info as { version: string };
      expect(info.version).toBe(version);
      expect(loadCatalogue(join(dir, "requirements.yaml")).version).toBe(version);
      expect(changelog).toContain(`\n## ${version} `);
    }
  });

  it(`the current spec is compatible with ${latest}, or versioned as semver asks`, () => {
    const diff = diffSpecs(
      loadSpecVersion(join("spec", "releases", latest), root),
      loadSpecVersion("spec", root),
    );
    expect(diff.requirementsCompared).toBe(true);
    expect(diff.exitCode, renderDiffText(diff)).toBe(0);
  });

  it(`spec/CHANGELOG.md's Unreleased section names every requirement changed since ${latest}`, () => {
    const diff = diffSpecs(
      loadSpecVersion(join("spec", "releases", latest), root),
      loadSpecVersion("spec", root),
    );
    const start = changelog.indexOf("\n## Unreleased");
    expect(start, "spec/CHANGELOG.md has an ## Unreleased section").toBeGreaterThan(0);
    const end = changelog.indexOf("\n## ", start + 1);
    const unreleased = changelog.slice(start, end < 0 ? undefined : end);
    const ids = [
      ...new Set(diff.changes.map((c) => c.subject).filter((s) => s.startsWith("DTP-"))),
    ];
    for (const id of ids) expect(unreleased, `${id} changed since ${latest}`).toContain(id);
  });
});
