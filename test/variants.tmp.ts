import { startOidcPeer } from "./fixtures/oidc-provider/server.ts";
import { startBetterAuthPeer } from "./fixtures/better-auth/server.ts";
import { runConformance } from "../src/runner/run.ts";
const which = process.argv.slice(2);
for (const v of ["better-auth", "public-only", "no-dpop", "no-rotation", "base"] as const) {
  if (which.length && !which.includes(v)) continue;
  const peer = v === "better-auth" ? await startBetterAuthPeer() : await startOidcPeer({ variant: v });
  const report = await runConformance({ url: peer.url, profile: "oauth", config: peer.config, seed: 20261122, maxWaitMs: 60000 });
  console.log(`\n=== ${v} ${(report.durationMs/1000).toFixed(1)}s ${report.verdict.line ?? ""}`);
  for (const r of report.results) if (!["PASS"].includes(r.status) && !(r.status === "SKIP" && /DTP extension/.test(r.message ?? ""))) console.log(r.status, r.id, (r.blockedBy ?? r.requirement), (r.message ?? "").slice(0, 230));
  await peer.close();
}
