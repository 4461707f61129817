/**
 * A restart on the same sqlite file keeps every registration and token: the signing key,
 * devices, families, rotated refresh tokens (still dead), pending registrations, API keys.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { generateDeviceKey } from "../../src/protocol/keys.ts";
import {
  admin,
  approve,
  deviceWithTokens,
  me,
  poll,
  refresh,
  register,
  send,
  sleep,
  start,
} from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "dtp-restart-"));
const file = join(dir, "dtp.sqlite");
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("restart with the sqlite store", () => {
  it("keeps registrations, devices and tokens; rotated refresh tokens stay dead", async () => {
    const s1 = await start({
      store: { kind: "sqlite", file },
      lifetimes: { accessToken: 3600, refreshToken: 3600, deviceCode: 600 },
    });
    servers.push(s1);
    const key = await generateDeviceKey("ec-p256");
    const bound = await deviceWithTokens(s1, { key, keyType: "x509" });
    const plain = await deviceWithTokens(s1);
    const rotated = await refresh(s1, plain, plain.tokens.body.refresh_token);
    expect(rotated.status).toBe(200);
    const pending = await register(s1);
    const approvedLater = await register(s1);
    await approve(s1, approvedLater.reg.body.user_code);
    const jwks1 = (await send(`${s1.url}/jwks`)).body;
    const port = Number(new URL(s1.url).port);
    await s1.close();
    // Let the client's pooled keep-alive sockets see the old server's FIN before reusing the origin.
    await sleep(50);

    const s2 = await start({
      store: { kind: "sqlite", file },
      port,
      lifetimes: { accessToken: 3600, refreshToken: 3600, deviceCode: 600 },
    });
    servers.push(s2);
    expect(s2.url).toBe(s1.url);
    expect((await send(`${s2.url}/jwks`)).body).toEqual(jwks1);
    // Access tokens issued before the restart still verify; DPoP nonces too.
    expect((await me(s2, rotated.body.access_token)).status).toBe(200);
    expect((await me(s2, bound.tokens.body.access_token, bound.dpop)).status).toBe(200);
    // The old API key (hash kept in the store) still authenticates the devices.
    const oldKey = { ...s2, apiKey: s1.apiKey };
    const next = await refresh(oldKey, plain, rotated.body.refresh_token);
    expect(next.status).toBe(200);
    expect((await refresh(oldKey, bound, bound.tokens.body.refresh_token)).status).toBe(200);
    // Rotated refresh tokens are still dead (and their reuse revokes the family).
    expect((await refresh(oldKey, plain, plain.tokens.body.refresh_token)).body.error).toBe(
      "invalid_grant",
    );
    expect((await me(s2, next.body.access_token)).status).toBe(401);
    // Registrations: pending ones are still listed; an approved code can still be redeemed once.
    const list = await send(`${s2.url}/admin/registrations`, {
      headers: { authorization: `Bearer ${s1.adminKey}` },
    });
    expect(list.body.registrations.map((r: { user_code: string }) => r.user_code)).toContain(
      pending.reg.body.user_code,
    );
    expect((await poll(oldKey, approvedLater)).status).toBe(200);
    expect((await poll(oldKey, approvedLater)).body.error).toBe("invalid_grant");
    const device = await send(`${s2.url}/admin/devices/${bound.clientId}`, { headers: admin(s2) });
    expect(device.body.jkt).toBe(key.jkt);
  });
});
