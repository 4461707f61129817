/**
 * Issue 16, point 5: failed attempts are limited per credential subject and source, never
 * lock out the legitimate holder from elsewhere, and are kept in the store (a restart and a
 * second instance see them). Sources are told apart by the client's address: the tests
 * also connect from 127.0.0.2 (all of 127/8 is loopback).
 *
 * - API key (client_secret): per client_id and source (DTP-ERR-017);
 * - passwords at /login: per user name, device and source (DTP-LOGIN-013);
 * - the admin key: per source (DTP-APR-014);
 * - user-code lookups at approve/deny: per admin credential and source (DTP-APR-010).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { basicAuth } from "../../src/client/auth.ts";
import {
  admin,
  deviceWithTokens,
  newId,
  type Res,
  register,
  send,
  sendFrom,
  sleep,
  start,
} from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-limits-"));
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

const OTHER = "127.0.0.2";
const FORM = "application/x-www-form-urlencoded";

/** POST /revoke authenticated with Basic (a cheap request that needs the API key). */
const revoke = (s: RunningServer, clientId: string, key: string, from?: string): Promise<Res> => {
  const init = {
    method: "POST",
    headers: { "content-type": FORM, authorization: basicAuth(clientId, key) },
    body: "token=whatever",
  };
  return from ? sendFrom(from, `${s.url}/revoke`, init) : send(`${s.url}/revoke`, init);
};

const expectLimited = (r: Res, what: string) => {
  expect(r.status, `${what}: ${r.text}`).toBe(429);
  expect(Number(r.headers.get("retry-after")), what).toBeGreaterThan(0);
};

describe("wrong API keys (client_secret)", () => {
  it("after the limit, that client_id from that source is refused (even with the right key); others are not", async () => {
    const s = await started({
      limits: { failedAttempts: { client_secret: { max: 5, window: 60 } } },
    });
    const a = newId("a");
    for (let i = 0; i < 5; i++) expect((await revoke(s, a, `wrong-${i}`)).status).toBe(401);
    const sixth = await revoke(s, a, "wrong-6");
    expectLimited(sixth, "the 6th wrong key");
    expect(sixth.body.error).toBe("temporarily_unavailable");
    expectLimited(await revoke(s, a, s.apiKey), "the right key, same client_id and source");
    expect((await revoke(s, newId("b"), s.apiKey)).status, "another client_id").toBe(200);
    expect(
      (await revoke(s, a, s.apiKey, OTHER)).status,
      "the same client_id from another source",
    ).toBe(200);
  });

  it("the limit is kept in the store: a restart and a second instance still refuse", async () => {
    const file = join(dir, "limits.sqlite");
    const limits = { failedAttempts: { client_secret: { max: 3, window: 60 } } };
    const s1 = await started({ store: { kind: "sqlite", file }, limits });
    const s2 = await started({ store: { kind: "sqlite", file }, limits });
    const a = newId("a");
    for (let i = 0; i < 3; i++) expect((await revoke(s1, a, `wrong-${i}`)).status).toBe(401);
    expectLimited(await revoke(s2, a, s1.apiKey), "a second instance on the same store");
    const port = Number(new URL(s1.url).port);
    await s1.close();
    await sleep(50);
    const s3 = await started({ store: { kind: "sqlite", file }, limits, port });
    expectLimited(await revoke(s3, a, s3.apiKey), "after a restart");
  });

  it("the metadata advertises the limits", async () => {
    const s = await started();
    const m = (await send(`${s.url}/.well-known/oauth-authorization-server`)).body;
    expect(m.dtp_limits.failed_attempts).toEqual({
      client_secret: { max: 20, window: 60 },
      password: { max: 10, window: 300 },
      admin_key: { max: 20, window: 60 },
      user_code: { max: 10, window: 60 },
    });
  });
});

describe("wrong passwords at /login", () => {
  const login = (s: RunningServer, token: string, password: string, from?: string) => {
    const init = {
      method: "POST",
      headers: { "content-type": FORM, authorization: `Bearer ${token}` },
      body: `username=alice&password=${password}`,
    };
    return from ? sendFrom(from, `${s.url}/login`, init) : send(`${s.url}/login`, init);
  };

  it("after the limit, the user is refused through that device from that source, not through another device or from another source", async () => {
    const s = await started({ limits: { failedAttempts: { password: { max: 4, window: 300 } } } });
    const d1 = await deviceWithTokens(s);
    const d2 = await deviceWithTokens(s);
    const t1 = d1.tokens.body.access_token as string;
    for (let i = 0; i < 4; i++) {
      const r = await login(s, t1, `wrong-${i}`);
      expect([r.status, r.body.error]).toEqual([400, "invalid_grant"]);
    }
    const fifth = await login(s, t1, "wrong-5");
    expectLimited(fifth, "the 5th wrong password");
    expect(fifth.body.error).toBe("temporarily_unavailable");
    expectLimited(await login(s, t1, "wonderland"), "the right password, same device");
    expect(
      (await login(s, d2.tokens.body.access_token, "wonderland")).status,
      "another device",
    ).toBe(200);
    expect((await login(s, t1, "wonderland", OTHER)).status, "another source").toBe(200);
  });
});

describe("wrong admin keys", () => {
  it("after the limit, that source is refused (even with the right key); the holder elsewhere is not", async () => {
    const s = await started({ limits: { failedAttempts: { admin_key: { max: 5, window: 60 } } } });
    const list = (key: string, from?: string) => {
      const init = { headers: { authorization: `Bearer ${key}` } };
      return from
        ? sendFrom(from, `${s.url}/admin/registrations`, init)
        : send(`${s.url}/admin/registrations`, init);
    };
    for (let i = 0; i < 5; i++) expect((await list(`wrong-${i}`, OTHER)).status).toBe(401);
    const sixth = await list("wrong-6", OTHER);
    expectLimited(sixth, "the 6th wrong admin key");
    expect(sixth.headers.get("content-type")).toContain("application/problem+json");
    expectLimited(await list(s.adminKey, OTHER), "the right key from the attacker's source");
    expect((await list(s.adminKey)).status, "the holder, from elsewhere").toBe(200);
    // The admin bearer at /introspect counts the same way.
    const intro = await sendFrom(OTHER, `${s.url}/introspect`, {
      method: "POST",
      headers: { "content-type": FORM, authorization: `Bearer ${s.adminKey}` },
      body: "token=x",
    });
    expectLimited(intro, "introspection with the right admin key from the attacker's source");
  });
});

describe("user-code lookups", () => {
  it("after 10 misses that source is refused, a genuine approval from elsewhere is not (and a restart keeps it)", async () => {
    const file = join(dir, "user-codes.sqlite");
    const s = await started({ store: { kind: "sqlite", file }, lifetimes: { deviceCode: 600 } });
    const decide = (code: string, from?: string) => {
      const url = `${s.url}/admin/registrations/${code}/approve`;
      const init = { method: "POST", headers: admin(s) };
      return from ? sendFrom(from, url, init) : send(url, init);
    };
    const genuine = await register(s);
    const other = await register(s);
    for (let i = 0; i < 10; i++) expect((await decide("BCDF-GHJK", OTHER)).status).toBe(404);
    expectLimited(await decide("BCDF-GHJK", OTHER), "the 11th miss");
    expectLimited(
      await decide(genuine.reg.body.user_code, OTHER),
      "a genuine code from that source",
    );
    expect(
      (await decide(genuine.reg.body.user_code)).status,
      "a genuine approval from elsewhere",
    ).toBe(200);
    const port = Number(new URL(s.url).port);
    await s.close();
    await sleep(50);
    const again = await started({
      store: { kind: "sqlite", file },
      port,
      adminKey: s.adminKey,
      lifetimes: { deviceCode: 600 },
    });
    const after = await sendFrom(
      OTHER,
      `${again.url}/admin/registrations/${other.reg.body.user_code}/approve`,
      {
        method: "POST",
        headers: admin(again),
      },
    );
    expectLimited(after, "after a restart");
  });
});
