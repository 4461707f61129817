import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, SHORT_LIFETIMES } from "../../reference-server/index.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import {
  basic,
  claims,
  DpopClient,
  deviceWithTokens,
  manualClock,
  me,
  postForm,
  refresh,
  start,
} from "./helpers.ts";

let s: RunningServer;
const clock = manualClock();
let ec: DeviceKey;
beforeAll(async () => {
  s = await start({ clock: clock.now });
  ec = await generateDeviceKey("ec-p256");
});
afterAll(() => s.close());

describe("token (refresh_token grant)", () => {
  it("rotates; reuse of a rotated token revokes the whole family", async () => {
    const d = await deviceWithTokens(s);
    const first = d.tokens.body;
    const second = await refresh(s, d, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.headers.get("cache-control")).toBe("no-store");
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    const reuse = await refresh(s, d, first.refresh_token);
    expect([reuse.status, reuse.body.error]).toEqual([400, "invalid_grant"]);
    expect((await refresh(s, d, second.body.refresh_token)).body.error).toBe("invalid_grant");
    expect((await me(s, second.body.access_token)).status).toBe(401);
    expect((await me(s, first.access_token)).status).toBe(401);
  });

  it("narrows scope only; the refresh token keeps the presented scope", async () => {
    const d = await deviceWithTokens(s);
    const narrowed = await refresh(s, d, d.tokens.body.refresh_token, { scope: "login" });
    expect(narrowed.body.scope).toBe("login");
    expect(claims(narrowed.body.access_token).scope).toBe("login");
    const me403 = await me(s, narrowed.body.access_token);
    expect(me403.status).toBe(403);
    expect(me403.headers.get("www-authenticate")).toMatch(/error="insufficient_scope"/);
    const wider = await refresh(s, d, narrowed.body.refresh_token, { scope: "me tokens" });
    expect(wider.body.error).toBe("invalid_scope");
    const back = await refresh(s, d, narrowed.body.refresh_token, { scope: "me" });
    expect(back.status).toBe(200);
  });

  it("refuses another client's token (without revoking it) and missing client auth", async () => {
    const d = await deviceWithTokens(s);
    const other = await deviceWithTokens(s);
    const stolen = await postForm(
      `${s.url}/token`,
      { grant_type: "refresh_token", refresh_token: d.tokens.body.refresh_token },
      basic(s, other.clientId),
    );
    expect(stolen.body.error).toBe("invalid_grant");
    const noAuth = await postForm(`${s.url}/token`, {
      grant_type: "refresh_token",
      refresh_token: d.tokens.body.refresh_token,
    });
    expect([noAuth.status, noAuth.body.error]).toEqual([401, "invalid_client"]);
    expect((await refresh(s, d, d.tokens.body.refresh_token)).status).toBe(200);
  });

  it("requires the same DPoP key for a bound family and keeps the binding", async () => {
    const d = await deviceWithTokens(s, { key: ec, keyType: "x509" });
    const fields = { grant_type: "refresh_token", refresh_token: d.tokens.body.refresh_token };
    const noProof = await postForm(`${s.url}/token`, fields, basic(s, d.clientId));
    expect(noProof.body.error).toBe("invalid_dpop_proof");
    const stranger = new DpopClient(await generateDeviceKey("ec-p256"));
    expect(
      (await stranger.postForm(`${s.url}/token`, fields, basic(s, d.clientId))).body.error,
    ).toBe("invalid_dpop_proof");
    const ok = await refresh(s, d, d.tokens.body.refresh_token);
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe("DPoP");
    expect(claims(ok.body.access_token).cnf).toEqual({ jkt: ec.jkt });
  });

  it("expires with the family, counted from the original grant", async () => {
    const d = await deviceWithTokens(s);
    const family = SHORT_LIFETIMES.refreshToken * 1000;
    clock.advance(family * 0.6);
    const r1 = await refresh(s, d, d.tokens.body.refresh_token);
    expect(r1.status).toBe(200);
    clock.advance(family * 0.4 + 1000);
    expect((await refresh(s, d, r1.body.refresh_token)).body.error).toBe("invalid_grant");
  });
});

describe("reuse grace period", () => {
  it("does not revoke the family when a rotated token comes back within the grace", async () => {
    const graceful = await start({ refreshReuseGrace: 5, clock: clock.now });
    try {
      const d = await deviceWithTokens(graceful);
      const next = await refresh(graceful, d, d.tokens.body.refresh_token);
      const again = await refresh(graceful, d, d.tokens.body.refresh_token);
      expect(again.status).toBe(200);
      expect((await refresh(graceful, d, next.body.refresh_token)).status).toBe(200);
      clock.advance(6000);
      expect((await refresh(graceful, d, d.tokens.body.refresh_token)).body.error).toBe(
        "invalid_grant",
      );
    } finally {
      await graceful.close();
    }
  });
});
