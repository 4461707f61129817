/**
 * The kit against an independent OAuth server: the OAuth profile (`--profile oauth`) run
 * against oidc-provider (test/fixtures/oidc-provider). Every result is explained: a PASS, a
 * FAIL that is a documented deviation of the peer from an RFC (the exact set, with the
 * failing requirement and message), or a SKIP with its reason. A change on either side (a
 * kit check, the peer's version) shows up here. Findings: docs/interop.md.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../../src/runner/run.ts";
import type { RunReport } from "../../src/runner/types.ts";
import { type OidcPeer, startOidcPeer } from "../fixtures/oidc-provider/server.ts";
import {
  INTEROP_SEED,
  PEER_DEVIATIONS,
  PEER_SKIPS,
  PEER_WARNINGS,
} from "./oidc-provider.expectations.ts";

const DTP_EXTENSION = /^DTP extension, not part of the OAuth profile \(.+\)$/;

describe("the OAuth profile against oidc-provider", () => {
  let peer: OidcPeer;
  let report: RunReport;

  beforeAll(async () => {
    peer = await startOidcPeer();
    report = await runConformance({
      url: peer.url,
      profile: "oauth",
      config: peer.config,
      seed: INTEROP_SEED,
      maxWaitMs: 60_000,
    });
    const s = report.summary.byStatus;
    console.log(
      `oidc-provider, OAuth profile: ${s.PASS} PASS, ${s.FAIL} FAIL, ${s.SKIP} SKIP (${s.WARN} WARN, ${s.ERROR} ERROR) in ${(report.durationMs / 1000).toFixed(1)} s, seed ${INTEROP_SEED}`,
    );
  }, 90_000);

  afterAll(async () => {
    await peer?.close();
  });

  it("runs the profile: the target is the peer, DTP features absent", () => {
    expect(report.options.profile).toBe("oauth");
    expect(report.target.features).not.toContain("dtp");
    expect(report.target.features).toEqual(
      expect.arrayContaining([
        "device_code",
        "refresh_token",
        "revocation",
        "introspection",
        "dpop",
        "client_credentials",
        "resource",
        "admin",
        "api_key",
      ]),
    );
  });

  it("has no ERROR", () => {
    const bad = report.results
      .filter((r) => r.status === "ERROR")
      .map((r) => `${r.id} ${r.status}: ${r.message}`);
    expect(bad).toEqual([]);
  });

  it("warns exactly on the documented deviations from RFC SHOULDs", () => {
    const warned = report.results.filter((r) => r.status === "WARN");
    expect(
      warned.map((r) => r.id).sort(),
      warned.map((r) => `${r.id}: ${r.message}`).join("\n"),
    ).toEqual(Object.keys(PEER_WARNINGS).sort());
    for (const r of warned) {
      const d = PEER_WARNINGS[r.id]!;
      expect(r.requirement, r.id).toBe(d.requirement);
      expect(r.message, r.id).toMatch(d.message);
    }
  });

  it("fails exactly the documented RFC deviations of the peer", () => {
    const failed = report.results.filter((r) => r.status === "FAIL");
    expect(failed.map((r) => r.id).sort()).toEqual(Object.keys(PEER_DEVIATIONS).sort());
    for (const r of failed) {
      const d = PEER_DEVIATIONS[r.id]!;
      expect(r.requirement, r.id).toBe(d.requirement);
      expect(r.message, r.id).toMatch(d.message);
    }
  });

  it("skips only DTP extensions and the documented cases, each with its reason", () => {
    const skipped = report.results.filter((r) => r.status === "SKIP");
    const other = skipped.filter((r) => !DTP_EXTENSION.test(r.message ?? ""));
    expect(other.map((r) => r.id).sort()).toEqual(Object.keys(PEER_SKIPS).sort());
    for (const r of other) expect(r.message, r.id).toMatch(PEER_SKIPS[r.id]!.message);
  });

  it("passes everything else", () => {
    const explained = new Set([
      ...Object.keys(PEER_DEVIATIONS),
      ...Object.keys(PEER_WARNINGS),
      ...Object.keys(PEER_SKIPS),
    ]);
    const unexplained = report.results
      .filter((r) => r.status !== "PASS" && !explained.has(r.id))
      .filter((r) => !(r.status === "SKIP" && DTP_EXTENSION.test(r.message ?? "")))
      .map((r) => `${r.id} ${r.status}: ${r.message}`);
    expect(unexplained).toEqual([]);
    expect(report.summary.byStatus.PASS).toBeGreaterThanOrEqual(25);
  });
});
