import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckMeta } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { Feature, Target } from "../../src/check/target.ts";
import { runChecks } from "../../src/runner/engine.ts";
import { applyExpectedFailures } from "../../src/runner/expected-failures.ts";
import { selectChecks, validateRegistry } from "../../src/runner/registry.ts";
import { summarize } from "../../src/runner/summary.ts";
import type { CheckResult } from "../../src/runner/types.ts";
import { judgeRun } from "../../src/runner/verdict.ts";
import { type Fixture, misbehavingTarget, startFixture } from "../fixtures/servers.ts";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture(misbehavingTarget());
});
afterAll(() => fixture.close());

function target(features: Feature[] = ["api_key"]): Target {
  return {
    baseUrl: fixture.url,
    metadata: { issuer: fixture.url },
    features: new Set(features),
    config: { apiKey: "the-api-key-123", clientIdPrefix: "dtp-kit-" },
    embedded: false,
  };
}

let n = 0;
function fake(run: (ctx: CheckContext) => Promise<void>, meta: Partial<CheckMeta> = {}): Check {
  const id = meta.id ?? `DTP-TEST-${String(++n).padStart(3, "0")}`;
  return {
    meta: {
      id,
      requirements: [id],
      level: "MUST",
      area: "tokens",
      title: `fake ${id}`,
      specRef: "test",
      requires: [],
      ...meta,
    },
    run,
  };
}

const base = { seed: 42, timeoutMs: 500, maxWaitMs: 2000 };

/** The run's exit code for these results alone (requirements: the checks' own). */
function exitCodeOf(results: readonly CheckResult[]): 0 | 1 {
  return judged(results).exitCode;
}

function judged(results: readonly CheckResult[], opts: { allowUntested?: boolean } = {}) {
  const requirements = [...new Set(results.flatMap((r) => r.requirements))].map((id) => ({
    id,
    area: "tokens" as const,
    level: results.find((r) => r.id === id)?.level ?? ("MUST" as const),
    text: id,
    operations: [],
    source: "test",
    observable: true,
  }));
  return judgeRun({ results, requirements, scope: "test", ...opts });
}

async function run(
  opts: Omit<Parameters<typeof runChecks>[0], "seed"> & { seed?: number },
): Promise<CheckResult[]> {
  return (await runChecks({ ...base, ...opts })).results;
}

describe("engine", () => {
  it("maps outcomes to PASS / FAIL / WARN / SKIP / ERROR by level and --strict", async () => {
    const failing = async () => fail("", "x", "y");
    const checks = [
      fake(async () => {}),
      fake(failing),
      fake(failing, { level: "SHOULD" }),
      fake(failing, { level: "MAY" }),
      fake(async (ctx) => ctx.skip("no way to test this")),
      fake(async () => {
        throw new TypeError("kit bug");
      }),
    ];
    const results = await run({ target: target(), checks });
    expect(results.map((r) => r.status)).toEqual(["PASS", "FAIL", "WARN", "WARN", "SKIP", "ERROR"]);
    expect(results[1]!.requirement).toBe(checks[1]!.meta.id); // empty requirement → the check id
    expect(results[4]!.message).toBe("no way to test this");
    expect(results[5]!.message).toBe("the check threw TypeError: kit bug");
    expect(results[5]!.notes.join()).toContain("stack:");
    expect(exitCodeOf(results)).toBe(1);

    const strict = await run({ target: target(), checks, strict: true });
    expect(strict.map((r) => r.status)).toEqual(["PASS", "FAIL", "FAIL", "WARN", "SKIP", "ERROR"]);
  });

  it("a FAIL carries requirement, expected, actual, evidence and a replay command", async () => {
    const check = fake(
      async (ctx) => {
        await ctx.http.request({ method: "GET", url: "/ok" });
        const res = await ctx.http.request({ method: "GET", url: "/wrong-content-type" });
        expectStatus(res, 200, "DTP-TEST-900");
        expectJson(res, "DTP-TEST-900");
      },
      { id: "DTP-TEST-899", requirements: ["DTP-TEST-899", "DTP-TEST-900"] },
    );
    const [r] = await run({
      target: target(),
      checks: [check],
      replayCommand: (m, seed, replay) =>
        `dtp test X --only ${m.id} --seed ${seed}${replay.case ? ` --case ${replay.case}` : ""}`,
    });
    expect(r).toMatchObject({
      status: "FAIL",
      requirement: "DTP-TEST-900",
      expected: "Content-Type application/json",
      actual: 'Content-Type "text/html; charset=utf-8" (status 200)',
      evidence: [1],
      seed: 42,
      replay: `dtp test X --only ${check.meta.id} --seed 42`,
    });
    expect(r!.exchanges).toHaveLength(2);
  });

  it("transport trouble in a check is a FAIL with the exchange, within the deadline", async () => {
    const check = fake(async (ctx) => {
      await ctx.http.request({ method: "GET", url: "/hang" });
    });
    const t0 = performance.now();
    const [r] = await run({ timeoutMs: 200, target: target(), checks: [check] });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r!.status).toBe("FAIL");
    expect(r!.actual).toContain("no response within 200 ms");
    expect(r!.evidence).toEqual([0]);
    expect(r!.exchanges[0]!.error).toBeTruthy();
  });

  it("a missing feature is a SKIP with the reason; non-discovery checks need an API key", async () => {
    const checks = [
      fake(async () => {}, { requires: ["revocation"] }),
      fake(async () => {}, { area: "refresh" }),
      fake(async () => {}, { area: "discovery" }),
    ];
    const results = await run({ target: target([]), checks });
    expect(results.map((r) => r.status)).toEqual(["SKIP", "SKIP", "PASS"]);
    expect(results[0]!.message).toContain("target metadata has no revocation_endpoint");
    expect(results[1]!.message).toContain('pass --config <file> with "apiKey"');
  });

  it("fast-check failures report seed, path, shrunk counterexample and replay; replay reproduces", async () => {
    const check = fake(
      async (ctx) => {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (x) => {
            if (x >= 10)
              throw new CheckFailure({
                requirement: "DTP-TEST-950",
                expected: "x < 10",
                actual: `x = ${x}`,
              });
          }),
          ctx.fc,
        );
      },
      { id: "DTP-TEST-949", requirements: ["DTP-TEST-949", "DTP-TEST-950"], property: true },
    );
    const [r] = await run({ seed: 7, runs: 50, target: target(), checks: [check] });
    expect(r).toMatchObject({
      status: "FAIL",
      requirement: "DTP-TEST-950",
      seed: 7,
      counterexample: "[10]",
      actual: "x = 10",
    });
    expect(r!.path).toMatch(/^\d+(:\d+)*$/);
    expect(r!.replay).toBe(`dtp test --only ${check.meta.id} --seed 7 --replay-path ${r!.path}`);

    // Replaying seed + path runs the shrunk case directly.
    const seen: number[] = [];
    const replayed = fake(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (x) => {
          seen.push(x);
          if (x >= 10) throw new CheckFailure({ expected: "x < 10", actual: `x = ${x}` });
        }),
        ctx.fc,
      );
    });
    const [again] = await run({
      seed: 7,
      runs: 50,
      replayPath: r!.path!,
      target: target(),
      checks: [replayed],
    });
    expect(again!.status).toBe("FAIL");
    expect(again!.counterexample).toBe("[10]");
    expect(seen[0]).toBe(10);
  });

  it("a property that throws a non-kit error is ERROR (never a pass), with its counterexample", async () => {
    const check = fake(async (ctx) => {
      await fc.assert(
        fc.property(fc.constant(1), () => {
          throw new RangeError("oops");
        }),
        ctx.fc,
      );
    });
    const [r] = await run({ target: target(), checks: [check] });
    expect(r!.status).toBe("ERROR");
    expect(r!.counterexample).toBe("[1]");
    expect(r!.message).toContain("RangeError: oops");
  });

  it("runs at most --concurrency checks at once; waiting checks run in their own lane", async () => {
    let running = 0;
    let peak = 0;
    const busy = () =>
      fake(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 40));
        running--;
      });
    const order: string[] = [];
    const waiter = fake(
      async (ctx) => {
        await ctx.clock.sleep(300);
        order.push("waiter");
      },
      { waits: true },
    );
    const quick = Array.from({ length: 8 }, busy);
    const results = await run({
      concurrency: 2,
      target: target(),
      checks: [waiter, ...quick],
      onResult: (r) => {
        if (r.id !== waiter.meta.id) order.push("quick");
      },
    });
    expect(peak).toBe(2);
    expect(results.every((r) => r.status === "PASS")).toBe(true);
    // 8 checks of 40 ms in 2 lanes ≈ 160 ms: all done before the waiter's 300 ms sleep.
    expect(order.indexOf("waiter")).toBe(8);
    expect(results[0]!.id).toBe(waiter.meta.id); // results keep the given order
  });

  it("sleeping beyond --max-wait skips with the setting to change", async () => {
    const check = fake(
      async (ctx) => {
        expect(ctx.waitBudget()).toBe(1);
        await ctx.clock.sleep(600);
        expect(ctx.waitBudget()).toBeCloseTo(0.4);
        await ctx.clock.sleep(600);
      },
      { waits: true },
    );
    const [r] = await run({ maxWaitMs: 1000, target: target(), checks: [check] });
    expect(r!.status).toBe("SKIP");
    expect(r!.message).toContain("--max-wait");
  });

  it("a check that never finishes is stopped at its deadline as ERROR", async () => {
    const check = fake(async (ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      await ctx.http.request({ method: "GET", url: "/ok" }); // after the abort: rejected, ignored
    });
    const t0 = performance.now();
    const [r] = await run({
      checkTimeoutMs: 200,
      target: target(),
      checks: [check],
    });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(r!.status).toBe("ERROR");
    expect(r!.message).toContain("did not finish");
  });

  it("notes, messages and evidence are redacted", async () => {
    const check = fake(async (ctx) => {
      ctx.note("used the-api-key-123 to register");
      ctx.http.addSecret("very-secret-token", "access_token");
      fail("DTP-TEST-960", "no token in the URL", "saw very-secret-token in the URL");
    });
    const [r] = await run({
      target: target(),
      checks: [check],
    });
    const text = JSON.stringify(r);
    expect(text).not.toContain("very-secret-token");
    expect(text).not.toContain("the-api-key-123");
    expect(r!.notes[0]).toMatch(/^used «redacted:api_key#[0-9a-f]{4}» to register$/);
    expect(r!.actual).toMatch(/^saw «redacted:access_token#[0-9a-f]{4}» in the URL$/);
  });

  it("ctx.clientId: prefix + label + random suffix in the client_id alphabet", async () => {
    const ids: string[] = [];
    await run({
      target: target(),
      checks: [
        fake(async (ctx) => {
          ids.push(ctx.clientId("printer one"), ctx.clientId("printer one"), ctx.clientId());
        }),
      ],
    });
    expect(ids[0]).toMatch(/^dtp-kit-printer-one-[A-Za-z0-9]{8}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toMatch(/^dtp-kit-[A-Za-z0-9]{8}$/);
  });
});

describe("registry and expected failures", () => {
  const a = fake(async () => {}, {
    id: "DTP-REF-004",
    requirements: ["DTP-REF-004", "DTP-REF-005"],
    area: "refresh",
  });
  const b = fake(async () => {}, { id: "DTP-REV-001", area: "revocation" });

  it("--only/--exclude name checks, --requirement requirements; unknown names and empty selections are usage errors", () => {
    const c = fake(async () => {}, {
      id: "DTP-REF-006",
      requirements: ["DTP-REF-006", "DTP-REF-004"],
      area: "refresh",
    });
    expect(selectChecks([a, b], { areas: ["refresh"] })).toEqual([a]);
    expect(selectChecks([a, b, c], { only: ["DTP-REF-004"] })).toEqual([a]); // not c
    expect(selectChecks([a, b], { only: ["dtp-re*"] })).toEqual([a, b]);
    expect(selectChecks([a, b], { exclude: ["DTP-REF-004"] })).toEqual([b]);
    expect(selectChecks([a, b, c], { requirements: ["DTP-REF-004"] })).toEqual([a, c]);
    expect(selectChecks([a, b, c], { requirements: ["DTP-REF-005"] })).toEqual([a]);
    expect(() => selectChecks([a, b], { only: ["DTP-REF-005"] })).toThrow(
      /DTP-REF-005 is a requirement, not a check; the checks that cover it: DTP-REF-004 .*--requirement DTP-REF-005/,
    );
    expect(() => selectChecks([a, b], { exclude: ["DTP-REF-005"] })).toThrow(/not a check/);
    expect(() => selectChecks([a, b], { areas: ["nope"] })).toThrow(/unknown area "nope"/);
    expect(() => selectChecks([a, b], { only: ["DTP-XYZ-001"] })).toThrow(/matches no check/);
    expect(() => selectChecks([a, b], { only: ["DTP-REV-001"], exclude: ["DTP-REV-001"] })).toThrow(
      /keeps no check/,
    );
    expect(() => selectChecks([a, b], { areas: ["refresh"], exclude: ["DTP-REF-*"] })).toThrow(
      /selection \(refresh without DTP-REF-\*\) keeps no check/,
    );
  });

  it("rejects duplicate ids and inconsistent metadata", () => {
    expect(() => validateRegistry([a, a])).toThrow(/registered twice/);
    expect(() =>
      validateRegistry([fake(async () => {}, { id: "DTP-X-001", requirements: ["DTP-X-002"] })]),
    ).toThrow(/must include its id/);
  });

  it("expected failures excuse FAILs, flag stale PASSes, never excuse ERRORs", async () => {
    const results = await run({
      target: target(),
      checks: [
        fake(async () => fail("", "a", "b"), { id: "DTP-TEST-101" }),
        fake(async () => {}, { id: "DTP-TEST-102" }),
        fake(
          async () => {
            throw new Error("bug");
          },
          { id: "DTP-TEST-103" },
        ),
      ],
    });
    const stale = applyExpectedFailures(results, [
      { id: "DTP-TEST-101", reason: "known" },
      { id: "DTP-TEST-102", reason: "fixed already" },
    ]);
    expect(stale).toEqual(["DTP-TEST-102"]);
    expect(results[0]!.expectedFailure).toBe("known");
    expect(results[1]!.stale).toBe(true);
    expect(exitCodeOf(results)).toBe(1);
    const summary = summarize(results);
    expect(summary.expectedFailures).toBe(1);
    expect(summary.stale).toEqual(["DTP-TEST-102"]);

    // Only the excused failure: exit 0.
    expect(exitCodeOf([results[0]!])).toBe(0);
  });
});

describe("cancellation", () => {
  it("an aborted run stops waiting for running checks and never passes", async () => {
    const controller = new AbortController();
    const busy = fake(async () => {
      await new Promise((r) => setTimeout(r, 5000)); // ignores the signal
    });
    const later = fake(async () => {});
    setTimeout(() => controller.abort(), 100);
    const t0 = performance.now();
    const results = await run({
      concurrency: 1,
      target: target(),
      checks: [busy, later],
      signal: controller.signal,
    });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(results.map((r) => r.status)).toEqual(["SKIP", "SKIP"]);
    expect(results.map((r) => r.skipKind)).toEqual(["untested", "untested"]);
    expect(results[0]!.message).toBe("stopped before it finished: the run was cancelled");
    expect(results[1]!.message).toBe("not run: the run was cancelled");
    expect(
      judgeRun({ results, requirements: [], scope: "t", stoppedEarly: "cancelled" }).exitCode,
    ).toBe(1);
  });
});

describe("every failing case, one root cause", () => {
  it("ctx.case records each failing case with its own evidence and goes on; --case runs one", async () => {
    const ran: string[] = [];
    const check = fake(
      async (ctx) => {
        for (const path of ["/ok", "/wrong-content-type", "/invalid-json"]) {
          await ctx.case(`GET ${path}`, async () => {
            ran.push(path);
            expectJson(await ctx.http.request({ method: "GET", url: path }), "DTP-TEST-971");
          });
        }
      },
      { id: "DTP-TEST-970", requirements: ["DTP-TEST-970", "DTP-TEST-971"] },
    );
    const [r] = await run({ target: target(), checks: [check] });
    expect(r!.status).toBe("FAIL");
    expect(r!.completed).toBe(true);
    expect(r!.failures!.map((f) => [f.case, f.requirement, f.kind, f.evidence])).toEqual([
      ["GET /wrong-content-type", "DTP-TEST-971", "fail", [1]],
      ["GET /invalid-json", "DTP-TEST-971", "fail", [2]],
    ]);
    expect(r!.failures![1]!.replay).toBe(
      "dtp test --only DTP-TEST-970 --seed 42 --case 'GET /invalid-json'",
    );
    expect(r!.message).toContain("(and 1 more failing case)");

    ran.length = 0;
    const [one] = await run({ target: target(), checks: [check], replayCase: "GET /invalid-json" });
    expect(ran).toEqual(["/invalid-json"]);
    expect(one!.failures!.map((f) => f.case)).toEqual(["GET /invalid-json"]);
  });

  it("ctx.property records the shrunk counterexample; replaying its case and path reproduces it", async () => {
    const seen: number[] = [];
    const check = fake(
      async (ctx) => {
        await ctx.case("fixed example", async () => {});
        await ctx.property(
          "x stays small",
          fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (x) => {
            seen.push(x);
            if (x >= 10) fail("DTP-TEST-981", "x < 10", `x = ${x}`);
          }),
        );
        await ctx.property(
          "another property",
          fc.asyncProperty(fc.boolean(), async () => {}),
        );
      },
      { id: "DTP-TEST-980", requirements: ["DTP-TEST-980", "DTP-TEST-981"], property: true },
    );
    const [r] = await run({ seed: 7, runs: 50, target: target(), checks: [check] });
    const f = r!.failures![0]!;
    expect(f).toMatchObject({
      case: "x stays small",
      counterexample: "[10]",
      seed: 7,
      actual: "x = 10",
    });
    expect(f.replay).toBe(
      `dtp test --only DTP-TEST-980 --seed 7 --case 'x stays small' --replay-path ${f.path}`,
    );
    seen.length = 0;
    const [again] = await run({
      seed: 7,
      runs: 50,
      target: target(),
      checks: [check],
      replayCase: "x stays small",
      replayPath: f.path!,
    });
    expect(seen[0]).toBe(10); // the counterexample first (fast-check then tries to shrink it further)
    expect(seen.every((x) => x <= 10)).toBe(true); // the other property did not run
    expect(again!.status).toBe("FAIL");
    expect(again!.failures).toHaveLength(1);
  });

  it("a setup step failing on another check's requirement makes the check BLOCKED by it", async () => {
    const setup = fake(
      async (ctx) => {
        const res = await ctx.http.request({ method: "GET", url: "/wrong-content-type" });
        expectJson(res, "DTP-REG-001"); // owned by the registration check
      },
      { id: "DTP-TEST-990" },
    );
    const [r] = await run({ target: target(), checks: [setup] });
    expect(r!.status).toBe("BLOCKED");
    expect(r!.blockedBy).toBe("DTP-REG-001");
    expect(r!.failures![0]!.kind).toBe("blocked");
    expect(r!.message).toMatch(/^blocked by DTP-REG-001: expected/);
    const j = judged([r!]);
    expect(j.verdict.rootCauses).toEqual([
      {
        requirement: "DTP-REG-001",
        level: "MUST",
        failedChecks: [],
        blockedChecks: ["DTP-TEST-990"],
        expected: false,
      },
    ]);
    expect(j.exitCode).toBe(1);
  });

  it("ctx.notClaimed and missing metadata features are not claimed; missing config is untested", async () => {
    const results = await run({
      target: target(["api_key"]),
      checks: [
        fake(async (ctx) => ctx.notClaimed("the target declares the policy off")),
        fake(async (ctx) => ctx.skip('needs a user: add "user" to the config')),
        fake(async () => {}, { requires: ["revocation"] }), // metadata lacks it
        fake(async () => {}, { requires: ["admin"] }), // config lacks it
      ],
    });
    expect(results.map((r) => r.skipKind)).toEqual([
      "not-claimed",
      "untested",
      "not-claimed",
      "untested",
    ]);
  });

  it("--max-failures stops the run: the rest is untested and the verdict says so", async () => {
    const failing = () => fake(async () => fail("", "x", "y"));
    const { results, stoppedEarly } = await runChecks({
      ...base,
      concurrency: 1,
      maxFailures: 2,
      target: target(),
      checks: [failing(), fake(async () => {}), failing(), failing(), fake(async () => {})],
    });
    expect(results.map((r) => r.status)).toEqual(["FAIL", "PASS", "FAIL", "SKIP", "SKIP"]);
    expect(results[3]!.message).toBe("not run: stopped after 2 failed checks (--max-failures 2)");
    expect(stoppedEarly).toBe("stopped after 2 failed checks (--max-failures 2)");
  });
});
