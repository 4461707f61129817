/**
 * A self-contained HTML report: one file, inline CSS and JS, no external resources.
 * Filters by status and area and a text search; each check expands (`<details>`) to show
 * its requirement, expected vs actual, seed and replay command, notes and full transcript.
 * Every piece of text from the run is escaped with escape-html.
 */
import escapeHtml from "escape-html";
import { formatDuration } from "../config/duration.ts";
import { STATUSES } from "../runner/summary.ts";
import type { CheckResult, RunReport } from "../runner/types.ts";
import { runNotesHtml } from "./run-notes.ts";
import { exchangeLine, formatExchange } from "./transcript.ts";

const e = (s: unknown): string => escapeHtml(String(s));

export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const areas = [...new Set(report.results.map((r) => r.area))];
  const verdict = report.exitCode === 0 ? "CONFORMANT" : "NOT CONFORMANT";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DTP conformance: ${e(report.target.baseUrl)} — ${verdict}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>DTP conformance report <span class="verdict ${report.exitCode === 0 ? "ok" : "bad"}">${verdict}</span></h1>
  <dl class="meta">
    <dt>target</dt><dd>${e(report.target.baseUrl)}${report.target.embedded ? " (embedded reference server)" : ""}</dd>
    <dt>started</dt><dd>${e(report.startedAt)} (${e(formatDuration(report.durationMs))})</dd>
    <dt>seed</dt><dd>${e(report.options.seed)} · runs ${e(report.options.runs)} · max-wait ${e(formatDuration(report.options.maxWaitMs))} · timeout ${e(formatDuration(report.options.timeoutMs))}${report.options.strict ? " · strict" : ""}</dd>
    <dt>features</dt><dd>${e(report.target.features.join(", ") || "none")}</dd>
    <dt>tool</dt><dd>${e(report.tool.name)} ${e(report.tool.version)}</dd>
  </dl>
${runNotesHtml(report)}  <p class="counts">${STATUSES.map((st) => `<span class="badge ${st}">${s.byStatus[st]} ${st}</span>`).join(" ")}${s.expectedFailures ? ` <span class="badge">${s.expectedFailures} expected failures</span>` : ""}${s.stale.length ? ` <span class="badge FAIL">${s.stale.length} stale</span>` : ""}</p>
</header>
<nav id="filters">
  <fieldset><legend>status</legend>${STATUSES.map((st) => `<label><input type="checkbox" name="status" value="${st}" checked> ${st} (${s.byStatus[st]})</label>`).join("")}</fieldset>
  <fieldset><legend>area</legend><select id="area"><option value="">all areas</option>${areas.map((a) => `<option value="${e(a)}">${e(a)}</option>`).join("")}</select></fieldset>
  <fieldset><legend>search</legend><input type="search" id="q" placeholder="id, title, message"></fieldset>
  <span id="shown"></span>
</nav>
<main>
${report.results.map(checkHtml).join("\n")}
</main>
${discoveryHtml(report)}
<script>${JS}</script>
</body>
</html>
`;
}

function checkHtml(r: CheckResult): string {
  const rows: [string, string][] = [];
  rows.push(["requirements", r.requirements.join(", ")]);
  rows.push(["spec", r.specRef]);
  if (r.requirement) rows.push(["failed requirement", r.requirement]);
  if (r.expected !== undefined) rows.push(["expected", r.expected]);
  if (r.actual !== undefined) rows.push(["actual", r.actual]);
  if (r.message !== undefined && r.expected === undefined) rows.push(["message", r.message]);
  if (r.expectedFailure !== undefined) rows.push(["expected failure", r.expectedFailure]);
  if (r.stale)
    rows.push(["stale", "listed as an expected failure but passes: remove it from the list"]);
  if (r.counterexample) rows.push(["counterexample", r.counterexample]);
  if (r.seed !== undefined) rows.push(["seed", `${r.seed}${r.path ? `  path ${r.path}` : ""}`]);
  for (const n of r.notes) rows.push(["note", n]);
  const evidence = new Set(r.evidence ?? []);
  const transcript = r.exchanges.length
    ? `<h4>Transcript (${r.exchanges.length}${r.omittedExchanges ? ` of ${r.exchanges.length + r.omittedExchanges}` : ""} exchanges)</h4>
${r.exchanges
  .map(
    (x) =>
      `<details class="exchange${evidence.has(x.index) ? " evidence" : ""}"${evidence.has(x.index) ? " open" : ""}><summary>${e(exchangeLine(x))}${evidence.has(x.index) ? ' <b class="ev">evidence</b>' : ""}</summary><pre>${e(formatExchange(x))}</pre></details>`,
  )
  .join("\n")}`
    : `<p class="muted">no HTTP exchanges</p>`;
  const search = [r.id, r.title, r.message ?? "", r.area].join(" ").toLowerCase();
  return `<details class="check" data-status="${r.status}" data-area="${e(r.area)}" data-search="${e(search)}"${r.status === "FAIL" || r.status === "ERROR" ? " open" : ""}>
<summary><span class="badge ${r.status}">${r.status}</span> <code>${e(r.id)}</code> <span class="level">${e(r.level)}</span> ${e(r.title)} <span class="muted">${e(r.area)} · ${e(formatDuration(r.durationMs))}</span>${r.expectedFailure !== undefined ? ' <span class="badge">expected</span>' : ""}${r.stale ? ' <span class="badge FAIL">stale</span>' : ""}</summary>
<table>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join("")}${r.replay ? `<tr><th>replay</th><td><code class="replay">${e(r.replay)}</code></td></tr>` : ""}</table>
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
.verdict.ok{background:var(--pass)}.verdict.bad{background:var(--fail)}
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
  var area=document.getElementById('area'),q=document.getElementById('q'),shown=document.getElementById('shown');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked});
    var a=area.value,t=q.value.trim().toLowerCase(),n=0;
    checks.forEach(function(c){
      var ok=on[c.dataset.status]&&(!a||c.dataset.area===a)&&(!t||c.dataset.search.indexOf(t)>=0);
      c.hidden=!ok;if(ok)n++;
    });
    shown.textContent=n+' of '+checks.length+' checks shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply)});
  area.addEventListener('change',apply);q.addEventListener('input',apply);apply();
})();
`;
