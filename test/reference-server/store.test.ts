/** The store contract, run against both implementations. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../reference-server/store/memory.ts";
import { createPostgresStore } from "../../reference-server/store/postgres.ts";
import { createSqliteStore } from "../../reference-server/store/sqlite.ts";
import type { RegistrationRecord, Store } from "../../reference-server/store/types.ts";
import { startPostgres, type TestPostgres } from "./postgres.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop());

const makers: [string, () => Store | Promise<Store>][] = [
  ["memory", createMemoryStore],
  ["sqlite", () => createSqliteStore(join(dir, `${Math.random().toString(36).slice(2)}.sqlite`))],
  ["postgres", async () => createPostgresStore(await pg.database())],
];

const registration = (over: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  id: "r1",
  userCode: "BCDFGHJK",
  deviceCodeHash: "h1",
  apiKeyHash: "k1",
  clientId: "dev",
  clientType: "printer",
  clientDescription: null,
  keyType: null,
  publicKey: null,
  jkt: null,
  scope: "me login",
  status: "pending",
  createdAt: 100,
  expiresAt: 200,
  interval: 5,
  lastPollAtMs: null,
  decidedAt: null,
  redeemedAt: null,
  ...over,
});

describe.each(makers)("%s store", (name, make) => {
  it("registrations: unique codes, one decision, poll pacing, one redemption", async () => {
    const st = await make();
    expect(await st.insertRegistration(registration())).toEqual({ inserted: true });
    expect(await st.insertRegistration(registration({ id: "r2", deviceCodeHash: "h2" }))).toEqual({
      inserted: false,
      reason: "taken",
    });
    expect((await st.registrationByDeviceCodeHash("h1"))?.clientId).toBe("dev");
    expect(await st.recordPoll("r1", 1_000)).toBe("ok");
    expect(await st.recordPoll("r1", 3_000)).toBe("slow_down");
    expect((await st.registrationByUserCode("BCDFGHJK"))?.interval).toBe(10);
    expect(await st.recordPoll("r1", 13_000)).toBe("ok");
    expect(await st.redeemRegistration("r1", 150)).toBe(false);
    expect(await st.decideRegistration("r1", "approved", 150)).toBe(true);
    expect(await st.decideRegistration("r1", "denied", 150)).toBe(false);
    expect(
      (await st.listRegistrations({ status: "approved", now: 150, limit: 10 })).map((r) => r.id),
    ).toEqual(["r1"]);
    expect(await st.redeemRegistration("r1", 151)).toBe(true);
    expect(await st.redeemRegistration("r1", 152)).toBe(false);
    expect(
      await st.insertRegistration(
        registration({ id: "r3", userCode: "ZZZZZZZZ", deviceCodeHash: "h3" }),
      ),
    ).toEqual({ inserted: true });
    expect(await st.decideRegistration("r3", "approved", 200)).toBe(false);
    await st.close();
  });

  it("pending registrations: capped per API key in one statement; pages by creation order", async () => {
    const st = await make();
    const pending = (id: string, over: Partial<RegistrationRecord> = {}) =>
      registration({
        id,
        userCode: `CODE${id.padStart(4, "0")}`,
        deviceCodeHash: `h${id}`,
        ...over,
      });
    for (const id of ["1", "2"])
      expect((await st.insertRegistration(pending(id), 2)).inserted).toBe(true);
    expect(await st.insertRegistration(pending("3"), 2)).toEqual({
      inserted: false,
      reason: "too_many_pending",
      retryAt: 200,
    });
    // Another API key, an approved one, an expired one: not counted.
    expect((await st.insertRegistration(pending("4", { apiKeyHash: "k2" }), 2)).inserted).toBe(
      true,
    );
    expect((await st.insertRegistration(pending("5", { status: "approved" }), 2)).inserted).toBe(
      true,
    );
    expect(
      (await st.insertRegistration(pending("6", { createdAt: 250, expiresAt: 300 }), 2)).inserted,
    ).toBe(true);
    const page = async (after?: { createdAt: number; id: string }) =>
      (
        await st.listRegistrations({
          status: "pending",
          now: 150,
          limit: 2,
          ...(after ? { after } : {}),
        })
      ).map((r) => r.id);
    expect(await page()).toEqual(["1", "2"]);
    expect(await page({ createdAt: 100, id: "2" })).toEqual(["4", "6"]);
    expect(
      (await st.listRegistrations({ status: "pending", now: 250, limit: 9 })).map((r) => r.id),
    ).toEqual(["6"]);
    await st.close();
  });

  it("failure counts: a fixed window from the first failure, one upsert each", async () => {
    const st = await make();
    expect(await st.failures("k", 100)).toEqual({ count: 0, resetAt: 100 });
    expect(await st.countFailure("k", 100, 60)).toEqual({ count: 1, resetAt: 160 });
    expect(await st.countFailure("k", 159, 60)).toEqual({ count: 2, resetAt: 160 });
    expect(await st.failures("k", 159)).toEqual({ count: 2, resetAt: 160 });
    expect(await st.failures("k", 160)).toEqual({ count: 0, resetAt: 160 });
    expect(await st.countFailure("k", 160, 60)).toEqual({ count: 1, resetAt: 220 });
    await st.purge(220, 600);
    expect(await st.failures("k", 200)).toEqual({ count: 0, resetAt: 200 });
    await st.close();
  });

  it("families, tokens and device revocation", async () => {
    const st = await make();
    await st.insertFamily({
      id: "f1",
      clientId: "dev",
      deviceUid: "u1",
      sub: "dev",
      kind: "device",
      scope: "me",
      jkt: null,
      createdAt: 1,
      revokedAt: null,
    });
    await st.insertAccessToken({
      jti: "j1",
      familyId: "f1",
      clientId: "dev",
      deviceUid: "u1",
      sub: "dev",
      kind: "device",
      scope: "me",
      jkt: null,
      iat: 1,
      exp: 9,
      revokedAt: null,
    });
    await st.insertRefreshToken({
      hash: "rt1",
      familyId: "f1",
      parentHash: null,
      scope: "me",
      createdAt: 1,
      expiresAt: 9,
      rotatedAtMs: null,
    });
    expect(await st.rotateRefreshToken("rt1", 5)).toBe(true);
    expect(await st.rotateRefreshToken("rt1", 6)).toBe(false);
    expect((await st.refreshToken("rt1"))?.rotatedAtMs).toBe(5);
    await st.insertRefreshToken({
      hash: "rt2",
      familyId: "f1",
      parentHash: "rt1",
      scope: "me",
      createdAt: 1,
      expiresAt: 9,
      rotatedAtMs: null,
    });
    await st.revokeDeviceTokens("u1", 7);
    expect((await st.family("f1"))?.revokedAt).toBe(7);
    expect((await st.accessToken("j1"))?.revokedAt).toBe(7);
    // A token of a revoked family is never rotated (issue 16, point 6).
    expect(await st.rotateRefreshToken("rt2", 8)).toBe(false);
    expect((await st.refreshToken("rt2"))?.rotatedAtMs).toBeNull();
    await st.insertPersonalToken({
      id: "p1",
      hash: "ph",
      sub: "alice",
      clientId: "dev",
      deviceUid: "u1",
      name: "n",
      scope: "me",
      createdAt: 1,
      expiresAt: 99,
      revokedAt: null,
    });
    expect(await st.revokePersonalToken("p1", "bob", 8)).toBe(false);
    expect(await st.revokePersonalToken("p1", "alice", 8)).toBe(true);
    expect(await st.revokePersonalToken("p1", "alice", 9)).toBe(false);
    await st.close();
  });

  it("transactions: all writes or none, no nesting", async () => {
    const st = await make();
    await st.insertRegistration(registration());
    // Committed together.
    expect(
      await st.transaction(async (tx) => {
        expect(await tx.decideRegistration("r1", "approved", 150)).toBe(true);
        expect(await tx.redeemRegistration("r1", 151)).toBe(true);
        await tx.addSecretHash("api_key", "k1");
        return "done";
      }),
    ).toBe("done");
    expect(await st.registrationByUserCode("BCDFGHJK")).toMatchObject({ status: "approved" });
    // Rolled back on a throw: inserts, updates and deletes, then the error rethrown.
    await st.insertRegistration(
      registration({ id: "r2", userCode: "CDFGHJKL", deviceCodeHash: "h2" }),
    );
    const boom = new Error("boom");
    await expect(
      st.transaction(async (tx) => {
        await tx.insertRegistration(
          registration({ id: "r3", userCode: "DFGHJKLM", deviceCodeHash: "h3" }),
        );
        await tx.decideRegistration("r2", "denied", 150);
        expect(await tx.recordPoll("r2", 1_000)).toBe("ok");
        await tx.addSecretHash("api_key", "k2");
        await tx.addSecretHash("admin_key", "a1");
        await tx.consumeOnce("dpop_jti", "x", 10);
        throw boom;
      }),
    ).rejects.toThrow(boom);
    expect(await st.registrationByDeviceCodeHash("h3")).toBeUndefined();
    expect(await st.registrationByUserCode("DFGHJKLM")).toBeUndefined();
    expect(await st.registrationByUserCode("CDFGHJKL")).toMatchObject({
      status: "pending",
      lastPollAtMs: null,
    });
    expect(await st.secretHashes("api_key")).toEqual(["k1"]);
    expect(await st.secretHashes("admin_key")).toEqual([]);
    expect(await st.consumeOnce("dpop_jti", "x", 10)).toBe(true);
    // A rolled-back store still works, in and out of transactions.
    expect(await st.transaction((tx) => tx.decideRegistration("r2", "denied", 150))).toBe(true);
    await expect(st.transaction((tx) => tx.transaction(async () => 1))).rejects.toThrow(
      /do not nest/,
    );
    // The store's own multi-statement operations join a caller's transaction.
    await expect(
      st.transaction(async (tx) => {
        await tx.recordPoll("r1", 5_000);
        await tx.purge(1_000, 0);
        throw boom;
      }),
    ).rejects.toThrow(boom);
    expect(await st.registrationByUserCode("BCDFGHJK")).toMatchObject({ lastPollAtMs: null });
    // Other callers wait for a transaction to end, and see all of it or nothing.
    let release = () => {};
    let started = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const opened = new Promise<void>((r) => {
      started = r;
    });
    const running = st.transaction(async (tx) => {
      await tx.addSecretHash("api_key", "k4");
      started();
      await held;
      await tx.addSecretHash("api_key", "k5");
    });
    await opened;
    const seen = st.secretHashes("api_key");
    setTimeout(release, 20);
    await running;
    const got = await seen;
    if (name === "postgres") {
      // Another pooled connection may answer before the commit (read committed): all of the
      // transaction or none of it, never k4 without k5. (Failed in a loaded CI run.)
      expect(got.includes("k4"), JSON.stringify(got)).toBe(got.includes("k5"));
      expect(got).toContain("k1");
    } else expect(got).toEqual(expect.arrayContaining(["k1", "k4", "k5"]));
    // One connection (memory, sqlite): the outer store used from inside a transaction is
    // refused, not a wait for itself. (PostgreSQL: another pooled connection answers.)
    if (name !== "postgres")
      await expect(st.transaction(() => st.secretHashes("api_key"))).rejects.toThrow(/use its tx/);
    await st.close();
  });

  it("the signing key is saved once: compare-and-set", async () => {
    const st = await make();
    expect(await st.saveSigningKey("a", undefined)).toBe(true);
    expect(await st.saveSigningKey("b", undefined)).toBe(false);
    expect(await st.saveSigningKey("c", "b")).toBe(false);
    expect(await st.saveSigningKey("c", "a")).toBe(true);
    expect(await st.signingKey()).toBe("c");
    await st.close();
  });

  it("single-use values and DPoP nonces", async () => {
    const st = await make();
    expect(await st.consumeOnce("dpop_jti", "a", 10)).toBe(true);
    expect(await st.consumeOnce("dpop_jti", "a", 10)).toBe(false);
    expect(await st.consumeOnce("assertion_jti", "a", 10)).toBe(true);
    await st.addDpopNonce("n1", 20);
    await st.addDpopNonce("n2", 30);
    expect((await st.latestDpopNonce(5))?.value).toBe("n2");
    expect(await st.dpopNonceValid("n1", 19)).toBe(true);
    expect(await st.dpopNonceValid("n1", 20)).toBe(false);
    await st.purge(25, 600);
    expect(await st.consumeOnce("dpop_jti", "a", 40)).toBe(true);
    await st.addSecretHash("api_key", "k");
    await st.addSecretHash("api_key", "k");
    expect(await st.secretHashes("api_key")).toEqual(["k"]);
    await st.close();
  });
});
