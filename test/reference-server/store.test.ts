/** The store contract, run against both implementations. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../reference-server/store/memory.ts";
import { createSqliteStore } from "../../reference-server/store/sqlite.ts";
import type { RegistrationRecord, Store } from "../../reference-server/store/types.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makers: [string, () => Store][] = [
  ["memory", createMemoryStore],
  ["sqlite", () => createSqliteStore(join(dir, `${Math.random().toString(36).slice(2)}.sqlite`))],
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

describe.each(makers)("%s store", (_name, make) => {
  it("registrations: unique codes, one decision, poll pacing, one redemption", () => {
    const st = make();
    expect(st.insertRegistration(registration())).toEqual({ inserted: true });
    expect(st.insertRegistration(registration({ id: "r2", deviceCodeHash: "h2" }))).toEqual({
      inserted: false,
      reason: "taken",
    });
    expect(st.registrationByDeviceCodeHash("h1")?.clientId).toBe("dev");
    expect(st.recordPoll("r1", 1_000)).toBe("ok");
    expect(st.recordPoll("r1", 3_000)).toBe("slow_down");
    expect(st.registrationByUserCode("BCDFGHJK")?.interval).toBe(10);
    expect(st.recordPoll("r1", 13_000)).toBe("ok");
    expect(st.redeemRegistration("r1", 150)).toBe(false);
    expect(st.decideRegistration("r1", "approved", 150)).toBe(true);
    expect(st.decideRegistration("r1", "denied", 150)).toBe(false);
    expect(
      st.listRegistrations({ status: "approved", now: 150, limit: 10 }).map((r) => r.id),
    ).toEqual(["r1"]);
    expect(st.redeemRegistration("r1", 151)).toBe(true);
    expect(st.redeemRegistration("r1", 152)).toBe(false);
    expect(
      st.insertRegistration(registration({ id: "r3", userCode: "ZZZZZZZZ", deviceCodeHash: "h3" })),
    ).toEqual({ inserted: true });
    expect(st.decideRegistration("r3", "approved", 200)).toBe(false);
    st.close();
  });

  it("pending registrations: capped per API key in one statement; pages by creation order", () => {
    const st = make();
    const pending = (id: string, over: Partial<RegistrationRecord> = {}) =>
      registration({
        id,
        userCode: `CODE${id.padStart(4, "0")}`,
        deviceCodeHash: `h${id}`,
        ...over,
      });
    for (const id of ["1", "2"]) expect(st.insertRegistration(pending(id), 2).inserted).toBe(true);
    expect(st.insertRegistration(pending("3"), 2)).toEqual({
      inserted: false,
      reason: "too_many_pending",
      retryAt: 200,
    });
    // Another API key, an approved one, an expired one: not counted.
    expect(st.insertRegistration(pending("4", { apiKeyHash: "k2" }), 2).inserted).toBe(true);
    expect(st.insertRegistration(pending("5", { status: "approved" }), 2).inserted).toBe(true);
    expect(
      st.insertRegistration(pending("6", { createdAt: 250, expiresAt: 300 }), 2).inserted,
    ).toBe(true);
    const page = (after?: { createdAt: number; id: string }) =>
      st
        .listRegistrations({ status: "pending", now: 150, limit: 2, ...(after ? { after } : {}) })
        .map((r) => r.id);
    expect(page()).toEqual(["1", "2"]);
    expect(page({ createdAt: 100, id: "2" })).toEqual(["4", "6"]);
    expect(
      st.listRegistrations({ status: "pending", now: 250, limit: 9 }).map((r) => r.id),
    ).toEqual(["6"]);
    st.close();
  });

  it("failure counts: a fixed window from the first failure, one upsert each", () => {
    const st = make();
    expect(st.failures("k", 100)).toEqual({ count: 0, resetAt: 100 });
    expect(st.countFailure("k", 100, 60)).toEqual({ count: 1, resetAt: 160 });
    expect(st.countFailure("k", 159, 60)).toEqual({ count: 2, resetAt: 160 });
    expect(st.failures("k", 159)).toEqual({ count: 2, resetAt: 160 });
    expect(st.failures("k", 160)).toEqual({ count: 0, resetAt: 160 });
    expect(st.countFailure("k", 160, 60)).toEqual({ count: 1, resetAt: 220 });
    st.purge(220, 600);
    expect(st.failures("k", 200)).toEqual({ count: 0, resetAt: 200 });
    st.close();
  });

  it("families, tokens and device revocation", () => {
    const st = make();
    st.insertFamily({
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
    st.insertAccessToken({
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
    st.insertRefreshToken({
      hash: "rt1",
      familyId: "f1",
      parentHash: null,
      scope: "me",
      createdAt: 1,
      expiresAt: 9,
      rotatedAtMs: null,
    });
    expect(st.rotateRefreshToken("rt1", 5)).toBe(true);
    expect(st.rotateRefreshToken("rt1", 6)).toBe(false);
    expect(st.refreshToken("rt1")?.rotatedAtMs).toBe(5);
    st.insertRefreshToken({
      hash: "rt2",
      familyId: "f1",
      parentHash: "rt1",
      scope: "me",
      createdAt: 1,
      expiresAt: 9,
      rotatedAtMs: null,
    });
    st.revokeDeviceTokens("u1", 7);
    expect(st.family("f1")?.revokedAt).toBe(7);
    expect(st.accessToken("j1")?.revokedAt).toBe(7);
    // A token of a revoked family is never rotated (issue 16, point 6).
    expect(st.rotateRefreshToken("rt2", 8)).toBe(false);
    expect(st.refreshToken("rt2")?.rotatedAtMs).toBeNull();
    st.insertPersonalToken({
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
    expect(st.revokePersonalToken("p1", "bob", 8)).toBe(false);
    expect(st.revokePersonalToken("p1", "alice", 8)).toBe(true);
    expect(st.revokePersonalToken("p1", "alice", 9)).toBe(false);
    st.close();
  });

  it("single-use values and DPoP nonces", () => {
    const st = make();
    expect(st.consumeOnce("dpop_jti", "a", 10)).toBe(true);
    expect(st.consumeOnce("dpop_jti", "a", 10)).toBe(false);
    expect(st.consumeOnce("assertion_jti", "a", 10)).toBe(true);
    st.addDpopNonce("n1", 20);
    st.addDpopNonce("n2", 30);
    expect(st.latestDpopNonce(5)?.value).toBe("n2");
    expect(st.dpopNonceValid("n1", 19)).toBe(true);
    expect(st.dpopNonceValid("n1", 20)).toBe(false);
    st.purge(25, 600);
    expect(st.consumeOnce("dpop_jti", "a", 40)).toBe(true);
    st.addSecretHash("api_key", "k");
    st.addSecretHash("api_key", "k");
    expect(st.secretHashes("api_key")).toEqual(["k"]);
    st.close();
  });
});
