import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import {
  admin,
  approve,
  deviceWithTokens,
  manualClock,
  me,
  poll,
  refresh,
  register,
  send,
  start,
} from "./helpers.ts";

let s: RunningServer;
const clock = manualClock();
beforeAll(async () => {
  s = await start({ lifetimes: { deviceCode: 2 }, clock: clock.now });
});
afterAll(() => s.close());

const deny = (code: string) =>
  send(`${s.url}/admin/registrations/${code}/deny`, { method: "POST", headers: admin(s) });
const isProblem = (
  r: { headers: Headers; body: { type?: string; status?: number } },
  status: number,
) => {
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(r.body.status).toBe(status);
  expect(r.body.type).toMatch(/^https:\/\/dtp\.dev\/problems\/[a-z-]+$/);
};

describe("admin authentication", () => {
  it("requires the admin bearer on every admin operation", async () => {
    for (const [method, path] of [
      ["GET", "/admin/registrations"],
      ["POST", "/admin/registrations/BCDF-GHJK/approve"],
      ["POST", "/admin/registrations/BCDF-GHJK/deny"],
      ["GET", "/admin/devices/x"],
      ["DELETE", "/admin/devices/x"],
    ] as const) {
      const none = await send(s.url + path, { method });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="dtp"');
      isProblem(none, 401);
      const wrong = await send(s.url + path, { method, headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toMatch(
        /^Bearer realm="dtp", error="invalid_token"/,
      );
    }
  });
});

describe("listRegistrations", () => {
  it("lists by status (default pending) and rejects unknown statuses", async () => {
    const a = await register(s);
    const b = await register(s);
    await approve(s, a.reg.body.user_code);
    await deny(b.reg.body.user_code);
    const codes = async (q: string) =>
      (
        await send(`${s.url}/admin/registrations${q}`, { headers: admin(s) })
      ).body.registrations.map((r: { user_code: string }) => r.user_code);
    expect(await codes("")).not.toContain(a.reg.body.user_code);
    expect(await codes("?status=approved")).toContain(a.reg.body.user_code);
    expect(await codes("?status=denied")).toContain(b.reg.body.user_code);
    const bad = await send(`${s.url}/admin/registrations?status=maybe`, { headers: admin(s) });
    expect(bad.status).toBe(400);
    isProblem(bad, 400);
  });
});

describe("approveRegistration / denyRegistration", () => {
  it("matches the user code case-insensitively, dash optional", async () => {
    const d = await register(s);
    const code: string = d.reg.body.user_code;
    const r = await approve(s, code.toLowerCase().replace("-", ""));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user_code: code, client_id: d.clientId, status: "approved" });
    expect((await poll(s, d)).status).toBe(200);
  });

  it("deny → access_denied; decided → 409; unknown → 404; expired → 410", async () => {
    const d = await register(s);
    const code = d.reg.body.user_code;
    const r = await deny(code);
    expect(r.body.status).toBe("denied");
    expect((await poll(s, d)).body.error).toBe("access_denied");
    const again = await approve(s, code);
    expect(again.status).toBe(409);
    isProblem(again, 409);
    const unknown = await approve(s, "BBBB-BBBB");
    expect(unknown.status).toBe(404);
    isProblem(unknown, 404);
    const late = await register(s);
    clock.advance(3100); // lifetime 2 s, rounded up to whole seconds
    const gone = await approve(s, late.reg.body.user_code);
    expect(gone.status).toBe(410);
    isProblem(gone, 410);
  });
});

describe("rate limiting of failed lookups", () => {
  it("answers 429 with Retry-After after 10 failures in a minute", async () => {
    const limited = await start({ adminKey: "admin-for-rate-limit" });
    try {
      const attempt = () => approve(limited, "ZZZZ-ZZZZ");
      for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(404);
      const r = await attempt();
      expect(r.status).toBe(429);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      isProblem(r, 429);
    } finally {
      await limited.close();
    }
  });
});

describe("getDevice / deleteDevice", () => {
  it("shows the device and deletes it, revoking everything it holds", async () => {
    const d = await deviceWithTokens(s);
    const got = await send(`${s.url}/admin/devices/${d.clientId}`, { headers: admin(s) });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      client_id: d.clientId,
      client_type: "printer",
      scope: "me login",
    });
    expect(typeof got.body.approved_at).toBe("number");
    const login = await send(`${s.url}/login`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${d.tokens.body.access_token}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "username=alice&password=wonderland",
    });
    expect(login.status).toBe(200);
    const del = await send(`${s.url}/admin/devices/${d.clientId}`, {
      method: "DELETE",
      headers: admin(s),
    });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await send(`${s.url}/admin/devices/${d.clientId}`, { headers: admin(s) })).status).toBe(
      404,
    );
    expect((await me(s, d.tokens.body.access_token)).status).toBe(401);
    expect((await me(s, login.body.access_token)).status).toBe(401);
    expect((await refresh(s, d, d.tokens.body.refresh_token)).body.error).toBe("invalid_grant");
    const again = await send(`${s.url}/admin/devices/${d.clientId}`, {
      method: "DELETE",
      headers: admin(s),
    });
    expect(again.status).toBe(404);
  });

  it("a re-registration leaves the old device alone until approved, then replaces it", async () => {
    const d = await deviceWithTokens(s);
    const again = await register(s, { clientId: d.clientId });
    expect((await me(s, d.tokens.body.access_token)).status).toBe(200);
    await approve(s, again.reg.body.user_code);
    expect((await me(s, d.tokens.body.access_token)).status).toBe(401);
    const fresh = await poll(s, again);
    expect(fresh.status).toBe(200);
    expect((await me(s, fresh.body.access_token)).status).toBe(200);
  });
});
