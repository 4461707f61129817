/**
 * `dtp spec diff`: one pair of fixtures per rule (test/fixtures/spec-diff/<rule>/), the
 * real spec against itself, git revisions, the semver verdict and the exit codes.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.ts";
import type { Catalogue, Requirement } from "../../src/spec/catalogue.ts";
import {
  bumpOf,
  type Change,
  diffSpecs,
  loadSpecVersion,
  RULE_NAMES,
  RULES,
  type SpecDiff,
  type SpecVersion,
  versionVerdict,
} from "../../src/spec-tools/diff/index.ts";
import { diffRequirements } from "../../src/spec-tools/diff/requirements.ts";
import { dtp, FIXTURES } from "./helpers.ts";

const root = packageRoot();
const temp = mkdtempSync(join(tmpdir(), "dtp-spec-diff-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const fixture = (rule: string, side: "base" | "head") => join(FIXTURES, rule, `${side}.yaml`);

describe("one fixture pair per rule", () => {
  it("every rule has a fixture directory, and every fixture directory is a rule", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...RULE_NAMES].sort());
  });

  it.each(RULE_NAMES)("%s", async (rule) => {
    const run = await dtp(["spec", "diff", fixture(rule, "base"), fixture(rule, "head"), "--json"]);
    const diff = JSON.parse(run.out) as SpecDiff;
    expect(diff.changes.length).toBeGreaterThan(0);
    expect(diff.changes.map((c) => c.rule)).toEqual(diff.changes.map(() => rule));
    for (const c of diff.changes) expect(c.breaks).toEqual([...RULES[rule].breaks]);
    const breaking = RULES[rule].breaks.length > 0;
    // Both sides are 1.0.0: breaking changes fail, compatible ones pass.
    expect(run.code).toBe(breaking ? 1 : 0);
    expect(diff.exitCode).toBe(run.code);
    expect(diff.version.needed).toBe(breaking ? "major" : "minor-or-patch");
  });

  it("the README's table documents every rule", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const rule of RULE_NAMES) expect(readme).toContain(`| \`${rule}\` |`);
  });

  it("the human output names the rule, whom it breaks, the place and the verdict", async () => {
    const run = await dtp([
      "spec",
      "diff",
      fixture("request-enum-narrowed", "base"),
      fixture("request-enum-narrowed", "head"),
    ]);
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      'BREAKING clients  [request-enum-narrowed] POST /token request application/x-www-form-urlencoded .grant_type: field .grant_type no longer allows "client_credentials"',
    );
    expect(run.out).toContain(
      "1 change: 1 breaking for clients, 0 breaking for servers, 0 compatible",
    );
    expect(run.out).toContain("breaking changes need a major version bump: 1.0.0 → 2.0.0");
    expect(run.out).toMatch(/NOT OK, exit 1\n$/);
  });

  it("reads the catalogue next to each file (<name>.requirements.yaml) and reports changes by requirement ID", async () => {
    const run = await dtp([
      "spec",
      "diff",
      fixture("requirement-reworded", "base"),
      fixture("requirement-reworded", "head"),
    ]);
    expect(run.out).toContain(
      '[requirement-reworded] DTP-TOK-001 text: reworded: "… 200 and a JSON body." → "… 200 and a JSON object."',
    );
  });

  it("without a catalogue on one side, says so and compares the OpenAPI documents only", async () => {
    const run = await dtp([
      "spec",
      "diff",
      fixture("operation-removed", "base"),
      fixture("operation-removed", "head"),
    ]);
    expect(run.out).toContain("note       requirements not compared");
  });
});

describe("directions of type changes", () => {
  const version = (
    label: string,
    type: unknown,
    direction: "request" | "response",
  ): SpecVersion => {
    const schema = { type: "object", properties: { n: { type } } };
    const operation =
      direction === "request"
        ? {
            requestBody: { content: { "application/json": { schema } } },
            responses: { "204": { description: "ok" } },
          }
        : {
            responses: {
              "200": { description: "ok", content: { "application/json": { schema } } },
            },
          };
    return {
      label,
      openapiSource: label,
      version: "1.0.0",
      openapi: {
        openapi: "3.1.0",
        info: { version: "1.0.0" },
        paths: { "/x": { post: operation } },
      },
    };
  };
  const changes = (b: unknown, h: unknown, direction: "request" | "response"): Change[] =>
    diffSpecs(version("base", b, direction), version("head", h, direction)).changes;

  it("request: a type no longer accepted breaks clients; a new accepted type is compatible", () => {
    expect(changes("integer", "string", "request").map((c) => c.classification)).toEqual([
      "breaking-for-clients",
    ]);
    expect(changes("string", ["string", "null"], "request").map((c) => c.classification)).toEqual([
      "compatible",
    ]);
    expect(changes("integer", "number", "request")).toEqual([
      expect.objectContaining({ rule: "type-changed", classification: "compatible" }),
    ]);
  });

  it("response: a new type breaks clients, a type removed breaks servers", () => {
    expect(changes("string", ["string", "null"], "response").map((c) => c.classification)).toEqual([
      "breaking-for-clients",
    ]);
    expect(changes(["string", "null"], "string", "response").map((c) => c.classification)).toEqual([
      "breaking-for-servers",
    ]);
    expect(changes("number", "integer", "response").map((c) => c.breaks)).toEqual([["servers"]]);
  });
});

describe("parameters and headers", () => {
  const version = (label: string, values: string[], header: boolean): SpecVersion => ({
    label,
    openapiSource: label,
    version: "1.0.0",
    openapi: {
      openapi: "3.1.0",
      info: { version: "1.0.0" },
      paths: {
        "/x": {
          get: {
            parameters: [{ name: "kind", in: "query", schema: { type: "string", enum: values } }],
            responses: {
              "200": {
                description: "ok",
                headers: header
                  ? { "X-Kind": { required: true, schema: { type: "string", enum: values } } }
                  : {},
              },
            },
          },
        },
      },
    },
  });

  it("name the parameter or header in the message", () => {
    const diff = diffSpecs(version("base", ["a", "b"], true), version("head", ["a"], true));
    expect(diff.changes.map((c) => `${c.rule}: ${c.location}: ${c.message}`)).toEqual([
      'request-enum-narrowed: request query parameter kind: query parameter kind no longer allows "b"',
      'response-enum-narrowed: response 200 header X-Kind: header X-Kind no longer allows "b"',
    ]);
    const removed = diffSpecs(version("base", ["a"], true), version("head", ["a"], false));
    expect(removed.changes.map((c) => c.rule)).toEqual(["response-field-removed"]);
  });
});

describe("the real spec", () => {
  it("against itself: no change, exit 0 (files, directory, git revision)", async () => {
    for (const [base, head] of [
      ["spec/dtp.openapi.yaml", "spec/dtp.openapi.yaml"],
      ["spec", "spec"],
      ["HEAD", "HEAD"],
      ["HEAD:spec/dtp.openapi.yaml", "HEAD"],
    ] as const) {
      const run = await dtp(["spec", "diff", base, head]);
      expect(run.code, `${base} → ${head}: ${run.out}${run.err}`).toBe(0);
      expect(run.out).toContain("0 changes");
      expect(run.out).not.toContain("requirements not compared");
    }
  });

  it("sees an edit to a copy of it: a removed operation and a reworded requirement", () => {
    const dir = join(temp, "edited");
    cpSync(join(root, "spec"), dir, { recursive: true });
    const openapi = join(dir, "dtp.openapi.yaml");
    const doc = readFileSync(openapi, "utf8");
    // Drop the /introspect path item (up to the next path).
    const start = doc.indexOf("\n  /introspect:\n");
    const end = doc.indexOf("\n  /me:\n");
    expect(start).toBeGreaterThan(0);
    writeFileSync(openapi, doc.slice(0, start) + doc.slice(end));
    const catalogue = join(dir, "requirements.yaml");
    writeFileSync(
      catalogue,
      readFileSync(catalogue, "utf8").replace(
        "without any\n      credentials",
        "without any\n      credentials at all",
      ),
    );
    const diff = diffSpecs(loadSpecVersion("spec", root), loadSpecVersion(dir, root));
    const rules = diff.changes.map((c) => `${c.rule} ${c.subject}`);
    expect(rules).toContain("operation-removed POST /introspect");
    expect(rules).toContain("requirement-reworded DTP-DISC-001");
    expect(diff.exitCode).toBe(1);
  });
});

describe("git revisions", () => {
  it("compares two commits of a repository (git show <rev>:spec/dtp.openapi.yaml)", async () => {
    const repo = join(temp, "repo");
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    cpSync(join(FIXTURES, "requirement-removed"), join(repo, "spec"), { recursive: true });
    const copy = (side: "base" | "head") => {
      cpSync(join(repo, "spec", `${side}.yaml`), join(repo, "spec", "dtp.openapi.yaml"));
      cpSync(
        join(repo, "spec", `${side}.requirements.yaml`),
        join(repo, "spec", "requirements.yaml"),
      );
    };
    git("init", "-q", "-b", "main");
    copy("base");
    git("add", "spec/dtp.openapi.yaml", "spec/requirements.yaml");
    git("-c", "user.name=t", "-c", "user.email=t@example", "commit", "-q", "-m", "base");
    copy("head");
    const headVersion = readFileSync(join(repo, "spec", "dtp.openapi.yaml"), "utf8").replace(
      "version: 1.0.0",
      "version: 2.0.0",
    );
    writeFileSync(join(repo, "spec", "dtp.openapi.yaml"), headVersion);
    git("-c", "user.name=t", "-c", "user.email=t@example", "commit", "-q", "-am", "head");

    const run = await dtp(["spec", "diff", "HEAD~1", "HEAD"], { cwd: repo });
    expect(run.out).toContain("[requirement-removed] DTP-TOK-002");
    expect(run.out).toContain("breaking changes, released as 2.0.0 (major bump from 1.0.0)");
    expect(run.code).toBe(0);
    // The working tree (a directory) against a revision.
    expect((await dtp(["spec", "diff", "main~1", "spec"], { cwd: repo })).code).toBe(0);
    // Unknown revision, or a path the revision lacks: usage errors.
    const unknown = await dtp(["spec", "diff", "no-such-branch", "HEAD"], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('"no-such-branch" is neither a file nor a git revision');
    const missing = await dtp(["spec", "diff", "HEAD:nope.yaml", "HEAD"], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("HEAD:nope.yaml does not exist in git");
  });
});

describe("versions (semver)", () => {
  it("classifies bumps", () => {
    expect(bumpOf("1.0.0", "2.0.0")).toBe("major");
    expect(bumpOf("1.0.0", "1.1.0")).toBe("minor");
    expect(bumpOf("1.0.0", "1.0.1")).toBe("patch");
    expect(bumpOf("1.0.0", "1.0.0")).toBe("none");
    expect(bumpOf("1.2.0", "1.1.9")).toBe("downgrade");
    expect(bumpOf("1.0.0-rc.1", "1.0.0")).toBe("patch");
    expect(bumpOf("1.0.0", "1.0.0-rc.1")).toBe("downgrade");
    expect(bumpOf("1.0", "1.0.1")).toBe("invalid");
  });

  it("breaking needs a major bump (a minor one below 1.0.0); compatible passes; never down", () => {
    const breaking = { breaking: 1, compatible: 2 };
    const compatible = { breaking: 0, compatible: 2 };
    expect(versionVerdict("1.0.0", "2.0.0", breaking).ok).toBe(true);
    expect(versionVerdict("1.0.0", "1.1.0", breaking)).toMatchObject({
      ok: false,
      needed: "major",
    });
    expect(versionVerdict("0.3.0", "0.4.0", breaking)).toMatchObject({ ok: true, needed: "minor" });
    expect(versionVerdict("0.3.0", "0.3.1", breaking).ok).toBe(false);
    expect(versionVerdict("1.0.0", "1.0.0", compatible)).toMatchObject({
      ok: true,
      needed: "minor-or-patch",
    });
    expect(versionVerdict("1.0.0", "1.0.1", compatible).ok).toBe(true);
    expect(versionVerdict("1.1.0", "1.0.0", compatible).ok).toBe(false);
    expect(versionVerdict("1.0.0", "one", { breaking: 0, compatible: 0 }).ok).toBe(false);
  });

  it("a breaking fixture with a major bump passes: exit 0", async () => {
    const dir = join(temp, "bumped");
    cpSync(join(FIXTURES, "operation-removed"), dir, { recursive: true });
    const head = join(dir, "head.yaml");
    writeFileSync(head, readFileSync(head, "utf8").replace("version: 1.0.0", "version: 2.0.0"));
    const run = await dtp(["spec", "diff", join(dir, "base.yaml"), head]);
    expect(run.out).toContain("BREAKING clients  [operation-removed]");
    expect(run.out).toContain("OK, exit 0");
    expect(run.code).toBe(0);
  });
});

describe("usage", () => {
  it("exit 2 on missing arguments, unreadable or invalid YAML", async () => {
    expect((await dtp(["spec", "diff"])).code).toBe(2);
    expect((await dtp(["spec", "diff", "spec"])).code).toBe(2);
    const bad = join(temp, "bad.yaml");
    writeFileSync(bad, "openapi: 3.1.0\ninfo: [unclosed\n");
    const run = await dtp(["spec", "diff", bad, "spec"]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/bad\.yaml:\d+:\d+: not valid YAML/);
  });

  it("dtp spec alone shows the subcommands, exit 2; help lists the exit codes", async () => {
    const run = await dtp(["spec"]);
    expect(run.code).toBe(2);
    expect(run.err).toContain("diff [options] <base> <head>");
    const help = await dtp(["spec", "diff", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Exit codes:");
  });
});

describe("applies (oauth | dtp)", () => {
  const requirement: Requirement = {
    id: "DTP-REV-001",
    area: "revocation",
    level: "MUST",
    text: "The server MUST answer 200.",
    operations: ["revokeToken"],
    source: "RFC 7009 §2.2",
    applies: "oauth",
    observable: true,
  };
  const of = (version: string, r: Requirement): Catalogue => ({ version, requirements: [r] });
  const ops = new Set(["revokeToken"]);

  it("a change of applies is an annotation change, compatible", () => {
    const changes = diffRequirements(
      of("2.0.0", requirement),
      of("2.0.1", { ...requirement, applies: "dtp" }),
      ops,
    );
    expect(changes.map((c) => [c.rule, c.subject, c.message])).toEqual([
      ["requirement-annotation-changed", "DTP-REV-001", '"oauth" → "dtp"'],
    ]);
    expect(RULES["requirement-annotation-changed"].breaks).toEqual([]);
  });

  it("against a 1.x catalogue, which predates the field, each requirement shows null → its value", () => {
    const { applies: _none, ...before } = requirement;
    const changes = diffRequirements(of("1.0.0", before), of("2.0.0", requirement), ops);
    expect(changes.map((c) => [c.rule, c.message])).toEqual([
      ["requirement-annotation-changed", 'null → "oauth"'],
    ]);
  });
});
