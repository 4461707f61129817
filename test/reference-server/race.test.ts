/**
 * 50 identical requests in parallel for each single-use value: exactly one succeeds
 * (device-code redemption, refresh rotation, signature nonce, DPoP jti, assertion jti),
 * with both stores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer, StoreOptions } from "../../reference-server/index.ts";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../../src/protocol/assertion.ts";
import { signRequest } from "../../src/protocol/http-signature.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import {
  approve,
  basic,
  DEVICE_GRANT,
  deviceWithTokens,
  formBody,
  me,
  type Res,
  register,
  send,
  start,
} from "./helpers.ts";

const N = 50;
const dir = mkdtempSync(join(tmpdir(), "dtp-race-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, StoreOptions][] = [
  ["memory", { kind: "memory" }],
  ["sqlite", { kind: "sqlite", file: join(dir, "race.sqlite") }],
];

const parallel = (fn: () => Promise<Res>) => Promise.all(Array.from({ length: N }, fn));
const statuses = (rs: Res[]) => rs.map((r) => r.status).sort();
const exactlyOne = (rs: Res[], ok: number, fail: number) => {
  expect(rs.filter((r) => r.status === ok)).toHaveLength(1);
  expect(rs.filter((r) => r.status === fail)).toHaveLength(N - 1);
};

describe.each(stores)("races (%s store)", (_name, store) => {
  let s: RunningServer;
  let ec: DeviceKey;
  beforeAll(async () => {
    s = await start({ store });
    ec = await generateDeviceKey("ec-p256");
  });
  afterAll(() => s.close());

  it("device-code redemption", async () => {
    const d = await register(s);
    await approve(s, d.reg.body.user_code);
    const body = formBody({ grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code });
    const rs = await parallel(() =>
      send(`${s.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...basic(s, d.clientId) },
        body,
      }),
    );
    exactlyOne(rs, 200, 400);
    expect(new Set(rs.filter((r) => r.status === 400).map((r) => r.body.error))).toSatisfy(
      (set: Set<string>) => [...set].every((e) => e === "invalid_grant" || e === "slow_down"),
    );
  });

  it("refresh rotation", async () => {
    const d = await deviceWithTokens(s);
    const body = formBody({
      grant_type: "refresh_token",
      refresh_token: d.tokens.body.refresh_token,
    });
    const rs = await parallel(() =>
      send(`${s.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...basic(s, d.clientId) },
        body,
      }),
    );
    exactlyOne(rs, 200, 400);
    expect(rs.filter((r) => r.status === 400).every((r) => r.body.error === "invalid_grant")).toBe(
      true,
    );
  });

  it("signature nonce", async () => {
    const d = await deviceWithTokens(s, { key: ec, keyType: "x509" });
    const body = formBody({
      client_id: d.clientId,
      client_type: "printer",
      response_type: "device_code",
    });
    const url = `${s.url}/register`;
    const type = "application/x-www-form-urlencoded";
    const sig = signRequest({
      method: "POST",
      url,
      headers: { "content-type": type },
      body,
      key: ec.privateKey,
      keyid: ec.jkt,
    });
    const rs = await parallel(() =>
      send(url, {
        method: "POST",
        headers: { ...sig, "content-type": type, ...basic(s, d.clientId) },
        body,
      }),
    );
    exactlyOne(rs, 200, 401);
  });

  it("DPoP proof jti", async () => {
    const d = await deviceWithTokens(s, { key: ec, keyType: "x509" });
    const token = d.tokens.body.access_token;
    expect((await me(s, token, d.dpop)).status).toBe(200);
    const proof = d.dpop!.proof("GET", `${s.url}/me`, token);
    const rs = await parallel(() =>
      send(`${s.url}/me`, { headers: { authorization: `DPoP ${token}`, dpop: proof } }),
    );
    exactlyOne(rs, 200, 401);
  });

  it("client assertion jti", async () => {
    const d = await deviceWithTokens(s, { key: ec, keyType: "x509", clientType: "server" });
    const a = createClientAssertion({
      privateKey: ec.privateKey,
      clientId: d.clientId,
      audience: s.url,
    });
    const body = formBody({
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: a,
    });
    const rs = await parallel(() =>
      send(`${s.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      }),
    );
    expect(statuses(rs).filter((x) => x === 200)).toHaveLength(1);
    exactlyOne(rs, 200, 401);
  });
});
