import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { repeatedMembers } from "../../src/protocol/json-members.ts";

describe("repeatedMembers", () => {
  it("finds none in what JSON.stringify writes (no object can repeat a key)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(repeatedMembers(JSON.stringify(v))).toEqual([]);
        expect(repeatedMembers(JSON.stringify(v, null, "\t"))).toEqual([]);
      }),
    );
  });

  it("finds a member repeated at the top level, whatever else the object holds", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.string(),
        fc.jsonValue(),
        fc.jsonValue(),
        (rest, name, first, second) => {
          const others = JSON.stringify(rest).slice(1, -1);
          const text = `{${JSON.stringify(name)}:${JSON.stringify(first)}${others ? `,${others}` : ""},${JSON.stringify(name)}:${JSON.stringify(second)}}`;
          expect(repeatedMembers(text)).toContainEqual({ path: [], name });
        },
      ),
    );
  });

  it("compares names decoded, and gives the path of a nested object", () => {
    expect(repeatedMembers('{"a":1,"\\u0061":2}')).toEqual([{ path: [], name: "a" }]);
    expect(repeatedMembers('{"x":[{"k":1,"k":2}],"y":{"z":{"k":1,"k":2,"k":3}}}')).toEqual([
      { path: ["x", 0], name: "k" },
      { path: ["y", "z"], name: "k" },
      { path: ["y", "z"], name: "k" },
    ]);
    expect(repeatedMembers('{"a":{"b":1},"c":{"b":1}}')).toEqual([]);
  });
});
