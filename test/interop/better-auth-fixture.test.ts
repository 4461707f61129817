/**
 * The better-auth peer itself (test/fixtures/better-auth): its device flow works end to end
 * as better-auth documents it (JSON bodies, the test-only approval route), and it shows the
 * two RFC deviations the kit must find: the token endpoint refuses
 * `application/x-www-form-urlencoded` (RFC 6749 §3.2, RFC 8628 §3.4) with 415, and its
 * validation errors are `{"code": "VALIDATION_ERROR"}` instead of RFC 6749 §5.2 JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BetterAuthPeer,
  CLIENTS,
  startBetterAuthPeer,
} from "../fixtures/better-auth/server.ts";

const GRANT = "urn:ietf:params:oauth:grant-type:device_code";
let peer: BetterAuthPeer;
beforeAll(async () => {
  peer = await startBetterAuthPeer();
});
afterAll(() => peer?.close());

describe("the better-auth peer", () => {
  it("runs the device flow with JSON bodies and the test-only approval", async () => {
    const client_id = CLIENTS[0];
    const code = await fetch(`${peer.url}/api/auth/device/code`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id, scope: "openid" }),
    });
    expect(code.status).toBe(200);
    const { device_code, user_code } = (await code.json()) as Record<string, string>;
    const token = () =>
      fetch(`${peer.url}/api/auth/device/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ grant_type: GRANT, device_code, client_id }),
      });
    expect(await (await token()).json()).toMatchObject({ error: "authorization_pending" });
    const approved = await fetch(`${peer.url}/test/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_code }),
    });
    expect(approved.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // the polling interval (1 s), or slow_down
    const tokens = await token();
    expect(tokens.status).toBe(200);
    expect(await tokens.json()).toMatchObject({ token_type: "Bearer" });
  });

  it("refuses form bodies at the token endpoint (415) and answers validation errors in its own format", async () => {
    const form = await fetch(`${peer.url}/api/auth/device/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: GRANT, device_code: "x", client_id: CLIENTS[0] }),
    });
    expect(form.status).toBe(415);
    const missing = await fetch(`${peer.url}/api/auth/device/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: GRANT, client_id: CLIENTS[0] }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });
});
