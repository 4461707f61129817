/**
 * The OAuth profile against better-auth and the oidc-provider variants (test/interop/peers.ts):
 * exactly the documented FAILs and WARNs (deviations from RFC SHOULDs), the documented BLOCKED
 * checks under their root cause, no ERROR, and the documented verdict. A FAIL the kit causes is a kit bug.
 */
import { describe, expect, it } from "vitest";
import { runConformance } from "../../src/runner/run.ts";
import { INTEROP_SEED } from "./oidc-provider.expectations.ts";
import { PEER_RUNS } from "./peers.ts";

describe.each(PEER_RUNS)("the OAuth profile against $name", (peerRun) => {
  it("fails exactly the peer's documented deviations, blocks only under them", async () => {
    const peer = await peerRun.start();
    try {
      const report = await runConformance({
        url: peer.url,
        profile: "oauth",
        config: peer.config,
        seed: INTEROP_SEED,
        maxWaitMs: 60_000,
      });
      const s = report.summary.byStatus;
      console.log(
        `${peerRun.name}: ${s.PASS} PASS, ${s.FAIL} FAIL, ${s.BLOCKED} BLOCKED, ${s.SKIP} SKIP — ${report.verdict.line}`,
      );
      const failed = report.results.filter((r) => r.status === "FAIL");
      expect(failed.map((r) => r.id).sort()).toEqual(Object.keys(peerRun.deviations).sort());
      for (const r of failed) {
        const d = peerRun.deviations[r.id]!;
        expect(r.requirement, r.id).toBe(d.requirement);
        expect(r.message, r.id).toMatch(d.message);
      }
      const blocked = Object.fromEntries(
        report.results.filter((r) => r.status === "BLOCKED").map((r) => [r.id, r.blockedBy]),
      );
      expect(blocked).toEqual(peerRun.blocked);
      expect(report.results.filter((r) => r.status === "ERROR").map((r) => r.id)).toEqual([]);
      const warned = report.results.filter((r) => r.status === "WARN");
      expect(
        warned.map((r) => r.id).sort(),
        warned.map((r) => `${r.id}: ${r.message}`).join("\n"),
      ).toEqual(Object.keys(peerRun.warnings).sort());
      for (const r of warned) {
        const d = peerRun.warnings[r.id]!;
        expect(r.requirement, r.id).toBe(d.requirement);
        expect(r.message, r.id).toMatch(d.message);
      }
      expect(report.verdict.line).toContain(peerRun.verdict);
    } finally {
      await peer.close();
    }
  }, 120_000);
});
