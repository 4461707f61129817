import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../../src/protocol/assertion.ts";
import { hmacSigner, noneSigner } from "../../src/protocol/jws.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/keys.ts";
import { basic, claims, deviceWithTokens, me, postForm, start } from "./helpers.ts";

let s: RunningServer;
let ec: DeviceKey;
let rsa: DeviceKey;
let svc: string;
beforeAll(async () => {
  s = await start();
  [ec, rsa] = await Promise.all([generateDeviceKey("ec-p256"), generateDeviceKey("rsa")]);
  svc = (await deviceWithTokens(s, { key: ec, keyType: "x509", clientType: "server" })).clientId;
});
afterAll(() => s.close());

type AssertionOptions = Partial<Parameters<typeof createClientAssertion>[0]>;
const assertion = (o: AssertionOptions = {}) =>
  createClientAssertion({ privateKey: ec.privateKey, clientId: svc, audience: s.url, ...o });
const serviceToken = (
  a: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) =>
  postForm(
    `${s.url}/token`,
    {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: a,
      ...extra,
    },
    headers,
  );
const rejected = (r: { status: number; body: { error?: string } }) => {
  expect(r.status).toBe(401);
  expect(r.body.error).toBe("invalid_client");
};

describe("token (client_credentials + private_key_jwt)", () => {
  it("issues a Bearer service token without a refresh token", async () => {
    const r = await serviceToken(assertion());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", scope: "me service" });
    expect(r.body).not.toHaveProperty("refresh_token");
    expect(claims(r.body.access_token)).toMatchObject({
      sub: svc,
      client_id: svc,
      dtp_kind: "service",
    });
    const who = await me(s, r.body.access_token);
    expect(who.body).toMatchObject({ token_kind: "service", sub: svc });
    expect((await serviceToken(assertion(), { scope: "service" })).body.scope).toBe("service");
    expect((await serviceToken(assertion(), { scope: "service admin" })).body.error).toBe(
      "invalid_scope",
    );
  });

  it("rejects other algorithms, audiences, subjects, signatures and lifetimes", async () => {
    rejected(await serviceToken(assertion({ signer: noneSigner })));
    rejected(
      await serviceToken(assertion({ signer: hmacSigner(Buffer.from(ec.jwk.x!, "base64url")) })),
    );
    rejected(await serviceToken(assertion({ privateKey: rsa.privateKey, alg: "RS256" })));
    rejected(await serviceToken(assertion({ audience: `${s.url}/token` })));
    rejected(await serviceToken(assertion({ audience: [s.url] })));
    rejected(await serviceToken(assertion({ overrides: { claims: { sub: "someone" } } })));
    rejected(
      await serviceToken(
        assertion({ privateKey: (await generateDeviceKey("ec-p256")).privateKey }),
      ),
    );
    rejected(await serviceToken(assertion({ lifetime: 301 })));
    rejected(await serviceToken(assertion({ iat: Math.floor(Date.now() / 1000) + 60 })));
    rejected(
      await serviceToken(assertion({ iat: Math.floor(Date.now() / 1000) - 120, lifetime: 60 })),
    );
    rejected(await serviceToken(assertion({ overrides: { claims: { jti: undefined } } })));
  });

  it("accepts a jti once; refuses non-server devices and keys other than P-256", async () => {
    const a = assertion();
    expect((await serviceToken(a)).status).toBe(200);
    rejected(await serviceToken(a));
    const printer = await deviceWithTokens(s, { key: ec, keyType: "x509" });
    rejected(
      await serviceToken(
        createClientAssertion({
          privateKey: ec.privateKey,
          clientId: printer.clientId,
          audience: s.url,
        }),
      ),
    );
    const rsaServer = await deviceWithTokens(s, { key: rsa, keyType: "rsa", clientType: "server" });
    rejected(
      await serviceToken(
        createClientAssertion({
          privateKey: rsa.privateKey,
          clientId: rsaServer.clientId,
          audience: s.url,
          alg: "ES256",
        }).replace(/\..*$/, ".e30.x"),
      ),
    );
  });

  it("refuses the API key alongside the assertion", async () => {
    const r = await serviceToken(assertion(), {}, basic(s, svc));
    expect([r.status, r.body.error]).toEqual([400, "invalid_request"]);
  });

  it("answers a device authenticated by the API key alone unauthorized_client (DTP-ERR-054)", async () => {
    const device = await deviceWithTokens(s);
    const form = { grant_type: "client_credentials" };
    const viaBasic = await postForm(`${s.url}/token`, form, basic(s, device.clientId));
    expect([viaBasic.status, viaBasic.body.error]).toEqual([400, "unauthorized_client"]);
    const viaPost = await postForm(`${s.url}/token`, {
      ...form,
      client_id: device.clientId,
      client_secret: s.apiKey,
    });
    expect([viaPost.status, viaPost.body.error]).toEqual([400, "unauthorized_client"]);
    // A wrong key is still a failed client authentication.
    const wrong = await postForm(`${s.url}/token`, form, {
      authorization: `Basic ${Buffer.from(`${device.clientId}:wrong`).toString("base64")}`,
    });
    expect([wrong.status, wrong.body.error]).toEqual([401, "invalid_client"]);
  });
});
