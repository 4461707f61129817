import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { createDpopProof } from "../../src/protocol/dpop.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import {
  approve,
  basic,
  claims,
  DEVICE_GRANT,
  DpopClient,
  deviceWithTokens,
  me,
  postForm,
  register,
  send,
  start,
} from "./helpers.ts";

let s: RunningServer;
let ec: DeviceKey;
let other: DeviceKey;
beforeAll(async () => {
  s = await start();
  [ec, other] = await Promise.all([generateDeviceKey("ec-p256"), generateDeviceKey("ec-p256")]);
});
afterAll(() => s.close());

const wwwAuth = (r: { headers: Headers }) => r.headers.get("www-authenticate") ?? "";

describe("DPoP at the token endpoint", () => {
  it("requires a proof with the registered key, and the server nonce", async () => {
    const d = await register(s, { key: ec });
    await approve(s, d.reg.body.user_code);
    const fields = { grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code };
    const none = await postForm(`${s.url}/token`, fields, basic(s, d.clientId));
    expect([none.status, none.body.error]).toEqual([400, "invalid_dpop_proof"]);
    const stranger = new DpopClient(other);
    const wrongKey = await stranger.postForm(`${s.url}/token`, fields, basic(s, d.clientId));
    expect(wrongKey.body.error).toBe("invalid_dpop_proof");
    // No nonce yet: use_dpop_nonce with a DPoP-Nonce header; the retry with it succeeds.
    const fresh = new DpopClient(ec);
    const proof = fresh.proof("POST", `${s.url}/token`);
    const noNonce = await postForm(`${s.url}/token`, fields, {
      ...basic(s, d.clientId),
      dpop: proof,
    });
    expect(noNonce.body.error).toBe("use_dpop_nonce");
    const nonce = noNonce.headers.get("dpop-nonce");
    expect(nonce).toBeTruthy();
    fresh.nonce = "made-up";
    const stale = await postForm(`${s.url}/token`, fields, {
      ...basic(s, d.clientId),
      dpop: fresh.proof("POST", `${s.url}/token`),
    });
    expect(stale.body.error).toBe("use_dpop_nonce");
    fresh.nonce = nonce!;
    const ok = await postForm(`${s.url}/token`, fields, {
      ...basic(s, d.clientId),
      dpop: fresh.proof("POST", `${s.url}/token`),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe("DPoP");
    expect(claims(ok.body.access_token).cnf).toEqual({ jkt: ec.jkt });
  });

  it("rejects a wrong htm, accepts an htu differing only in host case and default port", async () => {
    const d = await register(s, { key: ec });
    const c = d.dpop!;
    await c.postForm(
      `${s.url}/token`,
      { grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code },
      basic(s, d.clientId),
    );
    const fields = { grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code };
    const badHtm = await postForm(`${s.url}/token`, fields, {
      ...basic(s, d.clientId),
      dpop: c.proof("GET", `${s.url}/token`),
    });
    expect(badHtm.body.error).toBe("invalid_dpop_proof");
    const loud = `${s.url.replace("http", "HTTP")}/token?x=1`;
    const okHtu = await postForm(`${s.url}/token`, fields, {
      ...basic(s, d.clientId),
      dpop: c.proof("POST", loud),
    });
    expect(okHtu.body.error).not.toBe("invalid_dpop_proof");
  });

  it("binds a keyless device's tokens to the key of the proof it sends", async () => {
    const d = await register(s);
    await approve(s, d.reg.body.user_code);
    const c = new DpopClient(other);
    const r = await c.postForm(
      `${s.url}/token`,
      { grant_type: DEVICE_GRANT, device_code: d.reg.body.device_code },
      basic(s, d.clientId),
    );
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe("DPoP");
    expect(claims(r.body.access_token).cnf).toEqual({ jkt: other.jkt });
    expect((await me(s, r.body.access_token, c)).status).toBe(200);
  });
});

describe("DPoP at protected resources", () => {
  it("checks scheme, proof, ath, key, nonce and jti replay", async () => {
    const d = await deviceWithTokens(s, { key: ec });
    const token: string = d.tokens.body.access_token;
    const c = d.dpop!;
    expect((await me(s, token, c)).status).toBe(200);
    const asBearer = await me(s, token);
    expect(asBearer.status).toBe(401);
    expect(wwwAuth(asBearer)).toMatch(/error="invalid_token"/);
    const noProof = await send(`${s.url}/me`, { headers: { authorization: `DPoP ${token}` } });
    expect(noProof.status).toBe(401);
    expect(wwwAuth(noProof)).toMatch(
      /^DPoP realm="dtp", error="invalid_dpop_proof".*algs="ES256 EdDSA RS256 PS256"/,
    );
    expect(noProof.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const noAth = await send(`${s.url}/me`, {
      headers: { authorization: `DPoP ${token}`, dpop: c.proof("GET", `${s.url}/me`) },
    });
    expect(wwwAuth(noAth)).toMatch(/error="invalid_dpop_proof"/);
    const stranger = new DpopClient(other);
    stranger.nonce = c.nonce;
    const wrongKey = await send(`${s.url}/me`, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: stranger.proof("GET", `${s.url}/me`, token),
      },
    });
    expect(wwwAuth(wrongKey)).toMatch(/^DPoP .*error="invalid_token"/);
    const noNonce = createDpopProof({
      key: { privateKey: ec.privateKey, jwk: ec.jwk },
      htm: "GET",
      htu: `${s.url}/me`,
      accessToken: token,
    });
    const nn = await send(`${s.url}/me`, {
      headers: { authorization: `DPoP ${token}`, dpop: noNonce },
    });
    expect(wwwAuth(nn)).toMatch(/error="use_dpop_nonce"/);
    expect(nn.headers.get("dpop-nonce")).toBeTruthy();
    const once = c.proof("GET", `${s.url}/me`, token);
    const first = await send(`${s.url}/me`, {
      headers: { authorization: `DPoP ${token}`, dpop: once },
    });
    expect(first.status).toBe(200);
    const replay = await send(`${s.url}/me`, {
      headers: { authorization: `DPoP ${token}`, dpop: once },
    });
    expect(wwwAuth(replay)).toMatch(/error="invalid_dpop_proof"/);
    const two = await send(`${s.url}/me`, {
      headers: { authorization: `DPoP ${token}`, dpop: `${once}, ${once}` },
    });
    expect(wwwAuth(two)).toMatch(/error="invalid_dpop_proof"/);
  });

  it("a Bearer token presented with the DPoP scheme is invalid_token", async () => {
    const d = await deviceWithTokens(s);
    const c = new DpopClient(other);
    const r = await c.send("GET", `${s.url}/me`, { accessToken: d.tokens.body.access_token });
    expect(r.status).toBe(401);
    expect(wwwAuth(r)).toMatch(/error="invalid_token"/);
  });
});

describe("without required nonces", () => {
  it("accepts proofs without a nonce", async () => {
    const relaxed = await start({ dpopNonceRequired: false });
    try {
      const d = await deviceWithTokens(relaxed, { key: ec });
      expect(d.dpop!.nonce).toBeUndefined();
      expect((await me(relaxed, d.tokens.body.access_token, d.dpop)).status).toBe(200);
      expect(
        (await send(`${relaxed.url}/.well-known/oauth-authorization-server`)).body
          .dtp_dpop_nonce_required,
      ).toBe(false);
    } finally {
      await relaxed.close();
    }
  });
});
