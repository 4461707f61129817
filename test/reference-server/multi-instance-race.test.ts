/**
 * Races across instances (issue 18): three `dtp serve` processes on one PostgreSQL; for
 * every single-use item, 50 identical requests spread over the three instances in
 * parallel → exactly one succeeds, 20 rounds. A replay cache or a nonce store kept in one
 * process, or a read-then-write decision, lets more than one through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../../src/protocol/assertion.ts";
import { signRequest } from "../../src/protocol/http-signature.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import {
  admin,
  approve,
  basic,
  DEVICE_GRANT,
  deviceWithTokens,
  formBody,
  me,
  type Res,
  register,
  send,
} from "./helpers.ts";
import { type Deployment, startInstances } from "./instances.ts";
import { startPostgres, type TestPostgres } from "./postgres.ts";

const N = 50;
const ROUNDS = 20;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

let pg: TestPostgres;
let d3: Deployment;
let ec: DeviceKey;
beforeAll(async () => {
  pg = await startPostgres();
  d3 = await startInstances(await pg.database(), 3, ["--short"]);
  ec = await generateDeviceKey("ec-p256");
}, 120_000);
afterAll(async () => {
  await d3?.stop();
  await pg?.stop();
});

/** `path` on instance i (requests name the issuer's URLs in htu and @target-uri). */
const on = (i: number, path: string) => `${d3.instances[i % d3.instances.length]}${path}`;
/** 50 identical requests, spread round-robin over the instances, all in flight at once. */
const spread = (send1: (instance: number) => Promise<Res>) =>
  Promise.all(Array.from({ length: N }, (_, i) => send1(i)));
const count = (rs: Res[], status: number) => rs.filter((r) => r.status === status).length;

/** Runs `round` ROUNDS times; returns how many requests succeeded in each. */
async function rounds(round: () => Promise<Res[]>, ok: number, refused: number[]) {
  const wins: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const rs = await round();
    wins.push(count(rs, ok));
    const other = rs.filter((x) => x.status !== ok && !refused.includes(x.status));
    expect(other.map((x) => `${x.status} ${x.text}`)).toEqual([]);
  }
  expect(wins).toEqual(Array(ROUNDS).fill(1));
}

describe("single-use across 3 instances on one PostgreSQL (50 parallel requests, 20 rounds)", () => {
  it("the instances are one server: one issuer, one signing key", async () => {
    const keys = await Promise.all(d3.instances.map((u) => send(`${u}/jwks`)));
    const kids = keys.map((k) => k.body.keys.map((x: { kid: string }) => x.kid).join());
    expect(new Set(kids).size).toBe(1);
    const meta = await send(on(2, "/.well-known/oauth-authorization-server"));
    expect(meta.body.issuer).toBe(d3.server.url);
  });

  it("device-code redemption", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await register(s);
        await approve(s, d.reg.body.user_code);
        const body = formBody({ grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code });
        return spread((i) =>
          send(on(i, "/token"), {
            method: "POST",
            headers: { ...FORM, ...basic(s, d.clientId) },
            body,
          }),
        );
      },
      200,
      [400],
    );
  });

  it("user-code approval", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await register(s);
        const path = `/admin/registrations/${d.reg.body.user_code}/approve`;
        return spread((i) => send(on(i, path), { method: "POST", headers: admin(s) }));
      },
      200,
      [409],
    );
  });

  it("refresh rotation", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await deviceWithTokens(s);
        const body = formBody({
          grant_type: "refresh_token",
          refresh_token: d.tokens.body.refresh_token,
        });
        return spread((i) =>
          send(on(i, "/token"), {
            method: "POST",
            headers: { ...FORM, ...basic(s, d.clientId) },
            body,
          }),
        );
      },
      200,
      [400],
    );
  });

  it("DPoP proof jti (and server nonces shared by the instances)", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await deviceWithTokens(s, { key: ec, keyType: "x509" });
        const token = d.tokens.body.access_token;
        expect((await me(s, token, d.dpop)).status).toBe(200);
        const proof = d.dpop!.proof("GET", `${s.url}/me`, token);
        return spread((i) =>
          send(on(i, "/me"), { headers: { authorization: `DPoP ${token}`, dpop: proof } }),
        );
      },
      200,
      [401],
    );
  });

  it("signature nonce", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await deviceWithTokens(s, { key: ec, keyType: "x509" });
        const body = formBody({
          client_id: d.clientId,
          client_type: "printer",
          response_type: "device_code",
        });
        const sig = signRequest({
          method: "POST",
          url: `${s.url}/register`,
          headers: { "content-type": FORM["content-type"] },
          body,
          key: ec.privateKey,
          keyid: ec.jkt,
        });
        return spread((i) =>
          send(on(i, "/register"), {
            method: "POST",
            headers: { ...sig, ...FORM, ...basic(s, d.clientId) },
            body,
          }),
        );
      },
      200,
      [401],
    );
  });

  it("client assertion jti", async () => {
    const s = d3.server;
    await rounds(
      async () => {
        const d = await deviceWithTokens(s, { key: ec, keyType: "x509", clientType: "server" });
        const body = formBody({
          grant_type: "client_credentials",
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: createClientAssertion({
            privateKey: ec.privateKey,
            clientId: d.clientId,
            audience: s.url,
          }),
        });
        return spread((i) => send(on(i, "/token"), { method: "POST", headers: FORM, body }));
      },
      200,
      [401],
    );
  });
});
