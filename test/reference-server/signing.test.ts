import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { signRequest } from "../../src/protocol/http-signature.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  registrationKeyFields,
} from "../../src/protocol/keys.ts";
import {
  admin,
  basic,
  type Device,
  deviceWithTokens,
  formBody,
  me,
  poll,
  send,
  start,
} from "./helpers.ts";

let s: RunningServer;
let ed: DeviceKey;
let device: Device & { tokens: { body: { access_token: string } } };
const FORM = "application/x-www-form-urlencoded";
beforeAll(async () => {
  s = await start();
  ed = await generateDeviceKey("ed25519");
  device = await deviceWithTokens(s, { key: ed, keyType: "ed25519" });
});
afterAll(() => s.close());

type SignOptions = Partial<Parameters<typeof signRequest>[0]>;

/** A signed re-registration request for `device` (options tweak the signature). */
async function signedRegister(
  opts: SignOptions = {},
  fields: Record<string, string> = {},
  tamper?: (body: string) => string,
) {
  const body = formBody({
    client_id: device.clientId,
    client_type: "printer",
    response_type: "device_code",
    ...fields,
  });
  const url = `${s.url}/register`;
  const sig = signRequest({
    method: "POST",
    url,
    headers: { "content-type": FORM },
    body,
    key: ed.privateKey,
    keyid: ed.jkt,
    ...opts,
  });
  return send(url, {
    method: "POST",
    headers: { ...sig, "content-type": FORM, ...basic(s, device.clientId) },
    body: tamper ? tamper(body) : body,
  });
}

const pendingCount = async () =>
  (await send(`${s.url}/admin/registrations`, { headers: admin(s) })).body.registrations.length;

const expectRejected = async (r: { status: number; body: { error?: string } }) => {
  expect(r.status).toBe(401);
  expect(r.body.error).toBe("invalid_signature");
};

describe("signed re-registration", () => {
  it("approves at once; the first poll returns tokens; the old tokens are revoked", async () => {
    const before = await pendingCount();
    const r = await signedRegister({ nonce: "n-valid" });
    expect(r.status).toBe(200);
    expect(await pendingCount()).toBe(before);
    const tokens = await poll(s, { ...device, reg: r });
    expect(tokens.status).toBe(200);
    expect(tokens.body.token_type).toBe("DPoP");
    expect((await me(s, tokens.body.access_token, device.dpop)).status).toBe(200);
    expect((await me(s, device.tokens.body.access_token, device.dpop)).status).toBe(401);
    device.tokens = tokens;
  });

  it("a nonce is single-use; a failed verification does not consume it", async () => {
    await expectRejected(await signedRegister({ nonce: "n-valid" }));
    await expectRejected(await signedRegister({ nonce: "n-retry" }, {}, (b) => `${b}&x=1`));
    expect((await signedRegister({ nonce: "n-retry" })).status).toBe(200);
  });

  it("rejects stale, future and expired signatures", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await signedRegister({ created: now - 306, expires: now + 60 }));
    await expectRejected(await signedRegister({ created: now + 30, expires: now + 90 }));
    await expectRejected(await signedRegister({ created: now - 10, expires: now - 6 }));
    expect((await signedRegister({ created: now - 290, expires: now + 60 })).status).toBe(200);
    // DTP-SIG-009: an `expires` less than the skew (5 s) in the past is still accepted.
    expect((await signedRegister({ created: now - 10, expires: now - 2 })).status).toBe(200);
  });

  it("rejects a wrong keyid, another key, a missing parameter or component, another label", async () => {
    const other = await generateDeviceKey("ed25519");
    const before = await pendingCount();
    const deviceBefore = await send(`${s.url}/admin/devices/${device.clientId}`, {
      headers: admin(s),
    });
    await expectRejected(await signedRegister({ keyid: other.jkt }));
    await expectRejected(await signedRegister({ key: other.privateKey }));
    await expectRejected(await signedRegister({ nonce: null }));
    await expectRejected(await signedRegister({ alg: null }));
    await expectRejected(await signedRegister({ label: "sig2" }));
    await expectRejected(
      await signedRegister({ components: ["@method", "@target-uri", "content-digest"] }),
    );
    await expectRejected(
      await signedRegister({
        headers: { "content-type": FORM, "content-digest": "sha-256=:AAAA:" },
      }),
    );
    const body = formBody({
      client_id: device.clientId,
      client_type: "printer",
      response_type: "device_code",
    });
    const sha512 = `sha-512=:${createHash("sha512").update(body).digest("base64")}:`;
    await expectRejected(
      await signedRegister({ headers: { "content-type": FORM, "content-digest": sha512 } }),
    );
    const otherFields = await registrationKeyFields(other, "ed25519");
    await expectRejected(await signedRegister({}, { ...otherFields }));
    expect(await pendingCount()).toBe(before);
    const deviceAfter = await send(`${s.url}/admin/devices/${device.clientId}`, {
      headers: admin(s),
    });
    expect(deviceAfter.body).toEqual(deviceBefore.body);
  });

  it("rejects a signature from a device without a key, and a lone Signature-Input", async () => {
    const keyless = await deviceWithTokens(s);
    const body = formBody({
      client_id: keyless.clientId,
      client_type: "printer",
      response_type: "device_code",
    });
    const url = `${s.url}/register`;
    const sig = signRequest({
      method: "POST",
      url,
      headers: { "content-type": FORM },
      body,
      key: ed.privateKey,
      keyid: ed.jkt,
    });
    const headers = { "content-type": FORM, ...basic(s, keyless.clientId) };
    await expectRejected(
      await send(url, { method: "POST", headers: { ...headers, ...sig }, body }),
    );
    await expectRejected(
      await send(url, {
        method: "POST",
        headers: { ...headers, "signature-input": sig["signature-input"] },
        body,
      }),
    );
  });
});
