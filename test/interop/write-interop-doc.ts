/**
 * Writes docs/interop.md from two live runs: the whole suite against the embedded reference
 * server (DTP profile, the CI seed) and the OAuth profile against the oidc-provider peer
 * (the interop seed). Explanations come from src/runner/profiles.ts and
 * oidc-provider.expectations.ts; the doc says which versions and seeds produced it.
 *
 *   node_modules/.bin/node test/interop/write-interop-doc.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/paths.ts";
import { OAUTH_PROFILE } from "../../src/runner/profiles.ts";
import { runConformance } from "../../src/runner/run.ts";
import type { CheckResult, RunReport } from "../../src/runner/types.ts";
import { startOidcPeer } from "../fixtures/oidc-provider/server.ts";
import { REFERENCE_RUN } from "../suites/reference-run.ts";
import {
  INTEROP_SEED,
  PEER_DEVIATIONS,
  PEER_SKIPS,
  PEER_WARNINGS,
} from "./oidc-provider.expectations.ts";
import { PEER_RUNS } from "./peers.ts";

const root = packageRoot();
const version = (pkg: string): string =>
  (
    JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
const counts = (r: RunReport): string => {
  const s = r.summary.byStatus;
  return `${s.PASS} PASS, ${s.FAIL} FAIL, ${s.SKIP} SKIP, ${s.WARN} WARN, ${s.ERROR} ERROR`;
};

console.log("running the whole suite against the embedded reference server…");
const reference = await runConformance(REFERENCE_RUN);
console.log(`reference server: ${counts(reference)}`);
console.log("running the OAuth profile against oidc-provider…");
const peer = await startOidcPeer();
let oauth: RunReport;
try {
  oauth = await runConformance({
    url: peer.url,
    profile: "oauth",
    config: peer.config,
    seed: INTEROP_SEED,
    maxWaitMs: 60_000,
  });
} finally {
  await peer.close();
}
console.log(`oidc-provider: ${counts(oauth)}`);

const more: string[] = [];
for (const run of PEER_RUNS) {
  console.log(`running the OAuth profile against ${run.name}…`);
  const p = await run.start();
  let r: RunReport;
  try {
    r = await runConformance({
      url: p.url,
      profile: "oauth",
      config: p.config,
      seed: INTEROP_SEED,
      maxWaitMs: 60_000,
    });
  } finally {
    await p.close();
  }
  const s = r.summary.byStatus;
  const fails = Object.entries(run.deviations).map(
    ([id, d]) => `  - **${id}** (${d.requirement}) — ${d.rfc}: ${d.finding}.`,
  );
  const warns = Object.entries(run.warnings).map(
    ([id, d]) => `  - **${id}** (${d.requirement}, SHOULD) — ${d.rfc}: ${d.finding}.`,
  );
  const blockedBy = [...new Set(Object.values(run.blocked))];
  more.push(
    [
      `### ${run.name}`,
      "",
      `${run.what}. ${s.PASS} PASS, ${s.FAIL} FAIL, ${s.BLOCKED} BLOCKED, ${s.SKIP} SKIP, ${s.WARN} WARN, ${s.ERROR} ERROR in ${(r.durationMs / 1000).toFixed(0)} s.`,
      "",
      `Verdict: \`${r.verdict.line}\``,
      "",
      "FAILs (each a deviation of the peer):",
      "",
      ...fails,
      ...(warns.length ? ["", "WARNs (each a deviation from an RFC SHOULD):", "", ...warns] : []),
      ...(blockedBy.length
        ? [
            "",
            `BLOCKED: ${Object.keys(run.blocked).join(", ")} — each stopped by ${blockedBy.join(", ")} (one root cause, not a FAIL of their own requirements).`,
          ]
        : []),
    ].join("\n"),
  );
}

const refById = new Map(reference.results.map((r) => [r.id, r]));
const inProfile = oauth.results.filter((r) => OAUTH_PROFILE[r.id]?.oauth);
const outOfProfile = oauth.results.length - inProfile.length;
const peerCounts = { PASS: 0, FAIL: 0, SKIP: 0, WARN: 0, BLOCKED: 0, ERROR: 0 };
for (const r of oauth.results) peerCounts[r.status]++;

function refCell(id: string): string {
  const r = refById.get(id);
  if (!r) return "—";
  if (r.status === "SKIP") return "SKIP¹";
  return r.status;
}

function explain(r: CheckResult): string {
  const entry = OAUTH_PROFILE[r.id];
  if (r.status === "FAIL") {
    const d = PEER_DEVIATIONS[r.id];
    return d
      ? `**Peer deviation, ${d.rfc}** (${d.requirement}): ${d.finding}.`
      : `unexplained FAIL: ${r.message ?? ""}`;
  }
  if (r.status === "SKIP") {
    if (!entry?.oauth) return `DTP extension: ${entry?.why ?? "not listed"}.`;
    return PEER_SKIPS[r.id]?.reason ?? r.message ?? "";
  }
  if (r.status === "WARN") {
    const d = PEER_WARNINGS[r.id];
    return d
      ? `**Peer deviation from a SHOULD, ${d.rfc}** (${d.requirement}): ${d.finding}.`
      : `unexplained WARN: ${r.message ?? ""}`;
  }
  if (r.status === "PASS") return `${entry?.why ?? ""}.`;
  return `${r.status}: ${r.message ?? ""}`;
}

const rows = oauth.results
  .filter((r) => OAUTH_PROFILE[r.id]?.oauth)
  .map(
    (r) =>
      `| ${r.id} | ${cell(r.title)} | ${refCell(r.id)} | ${r.status === "FAIL" ? "**FAIL**" : r.status} | ${cell(explain(r))} |`,
  );
const dtpRows = oauth.results
  .filter((r) => !OAUTH_PROFILE[r.id]?.oauth)
  .map((r) => `| ${r.id} | ${refCell(r.id)} | ${cell(OAUTH_PROFILE[r.id]?.why ?? "")} |`);

const deviations = Object.entries(PEER_DEVIATIONS).map(
  ([id, d]) => `- **${id}** (${d.requirement}) — ${d.rfc}: ${d.finding}.`,
);
const warnings = Object.entries(PEER_WARNINGS).map(
  ([id, d]) => `- **${id}** (${d.requirement}, SHOULD) — ${d.rfc}: ${d.finding}.`,
);

const doc = `# Interoperability

"Runs against any implementation" is shown here, in both directions:

- **the kit against an independent server**: the kit's OAuth profile (\`dtp test --profile oauth\`)
  against [oidc-provider](https://github.com/panva/node-oidc-provider) ${version("oidc-provider")},
  configured as a plain OAuth server in \`test/fixtures/oidc-provider/\`
  (\`test/interop/oidc-provider.test.ts\`);
- **the reference server against an independent client**:
  [openid-client](https://github.com/panva/openid-client) ${version("openid-client")} runs the
  device authorization grant, polling, refresh, revocation, introspection and DPoP against the
  reference server (\`test/interop/openid-client.test.ts\`).

Both run in CI with \`npm test\`. This page was generated from one run of each side by
\`node_modules/.bin/node test/interop/write-interop-doc.ts\` on ${new Date().toISOString().slice(0, 10)}
(reference server: seed ${reference.options.seed}, ${(reference.durationMs / 1000).toFixed(0)} s;
oidc-provider: seed ${INTEROP_SEED}, ${(oauth.durationMs / 1000).toFixed(0)} s).

## Results

| target | profile | checks | PASS | FAIL | SKIP | WARN | ERROR |
|---|---|---|---|---|---|---|---|
| reference server (embedded, short lifetimes) | dtp (all checks) | ${reference.results.length} | ${reference.summary.byStatus.PASS} | ${reference.summary.byStatus.FAIL} | ${reference.summary.byStatus.SKIP}¹ | ${reference.summary.byStatus.WARN} | ${reference.summary.byStatus.ERROR} |
| oidc-provider ${version("oidc-provider")} | oauth | ${oauth.results.length} (${inProfile.length} in the profile) | ${peerCounts.PASS} | ${peerCounts.FAIL} | ${peerCounts.SKIP} (${outOfProfile} DTP extensions) | ${peerCounts.WARN} | ${peerCounts.ERROR} |

¹ The reference server's SKIPs are checks of declared behaviour the default configuration
does not exercise (no required DPoP nonce, a refresh reuse grace period, the login
policies turned on, the opt-in rate-limit check); CI runs them against a second,
differently configured reference server, where they pass (\`test/suites/reference-server.test.ts\`).

openid-client → reference server: every step succeeds — RFC 8414 discovery (issuer checked),
the device authorization request with DTP's registration fields passed as additional
parameters, polling (\`authorization_pending\` until the admin API approves, then tokens),
the resource, refresh with rotation, reuse of a rotated refresh token (\`invalid_grant\`, family
revoked), revocation (RFC 7009, also of unknown tokens), introspection, a denial
(\`access_denied\` ends the polling), a wrong client secret (401 \`invalid_client\` with a Basic
challenge) and DPoP with a registered RSA key (openid-client's DPoP handle, the server nonce
retried, \`cnf.jkt\` = the key's thumbprint).

## Deviations of the peer from the RFCs (the FAILs)

The interop test asserts exactly this set (check, failing requirement, message), so that a
change on either side is noticed. Property checks stop at their first (shrunk) counterexample:
a FAIL names one deviation, not all of them.

${deviations.join("\n")}

## Deviations of the peer from RFC SHOULDs (the WARNs)

A WARN does not make a run NOT CONFORMANT (only \`--strict\` judges SHOULDs); the interop
test asserts exactly this set too.

${warnings.length ? warnings.join("\n") : "None."}

## More peers and variants

\`test/interop/peers.test.ts\` runs the OAuth profile against these too and asserts exactly
these FAILs, BLOCKED checks and verdicts (\`test/interop/peers.ts\`); clients come from the
metadata (\`token_endpoint_auth_methods_supported\`) and the config's \`oauth.clients\`.

${more.join("\n\n")}

Not found yet: better-auth's error format (\`{"code": "VALIDATION_ERROR"}\` instead of RFC 6749
§5.2 JSON) is only reachable through requests the 415 blocks (the checks that judge error
format start with a token request); it is shown by \`test/interop/better-auth-fixture.test.ts\`.

## How the kit acts as a plain OAuth client

The OAuth profile selects, per check, what holds for any standard OAuth server
(\`src/runner/profiles.ts\`, one line per check with the reason); within it the target's
metadata still selects (a missing feature is a SKIP). The kit then acts as an ordinary client:

- clients are pre-registered (config \`oauth.clients\`): \`ctx.clientId()\` hands out the
  client_secret_basic / _post clients in turn, each with its own secret and registered
  method; a "registration" is a plain RFC 8628 device authorization request (client_id,
  \`oauth.scope\`) without DTP's client_type, response_type, description, state or key;
- approval is the config's \`command\` or \`webhook\` (the fixture has a test-only webhook that
  approves a pending device code for a user, as its browser pages would);
- a "keyed device" of the DPoP checks is the public client (\`authMethod: "none"\`), whose
  refresh tokens RFC 9449 §5 binds to the DPoP key, and its key kind comes from
  \`dpop_signing_alg_values_supported\` (the peer offers ES256 and EdDSA, not RSA);
- client assertions (RFC 7523) use the \`private_key_jwt\` client and its key (the profile
  overrides those checks' \`requires\`; their \`meta\` is DTP's);
- the protected resource is \`oauth.resourceUrl\` (here the userinfo endpoint);
- where an RFC leaves the answer open and DTP picked one, a target without DTP metadata may
  give any RFC answer: the Basic realm, the error for a replayed DPoP proof (RFC 9449 §11.1)
  or a missing one (RFC 6750 §3.1 \`invalid_request\`), a bound token sent as Bearer with a
  proof, a refused revocation of another client's token (RFC 7009 §2.1), polls after
  \`access_denied\` (RFC 8628 §3.5), leeway on the server's own tokens (RFC 7519 §4.1.4), a
  malformed Basic header (\`invalid_request\`), repeated unrecognized parameters (§3.1: ignored).

Kit bugs the peer exposed, fixed before the findings above were accepted: checks built HTTP
Basic from the API key instead of the client's own secret; DPoP checks used RSA keys the
target does not declare; a confidential client's refresh tokens were expected to be
DPoP-bound (RFC 9449 §5 binds only public clients'); service-token helpers registered DTP
server devices; \`realm="dtp"\`, \`dtp_kind\`, the admin bearer and DTP's error choices were
asserted of a non-DTP server.

## Check by check

Checks of the OAuth profile: result on the reference server (DTP profile, all checks) and on
the peer (OAuth profile).

| check | title | reference server | oidc-provider | explanation |
|---|---|---|---|---|
${rows.join("\n")}

Checks outside the OAuth profile (SKIPPED on the peer: "DTP extension, not part of the OAuth
profile"):

| check | reference server | why it is DTP-only |
|---|---|---|
${dtpRows.join("\n")}
`;

writeFileSync(join(root, "docs", "interop.md"), doc);
console.log("wrote docs/interop.md");
