/** Comparing two requirement catalogues, requirement by requirement (by ID). */
import type { Catalogue, Level, Requirement } from "../../spec/catalogue.ts";
import { type Change, change } from "./change.ts";

const RANK: Record<Level, number> = { MAY: 1, SHOULD: 2, MUST: 3 };
/** RFC 2119 keywords. */
const KEYWORDS = /\b(MUST|SHALL|SHOULD|MAY|REQUIRED|RECOMMENDED|OPTIONAL)\b/g;

/** The text as a sentence: YAML folding and spacing do not count as rewording. */
function normalized(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function byId(catalogue: Catalogue): Map<string, Requirement> {
  const map = new Map<string, Requirement>();
  for (const r of catalogue.requirements) if (!map.has(r.id)) map.set(r.id, r);
  return map;
}

function short(text: string, max = 100): string {
  const t = normalized(text);
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * The words that changed, with a few words of context on each side:
 * `"… at \`/token\`, 401 with …" → "… at the token endpoint MUST …"`.
 */
export function rewording(before: string, after: string, context = 4): string {
  const b = normalized(before).split(" ");
  const a = normalized(after).split(" ");
  let start = 0;
  while (start < b.length && start < a.length && b[start] === a[start]) start++;
  let end = 0;
  while (
    end < b.length - start &&
    end < a.length - start &&
    b[b.length - 1 - end] === a[a.length - 1 - end]
  ) {
    end++;
  }
  const from = Math.max(0, start - context);
  const part = (words: string[]) => {
    const to = Math.min(words.length, words.length - end + context);
    const text = words.slice(from, to).join(" ");
    return `${from > 0 ? "… " : ""}${short(text, 240)}${to < words.length ? " …" : ""}`;
  };
  return `"${part(b)}" → "${part(a)}"`;
}

/**
 * Every difference between two catalogues. `baseOperations` are the operationIds of the
 * base OpenAPI document: a new MUST on one of them breaks servers, a new MUST only on new
 * operations does not.
 */
export function diffRequirements(
  base: Catalogue,
  head: Catalogue,
  baseOperations: ReadonlySet<string>,
): Change[] {
  const changes: Change[] = [];
  const before = byId(base);
  const after = byId(head);
  for (const [id, b] of before) {
    const h = after.get(id);
    if (h === undefined) {
      changes.push(
        change(
          "requirement-removed",
          id,
          undefined,
          `${id} (${b.level}) was removed: "${short(b.text)}"`,
        ),
      );
      continue;
    }
    if (RANK[h.level] > RANK[b.level]) {
      changes.push(change("requirement-level-raised", id, "level", `${b.level} → ${h.level}`));
    } else if (RANK[h.level] < RANK[b.level]) {
      changes.push(change("requirement-level-lowered", id, "level", `${b.level} → ${h.level}`));
    }
    // A level change swaps the text's keyword (SHOULD → MUST): that alone is no rewording.
    const comparable = (text: string) =>
      b.level === h.level ? normalized(text) : normalized(text).replace(KEYWORDS, "<LEVEL>");
    if (comparable(b.text) !== comparable(h.text)) {
      changes.push(
        change("requirement-reworded", id, "text", `reworded: ${rewording(b.text, h.text)}`),
      );
    }
    const added = h.operations.filter((op) => !b.operations.includes(op));
    const removed = b.operations.filter((op) => !h.operations.includes(op));
    if (added.length > 0) {
      changes.push(
        change(
          "requirement-operations-widened",
          id,
          "operations",
          `now also applies to ${added.join(", ")}`,
        ),
      );
    }
    if (removed.length > 0) {
      changes.push(
        change(
          "requirement-operations-narrowed",
          id,
          "operations",
          `no longer applies to ${removed.join(", ")}`,
        ),
      );
    }
    // `applies` (oauth | dtp) says whom a requirement binds, not what it asks: an annotation.
    // A catalogue older than 2.0.0 has none, so each requirement shows null → its value.
    const annotations = (["area", "source", "applies", "observable", "deviation"] as const).filter(
      (k) => normalized(String(b[k] ?? "")) !== normalized(String(h[k] ?? "")),
    );
    for (const k of annotations) {
      changes.push(
        change(
          "requirement-annotation-changed",
          id,
          k,
          `${JSON.stringify(b[k] ?? null)} → ${JSON.stringify(h[k] ?? null)}`,
        ),
      );
    }
  }
  for (const [id, h] of after) {
    if (before.has(id)) continue;
    const existing = h.operations.filter((op) => baseOperations.has(op));
    if (h.level === "MUST" && existing.length > 0) {
      changes.push(
        change(
          "requirement-must-added",
          id,
          undefined,
          `new MUST on ${existing.join(", ")}: "${short(h.text)}"`,
        ),
      );
    } else {
      changes.push(
        change("requirement-added", id, undefined, `new ${h.level}: "${short(h.text)}"`),
      );
    }
  }
  return changes;
}
