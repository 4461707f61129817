/**
 * A self-contained HTML report: one file, inline CSS and JS, no external resources.
 *
 * The verdict first: the verdict line, the requirement coverage (counts per level and state),
 * the root causes with the checks they blocked, the untested requirements with what would
 * enable them, the not-claimed ones. Then the checks, failures and blocked checks first,
 * with filters by status, area, stale expected failures and a text search; each check
 * expands (`<details>`) to every failing case (requirement, expected vs actual,
 * counterexample, replay command, curl script), its notes and transcript (JSON bodies
 * pretty-printed). Every piece of text from the run is escaped with escape-html.
 */
import escapeHtml from "escape-html";
import type { Status } from "../check/check.ts";
import { formatDuration } from "../config/duration.ts";
import { STATUSES } from "../runner/summary.ts";
import type { CheckResult, RequirementCoverage, RunReport } from "../runner/types.ts";
import { runNotesHtml } from "./run-notes.ts";
import { exchangeLine, formatExchange, summaryLines } from "./transcript.ts";

const e = (s: unknown): string => escapeHtml(String(s));

/** Report order: what needs attention first. */
const ORDER: Record<Status, number> = { FAIL: 0, ERROR: 1, BLOCKED: 2, WARN: 3, SKIP: 5, PASS: 6 };
const rank = (r: CheckResult) => (r.stale ? 4 : ORDER[r.status]);

export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const areas = [...new Set(report.results.map((r) => r.area))];
  const v = report.verdict;
  const word =
    v.verdict === "CONFORMANT" ? "ok" : v.verdict === "INCOMPLETE" ? "incomplete" : "bad";
  const ordered = [...report.results].sort((a, b) => rank(a) - rank(b));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DTP conformance: ${e(report.target.baseUrl)} — ${e(v.verdict)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>DTP conformance report <span class="verdict ${word}">${e(v.verdict)}</span></h1>
  <p class="line">${e(v.line)} · exit ${report.exitCode}</p>
  <dl class="meta">
    <dt>target</dt><dd>${e(report.target.baseUrl)}${report.target.embedded ? " (embedded reference server)" : ""}</dd>
    <dt>started</dt><dd>${e(report.startedAt)} (${e(formatDuration(report.durationMs))})</dd>
    <dt>seed</dt><dd>${e(report.options.seed)} · runs ${e(report.options.runs)} · max-wait ${e(formatDuration(report.options.maxWaitMs))} · timeout ${e(formatDuration(report.options.timeoutMs))}${report.options.strict ? " · strict" : ""}${report.options.profile ? ` · profile ${e(report.options.profile)}` : ""}</dd>
    <dt>features</dt><dd>${e(report.target.features.join(", ") || "none")}</dd>
    <dt>tool</dt><dd>${e(report.tool.name)} ${e(report.tool.version)}</dd>
  </dl>
${runNotesHtml(report)}</header>
${coverageHtml(report)}
<h2>Checks</h2>
<p class="counts">${STATUSES.map((st) => `<span class="badge ${st}">${s.byStatus[st]} ${st}</span>`).join(" ")}${s.expectedFailures ? ` <span class="badge">${s.expectedFailures} expected failures</span>` : ""}${s.stale.length ? ` <span class="badge FAIL">${s.stale.length} stale</span>` : ""}</p>
<nav id="filters">
  <fieldset><legend>status</legend>${STATUSES.map((st) => `<label><input type="checkbox" name="status" value="${st}" checked> ${st} (${s.byStatus[st]})</label>`).join("")}</fieldset>
  <fieldset><legend>expected failures</legend><label><input type="checkbox" id="stale"> only stale (${s.stale.length})</label></fieldset>
  <fieldset><legend>area</legend><select id="area"><option value="">all areas</option>${areas.map((a) => `<option value="${e(a)}">${e(a)}</option>`).join("")}</select></fieldset>
  <fieldset><legend>search</legend><input type="search" id="q" placeholder="id, title, message"></fieldset>
  <span id="shown"></span>
</nav>
<main>
${ordered.map(checkHtml).join("\n")}
</main>
${discoveryHtml(report)}
<script>${JS}</script>
</body>
</html>
`;
}

function coverageHtml(report: RunReport): string {
  const cov = report.coverage;
  const v = report.verdict;
  const levels = (["MUST", "SHOULD", "MAY"] as const).filter((l) =>
    Object.values(cov.counts[l]).some((n) => n > 0),
  );
  const rows = levels
    .map(
      (l) =>
        `<tr><th>${l}</th>${(["passed", "failed", "not-claimed", "untested"] as const).map((st) => `<td class="n ${st}">${cov.counts[l][st]}</td>`).join("")}</tr>`,
    )
    .join("");
  const causes = v.rootCauses.length
    ? `<h3>Root causes (${v.rootCauses.length})</h3><ul class="causes">${v.rootCauses
        .map(
          (c) =>
            `<li><code>${e(c.requirement)}</code> <span class="level">${e(c.level)}</span>${c.expected ? ' <span class="badge">expected</span>' : ""}${c.failedChecks.length ? ` — failed: ${c.failedChecks.map((id) => `<a href="#${e(id)}">${e(id)}</a>`).join(", ")}` : ""}${c.blockedChecks.length ? ` — blocked: ${c.blockedChecks.map((id) => `<a href="#${e(id)}">${e(id)}</a>`).join(", ")}` : ""}</li>`,
        )
        .join("")}</ul>`
    : "";
  const grouped = (title: string, list: RequirementCoverage[], open: boolean) => {
    if (!list.length) return "";
    const byReason = new Map<string, string[]>();
    for (const r of list)
      byReason.set(r.reason ?? "", [...(byReason.get(r.reason ?? "") ?? []), r.id]);
    return `<details${open ? " open" : ""}><summary><h3>${e(title)} (${list.length})</h3></summary><ul>${[
      ...byReason,
    ]
      .map(([why, ids]) => `<li>${e(why)}<br><code>${ids.map(e).join(", ")}</code></li>`)
      .join("")}</ul></details>`;
  };
  const out = cov.outOfScope;
  return `<section class="coverage">
<h2>Requirements in scope <span class="muted">(${e(cov.scope)})</span></h2>
<table class="cov"><tr><th></th><th>passed</th><th>failed</th><th>not claimed</th><th>untested</th></tr>${rows}</table>
<p class="muted">${cov.mustInScope} of ${cov.mustTotal} MUST requirements in scope; not judged: ${out.notSelected} not selected, ${out.outOfProfile} outside the profile, ${out.unobservable} not observable over HTTP${v.stoppedEarly ? ` · ${e(v.stoppedEarly)}` : ""}</p>
${causes}
${grouped(
  "Untested MUST requirements, by what would enable them",
  cov.requirements.filter((r) => r.state === "untested" && r.level === "MUST"),
  true,
)}
${grouped(
  "Not claimed by the target",
  cov.requirements.filter((r) => r.state === "not-claimed"),
  false,
)}
</section>`;
}

function checkHtml(r: CheckResult): string {
  const rows: [string, string][] = [];
  rows.push(["requirements", r.requirements.join(", ")]);
  rows.push(["spec", r.specRef]);
  if (!r.failures?.length && r.message !== undefined) rows.push(["message", r.message]);
  if (r.expectedFailure !== undefined) rows.push(["expected failure", r.expectedFailure]);
  if (r.stale)
    rows.push(["stale", "listed as an expected failure but passes: remove it from the list"]);
  if (r.status === "ERROR" && r.counterexample) rows.push(["counterexample", r.counterexample]);
  for (const n of r.notes) rows.push(["note", n]);
  const failures = (r.failures ?? [])
    .map((f, i, all) => {
      const fr: [string, string][] = [];
      if (f.case) fr.push(["case", f.case]);
      fr.push([f.kind === "blocked" ? "blocked by" : "requirement", f.requirement]);
      fr.push(["expected", f.expected]);
      fr.push(["actual", f.actual]);
      if (f.counterexample) fr.push(["counterexample", f.counterexample]);
      if (f.seed !== undefined) fr.push(["seed", `${f.seed}${f.path ? `  path ${f.path}` : ""}`]);
      return `<div class="failure"><h4>${all.length > 1 ? `Failing case ${i + 1} of ${all.length}` : "Failure"}</h4><table>${fr.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join("")}<tr><th>replay</th><td><code class="replay">${e(f.replay)}</code></td></tr></table>${f.curl ? `<details><summary>curl script</summary><pre>${e(f.curl)}</pre></details>` : ""}</div>`;
    })
    .join("");
  const evidence = new Set(r.evidence ?? []);
  const transcript = r.exchangeSummary?.length
    ? `<h4>Exchanges (${r.omittedExchanges ?? 0}, summarized)</h4><pre>${e(summaryLines(r.exchangeSummary).join("\n"))}</pre>`
    : r.exchanges.length
      ? `<h4>Transcript (${r.exchanges.length}${r.omittedExchanges ? ` of ${r.exchanges.length + r.omittedExchanges}` : ""} exchanges)</h4>
${r.exchanges
  .map(
    (x) =>
      `<details class="exchange${evidence.has(x.index) ? " evidence" : ""}"${evidence.has(x.index) ? " open" : ""}><summary>${e(exchangeLine(x))}${evidence.has(x.index) ? ' <b class="ev">evidence</b>' : ""}</summary><pre>${e(formatExchange(x))}</pre></details>`,
  )
  .join("\n")}`
      : `<p class="muted">no HTTP exchanges</p>`;
  const search = [r.id, r.title, r.message ?? "", r.area].join(" ").toLowerCase();
  const open = r.status === "FAIL" || r.status === "ERROR" || r.stale;
  return `<details class="check" id="${e(r.id)}" data-status="${r.status}" data-area="${e(r.area)}" data-stale="${r.stale ? 1 : 0}" data-search="${e(search)}"${open ? " open" : ""}>
<summary><span class="badge ${r.status}">${r.status}</span> <code>${e(r.id)}</code> <span class="level">${e(r.level)}</span> ${e(r.title)} <span class="muted">${e(r.area)} · ${e(formatDuration(r.durationMs))}</span>${r.expectedFailure !== undefined ? ' <span class="badge">expected</span>' : ""}${r.stale ? ' <span class="badge STALE">STALE expected failure</span>' : ""}${r.blockedBy ? ` <span class="muted">blocked by ${e(r.blockedBy)}</span>` : ""}</summary>
<table>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join("")}${!r.failures?.length && r.replay ? `<tr><th>replay</th><td><code class="replay">${e(r.replay)}</code></td></tr>` : ""}</table>
${failures}
${transcript}
</details>`;
}

function discoveryHtml(report: RunReport): string {
  return `<section class="discovery"><h2>Discovery</h2>
${report.discovery.map((x) => `<details class="exchange"><summary>${e(exchangeLine(x))}</summary><pre>${e(formatExchange(x))}</pre></details>`).join("\n")}
<details><summary>metadata</summary><pre>${e(JSON.stringify(report.target.metadata, null, 2))}</pre></details>
</section>`;
}

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--error:#8250df;font-family:system-ui,sans-serif;font-size:14px}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1f2328}
h1{font-size:1.4rem}.verdict{font-size:1rem;padding:.15rem .5rem;border-radius:4px;color:#fff}
.verdict.ok{background:var(--pass)}.verdict.bad{background:var(--fail)}.verdict.incomplete{background:var(--warn)}
p.line{font-weight:600}table.cov td.n{text-align:right;padding:0 .8rem}td.failed{color:var(--fail)}td.untested{color:var(--warn)}
.badge.BLOCKED{background:var(--warn);color:#fff}.badge.STALE{background:var(--fail);color:#fff;font-size:.9rem}
div.failure{border-left:3px solid var(--fail);padding-left:.6rem;margin:.5rem 0}div.exchange.line{font-family:ui-monospace,monospace;font-size:.8rem;margin-left:1rem}
section.coverage details>summary h3{display:inline}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;margin:0}dl.meta dt{color:#6e7781}dl.meta dd{margin:0}
.badge{display:inline-block;min-width:3.2rem;text-align:center;padding:.05rem .4rem;border-radius:3px;background:#eaeef2;font-size:.8rem;font-weight:600}
.badge.PASS{background:var(--pass);color:#fff}.badge.FAIL{background:var(--fail);color:#fff}.badge.WARN{background:var(--warn);color:#fff}
.badge.SKIP{background:var(--skip);color:#fff}.badge.ERROR{background:var(--error);color:#fff}
nav{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #d0d7de;display:flex;gap:1rem;flex-wrap:wrap;align-items:center;z-index:1}
fieldset{border:1px solid #d0d7de;border-radius:4px;padding:.2rem .5rem}legend{font-size:.75rem;color:#6e7781}label{margin-right:.6rem}
details.check{border:1px solid #d0d7de;border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}
details.check>summary{cursor:pointer}.level{font-size:.75rem;color:#6e7781}.muted{color:#6e7781}
table{border-collapse:collapse;margin:.5rem 0}th{text-align:left;vertical-align:top;padding:.15rem .8rem .15rem 0;color:#6e7781;font-weight:500;white-space:nowrap}td{white-space:pre-wrap;word-break:break-word}
details.exchange{margin:.2rem 0 .2rem 1rem}details.exchange>summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:.8rem}
details.evidence>summary{color:var(--fail)}b.ev{font-size:.7rem}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
code.replay{user-select:all;background:#f6f8fa;padding:.1rem .3rem}
`;

const JS = `
(function(){
  var checks=[].slice.call(document.querySelectorAll('details.check'));
  var boxes=[].slice.call(document.querySelectorAll('input[name=status]'));
  var area=document.getElementById('area'),q=document.getElementById('q'),shown=document.getElementById('shown'),stale=document.getElementById('stale');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked});
    var a=area.value,t=q.value.trim().toLowerCase(),n=0;
    checks.forEach(function(c){
      var ok=on[c.dataset.status]&&(!a||c.dataset.area===a)&&(!t||c.dataset.search.indexOf(t)>=0)&&(!stale.checked||c.dataset.stale==='1');
      c.hidden=!ok;if(ok)n++;
    });
    shown.textContent=n+' of '+checks.length+' checks shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply)});
  area.addEventListener('change',apply);q.addEventListener('input',apply);stale.addEventListener('change',apply);apply();
})();
`;
