/**
 * Members a JSON text repeats within one object. `JSON.parse` keeps the last of them
 * silently, so a client never sees that a token response said two things (RFC 6749 §3.2:
 * "Request and response parameters MUST NOT be included more than once"). The text is
 * tokenised by jsonc-parser (the JSON scanner of VS Code; see docs/decisions.md), which
 * reports every member name decoded (`"\u0061"` is `a`) with the path of its object.
 *
 * @example
 * repeatedMembers('{"access_token":"a","access_token":"b"}');
 * // → [{ path: [], name: "access_token" }]
 */
import { type JSONPath, visit } from "jsonc-parser";

export interface RepeatedMember {
  /** The path of the object that repeats the member (`[]`: the top-level object). */
  path: JSONPath;
  name: string;
}

/** Every repetition of a member name within one object, in text order (once per extra). */
export function repeatedMembers(text: string): RepeatedMember[] {
  const open: Set<string>[] = [];
  const repeated: RepeatedMember[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectProperty: (name, _offset, _length, _line, _column, pathOf) => {
        const seen = open.at(-1);
        if (seen === undefined) return;
        if (seen.has(name)) repeated.push({ path: pathOf(), name });
        seen.add(name);
      },
      onObjectEnd: () => {
        open.pop();
      },
    },
    { disallowComments: true },
  );
  return repeated;
}
