/**
 * The CLI end to end, in-process (`main(argv, io)`), against fixture servers; plus one real
 * process. Exit codes: 0 conformant, 1 failed, 2 usage / config / unreachable.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import {
  type Fixture,
  MISBEHAVIOURS,
  misbehavingTarget,
  oauthMetadata,
  sendJson,
  startFixture,
} from "../fixtures/servers.ts";

interface Run {
  code: number;
  out: string;
  err: string;
}

let cwd: string;

async function dtp(...argv: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    cwd,
    color: false,
  });
  return { code, out, err };
}

let good: Fixture;
let wrongIssuer: Fixture;
let htmlMetadata: Fixture;
let hangingMetadata: Fixture;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), "dtp-cli-"));
  good = await startFixture(misbehavingTarget());
  wrongIssuer = await startFixture(
    misbehavingTarget((issuer) => oauthMetadata(issuer, { issuer: "https://other.example" })),
  );
  htmlMetadata = await startFixture((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>login page</html>");
  });
  hangingMetadata = await startFixture(MISBEHAVIOURS["/hang"]!);
  fixtures.push(good, wrongIssuer, htmlMetadata, hangingMetadata);
});
afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});

describe("dtp (in-process)", () => {
  it("--help lists the commands, options and exit codes", async () => {
    const top = await dtp("--help");
    expect(top.code).toBe(0);
    expect(top.out).toContain("test [options] [url]");
    expect(top.out).toContain("serve [options]");
    expect(top.out).toContain("Exit codes:");
    const test = await dtp("test", "--help");
    expect(test.code).toBe(0);
    for (const flag of [
      "--config",
      "--area",
      "--only",
      "--exclude",
      "--strict",
      "--seed",
      "--runs",
      "--replay",
      "--replay-path",
      "--max-wait",
      "--timeout",
      "--report",
      "--expected-failures",
      "--list",
    ]) {
      expect(test.out).toContain(flag);
    }
    const serve = await dtp("serve", "--help");
    for (const flag of [
      "--port",
      "--memory",
      "--short",
      "--no-dpop-nonce",
      "--user",
      "DTP_API_KEY",
    ]) {
      expect(serve.out).toContain(flag);
    }
    expect((await dtp("--version")).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("usage errors exit 2", async () => {
    expect((await dtp()).code).toBe(2);
    const unknown = await dtp("test", "--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown option '--bogus'");
    expect((await dtp("test", good.url, "--seed", "abc")).code).toBe(2);
    expect((await dtp("test", good.url, "--timeout", "soon")).code).toBe(2);
    const area = await dtp("test", good.url, "--area", "nope");
    expect(area.code).toBe(2);
    expect(area.err).toContain('unknown area "nope"');
    const report = await dtp("test", good.url, "--area", "discovery", "--report", "xml=out.xml");
    expect(report.code).toBe(2);
    expect(report.err).toContain('unknown format "xml"');
    const replay = await dtp("test", good.url, "--replay-path", "1:2");
    expect(replay.code).toBe(2);
    expect(replay.err).toContain("--replay-path needs --seed and --only <one check>");
    // A selection that keeps no check is not a run that passes.
    const none = await dtp("test", good.url, "--only", "DTP-REF-002", "--exclude", "DTP-REF-002");
    expect(none.code).toBe(2);
    expect(none.err).toContain("keeps no check: nothing would be tested");
    const empty = await dtp("test", good.url, "--area", "discovery", "--exclude", "DTP-DISC-*");
    expect(empty.code).toBe(2);
    expect(empty.err).toContain("the selection (discovery without DTP-DISC-*) keeps no check");
    // Check IDs and requirement IDs are distinct: a requirement is named with --requirement.
    const requirement = await dtp("test", good.url, "--only", "DTP-REF-004");
    expect(requirement.code).toBe(2);
    expect(requirement.err).toMatch(
      /--only DTP-REF-004: DTP-REF-004 is a requirement, not a check; the checks that cover it: DTP-REF-00\d/,
    );
    const replayRequirement = await dtp("test", good.url, "--replay", "DTP-REF-004");
    expect(replayRequirement.code).toBe(2);
    expect(replayRequirement.err).toContain("is a requirement, not a check");
    const caseWithoutCheck = await dtp("test", good.url, "--case", "x");
    expect(caseWithoutCheck.code).toBe(2);
    expect(caseWithoutCheck.err).toContain("--case needs --only <one check>");
  });

  it("--list prints checks with IDs and levels and runs nothing", async () => {
    const r = await dtp("test", "--list", "--area", "discovery");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DTP-DISC-001\s+MUST\s+discovery/);
    expect(r.out).toMatch(/\d+ checks\n$/);
  });

  it("a conformant target exits 0 (plain OAuth server: DTP-only checks skipped with the reason)", async () => {
    const r = await dtp("test", good.url, "--area", "discovery", "--seed", "5");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PASS\s+DTP-DISC-001/);
    expect(r.out).toMatch(/PASS\s+DTP-DISC-002/);
    expect(r.out).toMatch(/SKIP\s+DTP-DISC-004/);
    expect(r.out).toContain("target metadata has no dtp_version");
    expect(r.out).toContain("seed      5");
    expect(r.out).toContain("CONFORMANT");
  });

  it("a failing MUST exits 1 and writes JSON (schema-valid) and JUnit (parseable) reports", async () => {
    const json = join(cwd, "reports", "dtp.json");
    const junit = join(cwd, "reports", "dtp.xml");
    const html = join(cwd, "reports", "dtp.html");
    const r = await dtp(
      "test",
      wrongIssuer.url,
      "--area",
      "discovery",
      "--seed",
      "11",
      "--report",
      `json=${json},junit=${junit}`,
      "--report",
      `html=${html}`,
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+DTP-DISC-002/);
    expect(r.out).toContain('expected       "issuer": "http://127.0.0.1');
    expect(r.out).toContain('actual         "issuer": "https://other.example"');
    expect(r.out).toContain(
      `replay         dtp test ${wrongIssuer.url} --only DTP-DISC-002 --seed 11`,
    );

    const report = JSON.parse(await readFile(json, "utf8"));
    const ajv = new Ajv2020({ allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(
        await readFile(new URL("../../schemas/dtp-report.schema.json", import.meta.url), "utf8"),
      ),
    );
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.exitCode).toBe(1);
    const fail = report.results.find((x: { id: string }) => x.id === "DTP-DISC-002");
    expect(fail).toMatchObject({
      status: "FAIL",
      requirement: "DTP-DISC-002",
      seed: 11,
      evidence: [0],
    });
    expect(fail.exchanges[0].response.status).toBe(200);

    const xml = await readFile(junit, "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    interface TestCase {
      name: string;
      classname: string;
      failure: { message: string };
      "system-out": string;
    }
    const cases = [doc.testsuites.testsuite]
      .flat()
      .flatMap((s: { testcase: TestCase | TestCase[] }) => [s.testcase].flat());
    const tc = cases.find((c) => c.name.startsWith("DTP-DISC-002 "))!;
    expect(tc).toMatchObject({ classname: "discovery" });
    expect(tc.failure.message).toContain("DTP-DISC-002");
    expect(String(tc["system-out"])).toContain("/.well-known/oauth-authorization-server");

    expect(await readFile(html, "utf8")).toContain("DTP-DISC-002");
    expect(r.out).toContain(`wrote junit report to ${junit}`);
  });

  it("--replay <check-id> re-runs that failure from the last run", async () => {
    await dtp("test", wrongIssuer.url, "--area", "discovery", "--seed", "77");
    const last = JSON.parse(await readFile(join(cwd, ".dtp", "last-run.json"), "utf8"));
    // The fixture's metadata also lacks scopes_supported: a WARN (DTP-DISC-057), replayable too.
    expect(last.failures).toEqual([
      { id: "DTP-DISC-002", status: "FAIL", seed: 77 },
      { id: "DTP-DISC-052", status: "WARN", seed: 77, case: "scopes_supported" },
    ]);
    const r = await dtp("test", wrongIssuer.url, "--replay", "DTP-DISC-002");
    expect(r.code).toBe(1);
    expect(r.out).toContain("seed      77");
    expect(r.out).toContain("checks    1\n");
    const unknown = await dtp("test", wrongIssuer.url, "--replay", "DTP-DISC-001");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("the last run has no failure of DTP-DISC-001");
  });

  it("expected failures: listed failures pass the run; listed passes are stale and fail it", async () => {
    const file = join(cwd, "expected.json");
    await writeFile(
      file,
      JSON.stringify({ failures: [{ id: "DTP-DISC-002", reason: "issuer fix in v2" }] }),
    );
    const excused = await dtp(
      "test",
      wrongIssuer.url,
      "--area",
      "discovery",
      "--expected-failures",
      file,
    );
    expect(excused.code).toBe(0);
    expect(excused.out).toContain("(expected failure)");
    const stale = await dtp("test", good.url, "--area", "discovery", "--expected-failures", file);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("STALE DTP-DISC-002");
    expect(stale.out).toContain("1 stale expected failures");

    await writeFile(file, JSON.stringify({ failures: [{ id: "DTP-NOPE-001", reason: "typo" }] }));
    const unknown = await dtp("test", good.url, "--expected-failures", file);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("DTP-NOPE-001 is not a check");
    // A requirement ID that is not a check's ID would suppress nothing: exit 2, naming checks.
    await writeFile(file, JSON.stringify({ failures: [{ id: "DTP-REF-004", reason: "x" }] }));
    const requirement = await dtp("test", good.url, "--expected-failures", file);
    expect(requirement.code).toBe(2);
    expect(requirement.err).toMatch(
      /DTP-REF-004 is a requirement, not a check \(list the check that fails: DTP-REF-00\d/,
    );
  });

  it("verdicts: INCOMPLETE without credentials (exit 1), --allow-untested (exit 0), --requirement selects by requirement", async () => {
    const incomplete = await dtp("test", good.url, "--area", "polling");
    expect(incomplete.code).toBe(1);
    expect(incomplete.out).toMatch(
      // The polling strengthenings (applies: dtp) are not claimed: the fixture is no DTP server.
      /\nINCOMPLETE — .*MUST requirements: 0 passed, 0 failed, \d+ not claimed, \d+ untested of \d+ in scope \(polling;/,
    );
    expect(incomplete.out).toContain('no API key: pass --config <file> with "apiKey"');
    const allowed = await dtp("test", good.url, "--area", "polling", "--allow-untested");
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain("allowed by --allow-untested");
    const byRequirement = await dtp("test", good.url, "--requirement", "DTP-DISC-002", "--list");
    expect(byRequirement.out).toMatch(/^DTP-DISC-002 /m);
    expect(byRequirement.out).toContain("1 checks");
  });

  it("--wait-for polls the metadata URL until the target answers", async () => {
    let calls = 0;
    const slow = await startFixture((req, res, f) => {
      if (req.url?.startsWith("/.well-known") && ++calls < 3) {
        res.writeHead(503).end();
        return;
      }
      misbehavingTarget()(req, res, f);
    });
    fixtures.push(slow);
    const r = await dtp("test", slow.url, "--area", "discovery", "--wait-for", "10s");
    expect(r.code).toBe(0);
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it("an unreachable target exits 2 with a clear message", async () => {
    const gone = await startFixture(() => {});
    const url = gone.url;
    await gone.close();
    const r = await dtp("test", url);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `cannot fetch the target's metadata from ${url}/.well-known/oauth-authorization-server`,
    );
    expect(r.err).toContain("connection refused");
  });

  it("metadata that is not JSON, or never comes, exits 2 within the deadline", async () => {
    const html = await dtp("test", htmlMetadata.url);
    expect(html.code).toBe(2);
    expect(html.err).toContain(
      "is not a JSON object (Content-Type text/html): <html>login page</html>",
    );
    const t0 = performance.now();
    const hang = await dtp("test", hangingMetadata.url, "--timeout", "300ms");
    expect(hang.code).toBe(2);
    expect(hang.err).toContain("no response within 300 ms");
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("config problems exit 2 naming the field or variable", async () => {
    const file = join(cwd, "dtp.config.json");
    await writeFile(file, JSON.stringify({ apiKey: { env: "DTP_TEST_SURELY_UNSET" } }));
    const env = await dtp("test", good.url, "--config", file);
    expect(env.code).toBe(2);
    expect(env.err).toContain("DTP_TEST_SURELY_UNSET");
    await writeFile(file, JSON.stringify({ apiKey: "k", approval: { method: "fax" } }));
    const bad = await dtp("test", good.url, "--config", file);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"approval.method"');
    const missing = await dtp("test", good.url, "--config", join(cwd, "nope.json"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("not found");
  });

  it("the config's baseUrl is used when no URL is given", async () => {
    const file = join(cwd, "base.config.json");
    await writeFile(file, JSON.stringify({ baseUrl: good.url, apiKey: "k" }));
    const r = await dtp("test", "--config", file, "--area", "discovery");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`target    ${good.url}`);
  });
});

describe("dtp as a process", () => {
  it("node src/cli/main.ts test <url> exits with the run's code", async () => {
    const metadataOnly = await startFixture((_req, res, f) =>
      sendJson(res, 200, oauthMetadata(f.url)),
    );
    fixtures.push(metadataOnly);
    const child = spawn(
      process.execPath,
      ["src/cli/main.ts", "test", metadataOnly.url, "--area", "discovery", "--no-color"],
      { cwd: new URL("../../", import.meta.url), env: { ...process.env, NO_COLOR: "1" } },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(out).toMatch(/PASS\s+DTP-DISC-001/);
    expect(code).toBe(0);
  });
});
