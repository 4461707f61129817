import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Dictionary,
  type InnerList,
  type Item,
  isInnerList,
  parseDictionary,
  StructuredFieldError,
  serializeDictionary,
} from "../../src/protocol/structured-fields.ts";

describe("RFC 8941 dictionaries", () => {
  it("parses a Signature-Input member", () => {
    const dict = parseDictionary(
      'sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="k";alg="ed25519", sig2=("x")',
    );
    const sig1 = dict.get("sig1") as InnerList;
    expect(isInnerList(sig1)).toBe(true);
    expect(sig1.items.map((i) => i.value)).toEqual(["@method", "@target-uri", "content-digest"]);
    expect([...sig1.params]).toEqual([
      ["created", 1618884473],
      ["keyid", "k"],
      ["alg", "ed25519"],
    ]);
    expect(dict.has("sig2")).toBe(true);
  });

  it("parses tokens, booleans, decimals, byte sequences and bare keys", () => {
    const dict = parseDictionary('a=tok/en:x, b=?0, c=-1.25, d=:AQID:, e;p=1, f="q\\"\\\\"');
    expect((dict.get("a") as Item).value).toEqual({ token: "tok/en:x" });
    expect((dict.get("b") as Item).value).toBe(false);
    expect((dict.get("c") as Item).value).toEqual({ decimal: -1.25 });
    expect((dict.get("d") as Item).value).toEqual(new Uint8Array([1, 2, 3]));
    expect(dict.get("e")).toEqual({ value: true, params: new Map([["p", 1]]) });
    expect((dict.get("f") as Item).value).toBe('q"\\');
  });

  it("rejects malformed values", () => {
    for (const bad of [
      "A=1",
      "a=1,",
      "a=(1 2",
      'a="unterminated',
      "a=:AQID",
      "a=1 b=2",
      "a=1234567890123456",
      "a=?2",
      'a="\\x"',
      "a=1.2345",
      "a=(1)(2)",
    ]) {
      expect(() => parseDictionary(bad), bad).toThrow(StructuredFieldError);
    }
  });

  const key = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,6}$/);
  const bare = fc.oneof(
    fc.integer({ min: -1e15 + 1, max: 1e15 - 1 }),
    fc.stringMatching(/^[\x20-\x7e]{0,10}$/),
    fc.uint8Array({ maxLength: 12 }),
    fc.boolean(),
    fc.stringMatching(/^[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]{0,6}$/).map((token) => ({ token })),
  );
  const params = fc
    .uniqueArray(fc.tuple(key, bare), { selector: ([k]) => k, maxLength: 3 })
    .map((e) => new Map(e));
  const item = fc.record({ value: bare, params });
  const member = fc.oneof(item, fc.record({ items: fc.array(item, { maxLength: 4 }), params }));
  const dictionary = fc
    .uniqueArray(fc.tuple(key, member), { selector: ([k]) => k, minLength: 1, maxLength: 4 })
    .map((e) => new Map(e) as Dictionary);

  it("serialise then parse is the identity (property)", () => {
    fc.assert(
      fc.property(dictionary, (dict) => {
        expect(parseDictionary(serializeDictionary(dict))).toEqual(dict);
      }),
    );
  });
});
