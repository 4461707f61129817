import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";

describe("runtime", () => {
  it("runs on Node 22 or later, with node:sqlite available", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
    const db = new DatabaseSync(":memory:");
    expect(db.prepare("select 1 as one").get()).toEqual({ one: 1 });
    db.close();
  });
});
