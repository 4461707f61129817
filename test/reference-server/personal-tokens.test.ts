import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { admin, deviceWithTokens, manualClock, me, postForm, send, start } from "./helpers.ts";

let s: RunningServer;
const clock = manualClock();
let userToken: string;
let bobToken: string;
let deviceToken: string;
let clientId: string;
beforeAll(async () => {
  s = await start({ clock: clock.now, lifetimes: { accessToken: 3600 } });
  const d = await deviceWithTokens(s);
  clientId = d.clientId;
  deviceToken = d.tokens.body.access_token;
  const auth = { authorization: `Bearer ${deviceToken}` };
  userToken = (
    await postForm(`${s.url}/login`, { username: "alice", password: "wonderland" }, auth)
  ).body.access_token;
  bobToken = (await postForm(`${s.url}/login`, { username: "bob", password: "builder" }, auth)).body
    .access_token;
});
afterAll(() => s.close());

const create = (token: string | undefined, body: unknown, type = "application/json") =>
  send(`${s.url}/personal-tokens`, {
    method: "POST",
    headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const list = (token: string) =>
  send(`${s.url}/personal-tokens`, { headers: { authorization: `Bearer ${token}` } });
const revoke = (token: string, id: string) =>
  send(`${s.url}/personal-tokens/${id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });

describe("personal tokens", () => {
  it("creates, lists (without secrets), uses and revokes a token", async () => {
    const r = await create(userToken, { name: "ci", expires_in: 600 });
    expect(r.status).toBe(201);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("pragma")).toBe("no-cache");
    expect(r.body).toMatchObject({ name: "ci", scope: "me" });
    expect(r.body.token).toMatch(/^dtp_pat_[A-Za-z0-9_-]{43}$/);
    expect(r.body.expires_at - r.body.created_at).toBe(600);
    const listed = await list(userToken);
    expect(listed.body.tokens).toContainEqual({
      id: r.body.id,
      name: "ci",
      scope: "me",
      created_at: r.body.created_at,
      expires_at: r.body.expires_at,
    });
    expect(listed.text).not.toContain(r.body.token);
    expect((await list(bobToken)).body.tokens).toEqual([]);
    const who = await me(s, r.body.token);
    expect(who.body).toEqual({
      sub: "alice",
      client_id: clientId,
      token_kind: "personal",
      scope: ["me"],
    });
    expect((await revoke(bobToken, r.body.id)).status).toBe(404);
    expect((await revoke(userToken, r.body.id)).status).toBe(204);
    expect((await me(s, r.body.token)).status).toBe(401);
    expect((await list(userToken)).body.tokens).toEqual([]);
    expect((await revoke(userToken, r.body.id)).status).toBe(404);
  });

  it("validates the body: expires_in required, 1..max, name, scope; JSON only", async () => {
    const bad = [
      { name: "x" },
      { name: "x", expires_in: 0 },
      { name: "x", expires_in: 3601 },
      { name: "x", expires_in: 1.5 },
      { name: "", expires_in: 60 },
      { name: "x".repeat(129), expires_in: 60 },
      { name: "x", expires_in: 60, scope: "tokens" },
      { name: "x", expires_in: "60" },
      { name: "x", expires_in: 60, extra: 1 },
    ];
    for (const body of bad) {
      const r = await create(userToken, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    expect((await create(userToken, "{nope")).status).toBe(400);
    expect((await create(userToken, "name=x", "application/x-www-form-urlencoded")).status).toBe(
      415,
    );
  });

  it("requires a token with scope tokens", async () => {
    const none = await create(undefined, { name: "x", expires_in: 60 });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).not.toMatch(/error=/);
    const device = await create(deviceToken, { name: "x", expires_in: 60 });
    expect(device.status).toBe(403);
    expect(device.headers.get("www-authenticate")).toMatch(
      /error="insufficient_scope", error_description="[^"]*", scope="tokens"/,
    );
    const pat = (await create(userToken, { name: "p", expires_in: 60 })).body.token;
    expect((await list(pat)).status).toBe(403);
  });

  it("expires, and survives the deletion of the device it was created through", async () => {
    const short = (await create(userToken, { name: "short", expires_in: 5 })).body.token;
    const long = (await create(userToken, { name: "long", expires_in: 3000 })).body.token;
    expect(
      (await send(`${s.url}/admin/devices/${clientId}`, { method: "DELETE", headers: admin(s) }))
        .status,
    ).toBe(204);
    expect((await me(s, long)).status).toBe(200);
    clock.advance(5000);
    const expired = await me(s, short);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="dtp", error="invalid_token"/,
    );
  });
});
