import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import { basic, claims, deviceWithTokens, me, postForm, refresh, start } from "./helpers.ts";

let s: RunningServer;
let open: RunningServer;
let ed: DeviceKey;
beforeAll(async () => {
  [s, open] = await Promise.all([
    start(),
    start({ policies: { allowUntrustedEndpoints: true, allowUnauthenticatedRequests: true } }),
  ]);
  ed = await generateDeviceKey("ed25519");
});
afterAll(async () => {
  await s.close();
  await open.close();
});

const login = (
  srv: RunningServer,
  token: string | undefined,
  fields: Record<string, string>,
  headers = {},
) =>
  postForm(`${srv.url}/login`, fields, {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...headers,
  });
const alice = { username: "alice", password: "wonderland" };

describe("login", () => {
  it("logs a user in through a device token", async () => {
    const d = await deviceWithTokens(s);
    const r = await login(s, d.tokens.body.access_token, alice);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body).toMatchObject({ token_type: "Bearer", scope: "me tokens" });
    expect(claims(r.body.access_token)).toMatchObject({
      sub: "alice",
      client_id: d.clientId,
      dtp_kind: "user",
      scope: "me tokens",
    });
    expect((await me(s, r.body.access_token)).body).toMatchObject({
      sub: "alice",
      client_id: d.clientId,
      token_kind: "user",
    });
    const again = await refresh(s, d, r.body.refresh_token);
    expect(claims(again.body.access_token)).toMatchObject({
      sub: "alice",
      client_id: d.clientId,
      dtp_kind: "user",
    });
  });

  it("binds user tokens to the device key (DPoP)", async () => {
    const d = await deviceWithTokens(s, { key: ed, keyType: "ed25519" });
    const r = await d.dpop!.send("POST", `${s.url}/login`, {
      accessToken: d.tokens.body.access_token,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(alice).toString(),
    });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe("DPoP");
    expect(claims(r.body.access_token).cnf).toEqual({ jkt: ed.jkt });
  });

  it("rejects bad credentials and malformed requests", async () => {
    const d = await deviceWithTokens(s);
    const t = d.tokens.body.access_token;
    expect((await login(s, t, { username: "alice", password: "nope" })).body.error).toBe(
      "invalid_grant",
    );
    expect((await login(s, t, { username: "nobody", password: "nope" })).body.error).toBe(
      "invalid_grant",
    );
    for (const fields of [{}, { username: "alice" }, { username: "alice", card_id: "CARD-1234" }])
      expect((await login(s, t, fields)).body.error, JSON.stringify(fields)).toBe(
        "invalid_request",
      );
    expect((await login(s, t, { card_id: "CARD-1234" })).body.error).toBe("invalid_request");
  });

  it("answers challenges without a device token, with a bad one, or without scope login", async () => {
    const none = await login(s, undefined, alice);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="dtp"(,|$)/);
    expect(none.headers.get("www-authenticate")).not.toMatch(/error=/);
    expect(none.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const d = await deviceWithTokens(s);
    const basicOnly = await login(s, undefined, alice, basic(s, d.clientId));
    expect(basicOnly.status).toBe(401);
    const bad = await login(s, "garbage.token.here", alice);
    expect(bad.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    const user = await login(s, d.tokens.body.access_token, alice);
    const noScope = await login(s, user.body.access_token, alice);
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get("www-authenticate")).toMatch(/error="insufficient_scope"/);
    const narrowed = await refresh(s, d, d.tokens.body.refresh_token, { scope: "me" });
    expect((await login(s, narrowed.body.access_token, alice)).status).toBe(403);
  });
});

describe("login policies", () => {
  it("allow_untrusted_endpoints: the API key instead of a device token", async () => {
    const r = await login(open, undefined, alice, basic(open, "kiosk-1"));
    expect(r.status).toBe(200);
    expect(claims(r.body.access_token)).toMatchObject({
      sub: "alice",
      client_id: "kiosk-1",
      dtp_kind: "user",
    });
    expect((await me(open, r.body.access_token)).status).toBe(200);
    const wrong = await login(open, undefined, alice, {
      authorization: `Basic ${Buffer.from("kiosk-1:nope").toString("base64")}`,
    });
    expect([wrong.status, wrong.body.error]).toEqual([401, "invalid_client"]);
  });

  it("allow_unauthenticated_requests: card_id logs the card holder in", async () => {
    const d = await deviceWithTokens(open);
    const r = await login(open, d.tokens.body.access_token, { card_id: "CARD-1234" });
    expect(r.status).toBe(200);
    expect(claims(r.body.access_token).sub).toBe("alice");
    expect(
      (await login(open, d.tokens.body.access_token, { card_id: "CARD-0000" })).body.error,
    ).toBe("invalid_grant");
  });
});
