/** Plain-text rendering of a check's transcript (console, JUnit system-out, HTML). */
import type { Exchange } from "../check/http.ts";
import type { ExchangeGroup } from "../runner/types.ts";

/** One line per exchange: `#3 poll #2  POST https://…/token → 400 (12 ms)`. */
export function exchangeLine(x: Exchange): string {
  const outcome = x.response ? String(x.response.status) : "no response";
  const label = x.label ? ` ${x.label}` : "";
  const err = x.error ? ` — ${x.error}` : "";
  return `#${x.index}${label}  ${x.request.method} ${x.request.url} → ${outcome} (${x.durationMs} ms)${err}`;
}

/** A JSON body pretty-printed (2 spaces); any other body as it is. */
export function prettyBody(body: string): string {
  const t = body.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}

/**
 * The full exchange: request line, headers and body; response status, headers and body
 * (JSON pretty-printed).
 */
export function formatExchange(x: Exchange): string {
  const lines = [exchangeLine(x)];
  lines.push(`> ${x.request.method} ${x.request.url}`);
  for (const [k, v] of Object.entries(x.request.headers)) lines.push(`> ${k}: ${v}`);
  if (x.request.body !== undefined && x.request.body !== "") {
    lines.push(">");
    for (const l of prettyBody(x.request.body).split("\n")) lines.push(`> ${l}`);
  }
  if (x.response) {
    lines.push(`< ${x.response.status}`);
    for (const [k, v] of Object.entries(x.response.headers)) lines.push(`< ${k}: ${v}`);
    if (x.response.body !== undefined && x.response.body !== "") {
      lines.push("<");
      for (const l of prettyBody(x.response.body).split("\n")) lines.push(`< ${l}`);
    }
  }
  if (x.error) lines.push(`! ${x.error}`);
  return lines.join("\n");
}

export function formatTranscript(exchanges: readonly Exchange[], omitted = 0): string {
  const parts = exchanges.map(formatExchange);
  if (omitted > 0) parts.push(`(${omitted} exchanges omitted)`);
  return parts.join("\n\n");
}

/** A passing check's exchanges in one line per kind: `12 × POST /token → 200 (84 ms)`. */
export function summaryLines(groups: readonly ExchangeGroup[]): string[] {
  return groups.map((g) => `${g.count} × ${g.method} ${g.path} → ${g.outcome} (${g.totalMs} ms)`);
}
