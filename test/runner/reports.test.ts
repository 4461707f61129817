import { readFile } from "node:fs/promises";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check, CheckMeta } from "../../src/check/check.ts";
import { expectJson, fail } from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import { createConsoleReporter } from "../../src/reports/console.ts";
import { renderHtml } from "../../src/reports/html.ts";
import { renderJson } from "../../src/reports/json.ts";
import { renderJunit } from "../../src/reports/junit.ts";
import { runConformance } from "../../src/runner/run.ts";
import type { RunReport } from "../../src/runner/types.ts";
import { type Fixture, misbehavingTarget, startFixture } from "../fixtures/servers.ts";

const API_KEY = "api-key-that-must-not-leak";

function check(id: string, run: Check["run"], meta: Partial<CheckMeta> = {}): Check {
  return {
    meta: {
      id,
      requirements: [id],
      level: "MUST",
      area: "tokens",
      title: `title of ${id} <with> "markup" & stuff`,
      specRef: "RFC 6749 §5.1",
      requires: [],
      ...meta,
    },
    run,
  };
}

const checks: Check[] = [
  check("DTP-TOK-001", async (ctx) => {
    await ctx.http.request({ method: "POST", url: "/echo", form: { client_secret: API_KEY } });
  }),
  check("DTP-TOK-002", async (ctx) => {
    const res = await ctx.http.request({ method: "GET", url: "/wrong-content-type" });
    expectJson(res, "DTP-TOK-002");
  }),
  check("DTP-TOK-012", async () => fail("DTP-TOK-012", "x", "</script><b>y</b>"), {
    level: "SHOULD",
  }),
  check("DTP-REV-001", async () => {}, { area: "revocation", requires: ["introspection"] }),
  check("DTP-TOK-004", async () => {
    throw new Error("kit bug");
  }),
  check(
    "DTP-TOK-005",
    async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.string(), async (s) => {
          if (s.length > 2)
            throw new CheckFailure({ expected: "short", actual: `"${s}" ]]> \u0001` });
        }),
        ctx.fc,
      );
    },
    { property: true },
  ),
];

let fixture: Fixture;
let report: RunReport;

beforeAll(async () => {
  fixture = await startFixture(misbehavingTarget());
  report = await runConformance({
    url: fixture.url,
    config: { apiKey: API_KEY },
    checks,
    seed: 99,
    runs: 20,
    timeoutMs: 1000,
    evidence: "all",
  });
});
afterAll(() => fixture.close());

describe("reports", () => {
  it("the run report has the statuses, summary and exit code", () => {
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ["DTP-TOK-001", "PASS"],
      ["DTP-TOK-002", "FAIL"],
      ["DTP-TOK-004", "ERROR"],
      ["DTP-TOK-005", "FAIL"],
      ["DTP-TOK-012", "WARN"],
      ["DTP-REV-001", "SKIP"],
    ]);
    expect(report.summary.byStatus).toEqual({
      PASS: 1,
      FAIL: 2,
      WARN: 1,
      BLOCKED: 0,
      SKIP: 1,
      ERROR: 1,
    });
    expect(report.verdict.verdict).toBe("NOT CONFORMANT");
    expect(report.verdict.rootCauses.map((c) => [c.requirement, c.level])).toEqual([
      ["DTP-TOK-002", "MUST"],
      ["DTP-TOK-005", "MUST"],
      ["DTP-TOK-012", "SHOULD"],
    ]);
    expect(report.summary.byLevel.SHOULD.WARN).toBe(1);
    expect(report.exitCode).toBe(1);
    expect(report.discovery).toHaveLength(1);
    expect(report.results[1]!.replay).toBe(`dtp test ${fixture.url} --only DTP-TOK-002 --seed 99`);
  });

  it("JSON: valid against schemas/dtp-report.schema.json, secrets redacted", async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const schema = JSON.parse(
      await readFile(new URL("../../schemas/dtp-report.schema.json", import.meta.url), "utf8"),
    );
    const validate = ajv.compile(schema);
    const json = renderJson(report);
    const ok = validate(JSON.parse(json));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(json).not.toContain(API_KEY);
    expect(json).toContain("«redacted:api_key#");
  });

  it("JUnit: parses, one testcase per check named by requirement ID, failures and transcripts", () => {
    const xml = renderJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain(API_KEY);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    const suites = doc.testsuites;
    expect(suites).toMatchObject({ tests: "7", failures: "2", errors: "1", skipped: "1" });
    const list = [suites.testsuite].flat();
    const cases = list.flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Record<
      string,
      unknown
    >[];
    expect(cases).toHaveLength(7); // one per check, and the verdict's coverage testcase
    expect(cases.at(-1)).toMatchObject({ name: "requirement coverage", classname: "verdict" });
    const byName = new Map(cases.map((c) => [String(c.name).split(" ")[0], c]));
    expect(byName.get("DTP-TOK-002")).toMatchObject({ classname: "tokens" });
    const failure = byName.get("DTP-TOK-002")!.failure as Record<string, string>;
    expect(failure.message).toContain('Content-Type "text/html; charset=utf-8"');
    expect(byName.get("DTP-TOK-004")!.error).toBeDefined();
    expect(byName.get("DTP-REV-001")!.skipped).toBeDefined();
    expect(String(byName.get("DTP-TOK-001")!["system-out"])).toContain("POST");
    expect(
      String(
        byName.get("DTP-TOK-005")!.failure
          ? (byName.get("DTP-TOK-005")!.failure as Record<string, string>)["#text"]
          : "",
      ),
    ).toContain("seed: 99");
  });

  it("HTML: self-contained, escaped, filterable, every transcript included", () => {
    const html = renderHtml(report);
    expect(html).not.toContain(API_KEY);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/);
    expect(html).not.toContain("</script><b>y</b>");
    expect(html).toContain("&lt;/script&gt;&lt;b&gt;y&lt;/b&gt;");
    expect(html).toContain("title of DTP-TOK-001 &lt;with&gt; &quot;markup&quot; &amp; stuff");
    expect(html).toContain('data-status="FAIL"');
    expect(html).toContain('<select id="area">');
    expect(html).toContain(`GET ${fixture.url}/wrong-content-type`);
    expect(html.match(/<script>/g)).toHaveLength(1);
    const js = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(() => new Function(js)).not.toThrow(); // the inline filter script parses
  });

  it("console: progress per check, details with replay, summary and verdict", () => {
    let out = "";
    const reporter = createConsoleReporter({ write: (s) => (out += s), color: false });
    reporter.start({
      target: {
        baseUrl: fixture.url,
        metadata: {},
        features: new Set(["api_key"]),
        config: { apiKey: "", clientIdPrefix: "x" },
        embedded: false,
      },
      checks,
      seed: 99,
      runs: 20,
      maxWaitMs: 60_000,
      timeoutMs: 1000,
    });
    for (const r of report.results) reporter.result(r);
    reporter.finish(report);
    expect(out).toContain("[1/6] PASS    DTP-TOK-001");
    expect(out).toMatch(/FAIL DTP-TOK-002 \(MUST, tokens\)/);
    expect(out).toContain("expected       Content-Type application/json");
    expect(out).toContain(
      `replay         dtp test ${fixture.url} --only DTP-TOK-005 --seed 99 --replay-path`,
    );
    expect(out).toContain("counterexample");
    expect(out).toMatch(/Summary by area\n.*PASS.*\n\s+tokens\s+1\s+2\s+1\s+0\s+0\s+1/);
    expect(out).toContain("Root causes (3)");
    expect(out).toContain("DTP-TOK-012 (SHOULD)");
    expect(out).toMatch(/Requirements in scope \(every area\)/);
    expect(out).toMatch(
      /\nNOT CONFORMANT — 2 root causes: DTP-TOK-002, DTP-TOK-005 · MUST requirements: /,
    );
    expect(out).not.toContain(API_KEY);
    expect(out).not.toContain("\u001b["); // no colours when disabled
  });
});
