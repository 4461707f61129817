/**
 * The header comment of a check file quotes, for each requirement the check verifies, the
 * catalogue's sentence exactly (test262's `esid` front matter, h2spec's quoted sections):
 *
 *     /**
 *      * DTP-REF-002 (MUST, RFC 9700 §4.14.2):
 *      * "Every successful refresh MUST rotate the refresh token: …"
 *      *
 *      * <how the check tests it>
 *      *\/
 *
 * The quotes are generated from `spec/requirements.yaml` (`npm run gen:headers`), so they
 * cannot drift; a test fails when one does. Everything after the quotes is the author's.
 */
import type { Requirement } from "./catalogue.ts";

const WIDTH = 92;
/** An entry line; its source may hold parentheses ("RFC 7523 §3 (item 7)"). */
const ENTRY = /^ \* DTP-[A-Z]+-\d{3} \((MUST|SHOULD|MAY)\b.*\):$/;

/** The comment lines quoting `ids` (in that order), separated by blank comment lines. */
export function quoteLines(
  ids: readonly string[],
  byId: ReadonlyMap<string, Requirement>,
): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) throw new Error(`${id} is not in the requirement catalogue`);
    if (out.length) out.push(" *");
    out.push(` * ${id} (${r.level}${r.source ? `, ${r.source}` : ""}):`);
    out.push(...wrap(`"${r.text.replace(/\s+/g, " ").trim()}"`));
  }
  return out;
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && ` * ${line} ${word}`.length > WIDTH) {
      lines.push(` * ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(` * ${line}`);
  return lines;
}

/**
 * Splits a check file's source into its header's quote entries (as written), the rest of
 * the header (the author's description, comment lines) and the code after the header.
 * Undefined when the file does not start with a `/**` comment.
 */
export function splitHeader(
  source: string,
): { quotes: string[]; description: string[]; rest: string } | undefined {
  if (!source.startsWith("/**\n")) return undefined;
  const end = source.indexOf("\n */\n");
  if (end === -1) return undefined;
  const lines = source.slice(4, end).split("\n");
  const rest = source.slice(end + 5);
  let i = 0;
  const quotes: string[] = [];
  for (;;) {
    let j = i;
    while (lines[j] === " *") j++;
    if (j >= lines.length || !ENTRY.test(lines[j]!)) break;
    const start = j;
    j++;
    while (j < lines.length && !lines[j]!.endsWith('"')) j++;
    if (j >= lines.length) break;
    if (quotes.length) quotes.push(" *");
    quotes.push(...lines.slice(start, j + 1));
    i = j + 1;
  }
  while (lines[i] === " *") i++;
  return { quotes, description: lines.slice(i), rest };
}

/** The source with its header's quotes regenerated for `ids` (the description kept). */
export function withQuotes(
  source: string,
  ids: readonly string[],
  byId: ReadonlyMap<string, Requirement>,
): string {
  const split = splitHeader(source);
  const quotes = quoteLines(ids, byId);
  if (!split) return `/**\n${quotes.join("\n")}\n */\n${source}`;
  const description = split.description.length ? [" *", ...split.description] : [];
  return `/**\n${[...quotes, ...description].join("\n")}\n */\n${split.rest}`;
}
