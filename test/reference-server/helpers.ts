/**
 * Test helpers: an in-process reference server on port 0 and a small client that
 * registers, approves, polls, and sends DPoP proofs (built with src/protocol's kit-side
 * creators), following `DPoP-Nonce` as a real client would.
 */

import {
  type RunningServer,
  type ServerOptionsInput,
  SHORT_LIFETIMES,
  startReferenceServer,
} from "../../reference-server/index.ts";
import { basicAuth } from "../../src/client/auth.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  type KeyType,
  registrationKeyFields,
} from "../../src/protocol/keys.ts";

import { DpopClient } from "./dpop-client.ts";
import { formBody, postForm, type Res, send, sendFrom } from "./http.ts";

export { DpopClient, formBody, postForm, type Res, send, sendFrom };
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export async function start(opts: ServerOptionsInput = {}): Promise<RunningServer> {
  return startReferenceServer({
    store: { kind: "memory" },
    lifetimes: { ...SHORT_LIFETIMES, ...opts.lifetimes },
    users: [
      { username: "alice", password: "wonderland", cardId: "CARD-1234" },
      { username: "bob", password: "builder" },
    ],
    ...opts,
    ...(opts.lifetimes ? { lifetimes: { ...SHORT_LIFETIMES, ...opts.lifetimes } } : {}),
  });
}

export const basic = (s: RunningServer, clientId: string) => ({
  authorization: basicAuth(clientId, s.apiKey),
});
export const admin = (s: RunningServer) => ({ authorization: `Bearer ${s.adminKey}` });

let counter = 0;
export const newId = (prefix = "dev") =>
  `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export interface Device {
  clientId: string;
  key?: DeviceKey;
  dpop?: DpopClient;
  reg: Res;
}

/** Registers a device (optionally with a key). */
export async function register(
  s: RunningServer,
  opts: {
    clientId?: string;
    clientType?: string;
    key?: DeviceKey;
    keyType?: KeyType;
    extra?: Record<string, string>;
  } = {},
): Promise<Device> {
  const clientId = opts.clientId ?? newId();
  const keyFields = opts.key
    ? await registrationKeyFields(opts.key, opts.keyType ?? defaultKeyType(opts.key))
    : {};
  const reg = await postForm(
    `${s.url}/register`,
    {
      client_id: clientId,
      client_type: opts.clientType ?? "printer",
      response_type: "device_code",
      ...keyFields,
      ...opts.extra,
    },
    basic(s, clientId),
  );
  const device: Device = { clientId, reg };
  if (opts.key) {
    device.key = opts.key;
    device.dpop = new DpopClient(opts.key);
  }
  return device;
}

const defaultKeyType = (key: DeviceKey): KeyType =>
  key.kind === "ed25519" ? "ed25519" : key.kind === "rsa" ? "rsa" : "x509";

export const approve = (s: RunningServer, userCode: string) =>
  send(`${s.url}/admin/registrations/${userCode}/approve`, { method: "POST", headers: admin(s) });

/** One poll of the device's code (with a DPoP proof when it has a key). */
export function poll(
  s: RunningServer,
  d: Device,
  deviceCode: string = d.reg.body.device_code,
): Promise<Res> {
  const fields = { grant_type: DEVICE_GRANT, device_code: deviceCode };
  return d.dpop
    ? d.dpop.postForm(`${s.url}/token`, fields, basic(s, d.clientId))
    : postForm(`${s.url}/token`, fields, basic(s, d.clientId));
}

/** Register, approve, poll: a device with its token response. */
export async function deviceWithTokens(
  s: RunningServer,
  opts: Parameters<typeof register>[1] = {},
): Promise<Device & { tokens: Res }> {
  const d = await register(s, opts);
  if (d.reg.status !== 200) throw new Error(`register failed: ${d.reg.text}`);
  const a = await approve(s, d.reg.body.user_code);
  if (a.status !== 200) throw new Error(`approve failed: ${a.text}`);
  const tokens = await poll(s, d);
  if (tokens.status !== 200) throw new Error(`poll failed: ${tokens.text}`);
  return { ...d, tokens };
}

/** GET /me with a token (DPoP when the device has a key and the token is bound). */
export function me(s: RunningServer, token: string, dpop?: DpopClient): Promise<Res> {
  if (dpop) return dpop.send("GET", `${s.url}/me`, { accessToken: token });
  return send(`${s.url}/me`, { headers: { authorization: `Bearer ${token}` } });
}

/** Refresh with the device's client auth (and DPoP proof when bound). */
export function refresh(
  s: RunningServer,
  d: Device,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Res> {
  const fields = { grant_type: "refresh_token", refresh_token: refreshToken, ...extra };
  return d.dpop
    ? d.dpop.postForm(`${s.url}/token`, fields, basic(s, d.clientId))
    : postForm(`${s.url}/token`, fields, basic(s, d.clientId));
}

/** Decodes a JWT payload. */
// biome-ignore lint/suspicious/noExplicitAny: claims are inspected freely
export const claims = (jwt: string): any =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString());

/** Sleeps until `ms` have passed (for expiry and polling intervals). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A clock the test moves forward by hand (pass `clock.now` as the server's clock). */
export function manualClock(startMs = Date.now()) {
  let t = startMs;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export { generateDeviceKey };
