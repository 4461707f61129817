/**
 * Issue 16, point 7: bounded state. Pending registrations are capped per API key
 * (DTP-REG-026), expired registrations are forgotten once they have been expired for the
 * device-code lifetime (DTP-POLL-006), and the admin list is paginated (DTP-APR-015).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { createMemoryStore } from "../../reference-server/store/memory.ts";
import { createSqliteStore } from "../../reference-server/store/sqlite.ts";
import type { RegistrationRecord, Store } from "../../reference-server/store/types.ts";
import { admin, register, send, start } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-bounded-"));
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
const started = async (...args: Parameters<typeof start>) => {
  const s = await start(...args);
  servers.push(s);
  return s;
};

describe("pending registrations are capped per API key", () => {
  it("past the cap: 429 temporarily_unavailable with Retry-After; a decision frees a place", async () => {
    const s = await started({ limits: { pendingRegistrations: 5 } });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await register(s);
      expect(d.reg.status, d.reg.text).toBe(200);
      codes.push(d.reg.body.user_code);
    }
    const over = await register(s);
    expect(over.reg.status, over.reg.text).toBe(429);
    expect(over.reg.body.error).toBe("temporarily_unavailable");
    expect(Number(over.reg.headers.get("retry-after"))).toBeGreaterThan(0);
    const deny = await send(`${s.url}/admin/registrations/${codes[0]}/deny`, {
      method: "POST",
      headers: admin(s),
    });
    expect(deny.status).toBe(200);
    expect((await register(s)).reg.status).toBe(200);
  });

  it("the metadata says so (dtp_limits.pending_registrations)", async () => {
    const s = await started({ limits: { pendingRegistrations: 5 } });
    const m = (await send(`${s.url}/.well-known/oauth-authorization-server`)).body;
    expect(m.dtp_limits.pending_registrations).toBe(5);
  });
});

const registration = (id: string, over: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  id,
  userCode: `U${id.padStart(7, "0")}`.slice(0, 8),
  deviceCodeHash: `h-${id}`,
  apiKeyHash: "k",
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

describe.each([
  ["memory", createMemoryStore],
  ["sqlite", () => createSqliteStore(join(dir, `${Math.random().toString(36).slice(2)}.sqlite`))],
] as [string, () => Store][])("%s store: expired registrations are forgotten", (_name, make) => {
  it("kept for the retention after they expire (expired_token), then purged", () => {
    const st = make();
    st.insertRegistration(registration("1", { expiresAt: 200 }));
    st.insertRegistration(registration("2", { expiresAt: 300, status: "approved" }));
    // Expired at 200; retention 600: kept until 800.
    st.purge(799, 600);
    expect(st.registrationByDeviceCodeHash("h-1")).toBeDefined();
    st.purge(800, 600);
    expect(st.registrationByDeviceCodeHash("h-1")).toBeUndefined();
    expect(st.registrationByUserCode(registration("1").userCode)).toBeUndefined();
    expect(st.registrationByDeviceCodeHash("h-2")).toBeDefined();
    st.purge(900, 600);
    expect(st.registrationByDeviceCodeHash("h-2")).toBeUndefined();
    st.close();
  });
});

describe("the admin list is paginated", () => {
  const list = (s: RunningServer, query: string) =>
    send(`${s.url}/admin/registrations${query}`, { headers: admin(s) });

  it("follows next_cursor: every registration once, oldest first, at most `limit` a page", async () => {
    const s = await started({ lifetimes: { deviceCode: 600 } });
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) mine.push((await register(s)).reg.body.user_code);
    const seen: string[] = [];
    const created: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await list(s, `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.registrations.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.registrations.map((x: { user_code: string }) => x.user_code));
      created.push(...r.body.registrations.map((x: { created_at: number }) => x.created_at));
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    // Oldest first: by created_at (registrations of the same second in any order).
    expect([...seen].sort()).toEqual([...mine].sort());
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it("100 a page by default; a bad limit or cursor is a 400 problem", async () => {
    const s = await started({ lifetimes: { deviceCode: 600 } });
    for (let i = 0; i < 105; i++) expect((await register(s)).reg.status).toBe(200);
    const first = await list(s, "");
    expect(first.body.registrations).toHaveLength(100);
    expect(typeof first.body.next_cursor).toBe("string");
    const rest = await list(s, `?cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(rest.body.registrations).toHaveLength(5);
    expect(rest.body.next_cursor).toBeUndefined();
    for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?cursor=not-a-cursor"]) {
      const r = await list(s, q);
      expect(r.status, q).toBe(400);
      expect(r.headers.get("content-type"), q).toContain("application/problem+json");
    }
  });
});
