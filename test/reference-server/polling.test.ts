import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import {
  approve,
  basic,
  claims,
  DEVICE_GRANT,
  manualClock,
  poll,
  postForm,
  register,
  start,
} from "./helpers.ts";

let s: RunningServer;
const clock = manualClock();
const sleep = async (ms: number) => clock.advance(ms);
beforeAll(async () => {
  s = await start({ lifetimes: { deviceCode: 3, interval: 1 }, clock: clock.now });
});
afterAll(() => s.close());

describe("token (device_code grant)", () => {
  it("pending → authorization_pending; too fast → slow_down with +5 s enforced", async () => {
    const d = await register(s);
    expect((await poll(s, d)).body.error).toBe("authorization_pending");
    const fast = await poll(s, d);
    expect([fast.status, fast.body.error]).toEqual([400, "slow_down"]);
    // The interval is now 6 s: a poll 1.1 s later is still too fast.
    await sleep(1100);
    expect((await poll(s, d)).body.error).toBe("slow_down");
  });

  it("a poll after the interval is not slow_down; approval then returns tokens once", async () => {
    const d = await register(s);
    expect((await poll(s, d)).body.error).toBe("authorization_pending");
    await sleep(1050);
    expect((await poll(s, d)).body.error).toBe("authorization_pending");
    await approve(s, d.reg.body.user_code);
    await sleep(1050);
    const ok = await poll(s, d);
    expect(`${ok.status} ${JSON.stringify(ok.body)}`).toMatch(/^200 /);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("pragma")).toBe("no-cache");
    expect(ok.body).toMatchObject({ token_type: "Bearer", expires_in: 4, scope: "me login" });
    expect(ok.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const c = claims(ok.body.access_token);
    expect(c).toMatchObject({
      iss: s.url,
      aud: s.url,
      sub: d.clientId,
      client_id: d.clientId,
      dtp_kind: "device",
      scope: "me login",
    });
    expect(c.exp - c.iat).toBe(4);
    expect(c).not.toHaveProperty("cnf");
    await sleep(1050);
    const again = await poll(s, d);
    expect([again.status, again.body.error]).toEqual([400, "invalid_grant"]);
  });

  it("unknown code and another client's code → invalid_grant, leaving the code to its owner", async () => {
    const d = await register(s);
    await approve(s, d.reg.body.user_code);
    const unknown = await postForm(
      `${s.url}/token`,
      { grant_type: DEVICE_GRANT, device_code: "nope" },
      basic(s, d.clientId),
    );
    expect(unknown.body.error).toBe("invalid_grant");
    const other = await postForm(
      `${s.url}/token`,
      { grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code },
      basic(s, "someone-else"),
    );
    expect(other.body.error).toBe("invalid_grant");
    expect((await poll(s, d)).status).toBe(200);
  });

  it("expired codes answer expired_token, also long after, even when approved", async () => {
    const pending = await register(s);
    const approved = await register(s);
    await approve(s, approved.reg.body.user_code);
    await sleep(4100); // lifetime 3 s, rounded up to whole seconds
    expect((await poll(s, pending)).body.error).toBe("expired_token");
    expect((await poll(s, approved)).body.error).toBe("expired_token");
    await sleep(1100);
    expect((await poll(s, pending)).body.error).toBe("expired_token");
  });

  it("requires client authentication and the parameters", async () => {
    const d = await register(s);
    const noAuth = await postForm(`${s.url}/token`, {
      grant_type: DEVICE_GRANT,
      device_code: d.reg.body.device_code,
    });
    expect([noAuth.status, noAuth.body.error]).toEqual([401, "invalid_client"]);
    const noCode = await postForm(
      `${s.url}/token`,
      { grant_type: DEVICE_GRANT },
      basic(s, d.clientId),
    );
    expect(noCode.body.error).toBe("invalid_request");
    const noGrant = await postForm(`${s.url}/token`, { device_code: "x" }, basic(s, d.clientId));
    expect(noGrant.body.error).toBe("invalid_request");
    const password = await postForm(
      `${s.url}/token`,
      { grant_type: "password" },
      basic(s, d.clientId),
    );
    expect(password.body.error).toBe("unsupported_grant_type");
  });
});
