import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import { admin, basic, claims, deviceWithTokens, me, postForm, refresh, start } from "./helpers.ts";

let s: RunningServer;
let ed: DeviceKey;
beforeAll(async () => {
  s = await start();
  ed = await generateDeviceKey("ed25519");
});
afterAll(() => s.close());

const revoke = (clientId: string, token: string, hint?: string) =>
  postForm(`${s.url}/revoke`, { token, token_type_hint: hint }, basic(s, clientId));
const introspect = (token: string, headers: Record<string, string>) =>
  postForm(`${s.url}/introspect`, { token }, headers);

describe("revokeToken", () => {
  it("revokes an access token at once; 200 for unknown and foreign tokens", async () => {
    const d = await deviceWithTokens(s);
    const other = await deviceWithTokens(s);
    const foreign = await revoke(other.clientId, d.tokens.body.access_token);
    expect([foreign.status, foreign.text]).toEqual([200, ""]);
    expect((await me(s, d.tokens.body.access_token)).status).toBe(200);
    expect((await revoke(d.clientId, d.tokens.body.access_token, "refresh_token")).status).toBe(
      200,
    );
    expect((await me(s, d.tokens.body.access_token)).status).toBe(401);
    expect((await revoke(d.clientId, "garbage")).status).toBe(200);
    expect((await revoke(d.clientId, d.tokens.body.access_token, "weird_hint")).status).toBe(200);
    expect((await refresh(s, d, d.tokens.body.refresh_token)).status).toBe(200);
  });

  it("revoking a refresh token revokes its family", async () => {
    const d = await deviceWithTokens(s);
    const next = await refresh(s, d, d.tokens.body.refresh_token);
    expect((await revoke(d.clientId, next.body.refresh_token)).status).toBe(200);
    expect((await refresh(s, d, next.body.refresh_token)).body.error).toBe("invalid_grant");
    expect((await me(s, next.body.access_token)).status).toBe(401);
  });

  it("requires client authentication and a token", async () => {
    expect((await postForm(`${s.url}/revoke`, { token: "x" })).status).toBe(401);
    const d = await deviceWithTokens(s);
    expect((await postForm(`${s.url}/revoke`, {}, basic(s, d.clientId))).body.error).toBe(
      "invalid_request",
    );
  });
});

describe("introspectToken", () => {
  it("describes the caller's own active tokens, and any token to the admin", async () => {
    const d = await deviceWithTokens(s, { key: ed, keyType: "ed25519" });
    const at = d.tokens.body.access_token;
    const own = await introspect(at, basic(s, d.clientId));
    const c = claims(at);
    expect(own.body).toEqual({
      active: true,
      scope: c.scope,
      client_id: d.clientId,
      sub: c.sub,
      token_type: "DPoP",
      exp: c.exp,
      iat: c.iat,
      iss: s.url,
      jti: c.jti,
      dtp_kind: "device",
      cnf: { jkt: ed.jkt },
    });
    const rt = await introspect(d.tokens.body.refresh_token, admin(s));
    expect(rt.body).toMatchObject({
      active: true,
      client_id: d.clientId,
      dtp_kind: "device",
      token_type: "DPoP",
    });
    const other = await deviceWithTokens(s);
    expect((await introspect(at, basic(s, other.clientId))).body).toEqual({ active: false });
    expect((await introspect(at, admin(s))).body.active).toBe(true);
  });

  it("answers active:false for unknown, revoked tokens; 401 without credentials", async () => {
    const d = await deviceWithTokens(s);
    expect((await introspect("garbage", basic(s, d.clientId))).body).toEqual({ active: false });
    await postForm(`${s.url}/revoke`, { token: d.tokens.body.access_token }, basic(s, d.clientId));
    expect((await introspect(d.tokens.body.access_token, basic(s, d.clientId))).body).toEqual({
      active: false,
    });
    const none = await introspect("x", {});
    expect([none.status, none.body.error]).toEqual([401, "invalid_client"]);
    const badAdmin = await introspect("x", { authorization: "Bearer nope" });
    expect([badAdmin.status, badAdmin.body.error]).toEqual([401, "invalid_token"]);
    expect((await postForm(`${s.url}/introspect`, {}, admin(s))).body.error).toBe(
      "invalid_request",
    );
  });
});
