/**
 * Line and column of a value in a YAML file, for located messages
 * (`file:line:col [rule] message`).
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface YamlSource {
  /** The parsed value (undefined when the text has syntax errors). */
  value: unknown;
  /** Syntax errors, located. */
  errors: { message: string; position?: Position }[];
  /**
   * Where the node at `path` starts — the key of a mapping entry, so that the line is the
   * one naming it — or its nearest existing ancestor; undefined for an empty document.
   */
  locate: (path: readonly (string | number)[]) => Position | undefined;
}

/**
 * Parses YAML text keeping positions.
 *
 * @example
 * ```ts
 * const src = parseYamlSource("a:\n  b: 1\n");
 * src.locate(["a", "b"]); // { line: 2, column: 3 }
 * ```
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const position = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return pos
      ? { message: e.message, position: { line: pos.line, column: pos.col } }
      : { message: e.message };
  });
  return {
    value: errors.length > 0 ? undefined : doc.toJS(),
    errors,
    locate: (path) => position(nodeAt(doc.contents, path)?.range?.[0]),
  };
}

function nodeAt(root: Node | null, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = root;
  let found: Node | undefined = root ?? undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (pair === undefined) break;
      if (isNode(pair.key)) found = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      if (!isNode(node)) break;
      found = node;
    } else {
      break;
    }
  }
  return found;
}
