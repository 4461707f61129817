/**
 * Helpers of the signing suite's DTP-SIG checks (signed re-registration, RFC 9421 + RFC
 * 9530) and DTP-SVC checks (service tokens with an RFC 7523 client assertion).
 *
 * SIG: a device with a registered key is registered and approved once per check; signed
 * re-registrations are built here with every knob a mutation needs (created, expires,
 * nonce, keyid, alg, label, covered components, the signed method / URI / content type /
 * digest, the signing key). After a rejection, {@link expectSignatureRejected} also checks
 * through the admin API that nothing was registered and the device is unchanged
 * (DTP-SIG-012).
 *
 * SVC: a `server` device with an EC P-256 key (key_type x509) is registered and approved
 * once per check; assertions are made with `createClientAssertion` (src/protocol).
 */

import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { CheckContext } from "../../src/check/check.ts";
import {
  describe,
  expectJson,
  expectOAuthError,
  expectStatus,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { AdminApi } from "../../src/client/admin.ts";
import { basicAuth, oauthAssertionClient } from "../../src/client/legacy/auth.ts";
import { type Registration, register } from "../../src/client/legacy/device.ts";
import { dpopSession } from "../../src/client/legacy/dpop-session.ts";
import { endpoint, issuerOf } from "../../src/client/legacy/endpoints.ts";
import { readTokens, type TokenSet } from "../../src/client/legacy/tokens.ts";
import {
  CLIENT_ASSERTION_TYPE,
  type CreateClientAssertionOptions,
  createClientAssertion,
  type DeviceKey,
  generateDeviceKey,
  type HttpSignatureAlg,
  httpSignatureAlgsForKey,
  type JwsSigner,
  type KeyKind,
  type KeyType,
  type RegistrationKeyFields,
  randomToken,
  registrationKeyFields,
  signRequest,
} from "../../src/protocol/index.ts";

export const FORM_TYPE = "application/x-www-form-urlencoded";
const SIG_012 = "DTP-SIG-012";

/** The check clock's current time in whole seconds. */
export function nowSeconds(ctx: CheckContext): number {
  return Math.floor(ctx.clock.now() / 1000);
}

/** A form body, exactly as it is sent (and signed). */
export function encodeForm(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return params.toString();
}

// ——— the target's declared signature algorithms ———

/** `dtp_http_signature_algs_supported` as the target declares it. */
export function declaredSignatureAlgs(ctx: CheckContext): string[] {
  const v = ctx.target.metadata.dtp_http_signature_algs_supported;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The HTTP signature algorithms the target declares for a key kind, preferred first. */
export function usableSignatureAlgs(ctx: CheckContext, kind: KeyKind): HttpSignatureAlg[] {
  const declared = declaredSignatureAlgs(ctx);
  return httpSignatureAlgsForKey(kind).filter((a) => declared.includes(a));
}

/** `dtp_key_types_supported` as the target declares it (all three when absent). */
export function declaredKeyTypes(ctx: CheckContext): string[] {
  const v = ctx.target.metadata.dtp_key_types_supported;
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === "string")
    : ["rsa", "x509", "ed25519"];
}

// ——— keyed devices (SIG) ———

/** A device with a registered key, and what the kit knows of its registrations. */
export interface KeyedDevice {
  clientId: string;
  clientType: string;
  key: DeviceKey;
  /** The `public_key` + `key_type` fields it registered (re-sent by re-registrations). */
  keyFields: RegistrationKeyFields;
  /** The HTTP signature algorithm its re-registrations use. */
  alg: HttpSignatureAlg;
  /** User codes (normalised) of the registrations the kit made for this client_id. */
  known: { pending: Set<string>; approved: Set<string> };
  /** The admin API's view of the device (status and body) after the last accepted change. */
  snapshot?: { status: number; body: unknown } | undefined;
}

export function normaliseUserCode(code: string): string {
  return code.toUpperCase().replace(/-/g, "");
}

/**
 * Registers a device with `key` as `keyType` and (unless `approve: false`) gets it
 * approved. Fails `requirement` when the registration is refused. Skips when the target
 * declares no signature algorithm for the key.
 */
export async function keyedDevice(
  ctx: CheckContext,
  requirement: string,
  key: DeviceKey,
  keyType: KeyType,
  options: {
    label?: string;
    rawEd25519?: boolean;
    approve?: boolean;
    clientType?: string;
    alg?: HttpSignatureAlg;
  } = {},
): Promise<KeyedDevice> {
  const alg = options.alg ?? usableSignatureAlgs(ctx, key.kind)[0];
  if (alg === undefined) {
    ctx.notClaimed(
      `dtp_http_signature_algs_supported declares no algorithm for ${key.kind} keys (${declaredSignatureAlgs(ctx).join(", ") || "none"})`,
    );
  }
  const keyFields = await registrationKeyFields(key, keyType, {
    ...(options.rawEd25519 !== undefined ? { rawEd25519: options.rawEd25519 } : {}),
  });
  const clientType = options.clientType ?? "desktop_client";
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId(options.label ?? "sig"),
    clientType,
    extra: { ...keyFields },
    label: `register (${keyType}${options.rawEd25519 ? " raw" : ""})`,
  });
  const device: KeyedDevice = {
    clientId: reg.clientId,
    clientType,
    key,
    keyFields,
    alg,
    known: { pending: new Set(), approved: new Set() },
  };
  if (options.approve === false) {
    device.known.pending.add(normaliseUserCode(reg.userCode));
  } else {
    await ctx.approval.approve(reg.userCode);
    device.known.approved.add(normaliseUserCode(reg.userCode));
  }
  device.snapshot = await adminDeviceView(ctx, device.clientId);
  return device;
}

/** A device with no key, approved (for DTP-SIG-003: "the device has no key"). */
export async function keylessDevice(ctx: CheckContext, requirement: string): Promise<KeyedDevice> {
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId("sig-nokey"),
    label: "register (no key)",
  });
  await ctx.approval.approve(reg.userCode);
  const key = await generateDeviceKey("ed25519");
  const device: KeyedDevice = {
    clientId: reg.clientId,
    clientType: "desktop_client",
    key,
    keyFields: await registrationKeyFields(key, "ed25519"),
    alg: "ed25519",
    known: { pending: new Set(), approved: new Set([normaliseUserCode(reg.userCode)]) },
  };
  device.snapshot = await adminDeviceView(ctx, device.clientId);
  return device;
}

/** A client_id nobody registered, with a key to sign with (DTP-SIG-003: "no such device"). */
export async function unknownDevice(ctx: CheckContext): Promise<KeyedDevice> {
  const key = await generateDeviceKey("ed25519");
  const device: KeyedDevice = {
    clientId: ctx.clientId("sig-none"),
    clientType: "desktop_client",
    key,
    keyFields: await registrationKeyFields(key, "ed25519"),
    alg: "ed25519",
    known: { pending: new Set(), approved: new Set() },
  };
  device.snapshot = await adminDeviceView(ctx, device.clientId);
  return device;
}

/** The re-registration form of a device (the same request it registered with). */
export function reRegistrationBody(
  device: KeyedDevice,
  extra: Record<string, string | undefined> = {},
): string {
  return encodeForm({
    client_id: device.clientId,
    client_type: device.clientType,
    response_type: "device_code",
    ...device.keyFields,
    ...extra,
  });
}

/** Every knob of a signed re-registration; omitted = the valid value. */
export interface SignKnobs {
  /** `null` omits the parameter. */
  created?: number | null;
  expires?: number | null;
  nonce?: string | null;
  keyid?: string | null;
  /** The declared `alg` parameter (any string, for mutations); `null` omits it. */
  alg?: string | null;
  /** The algorithm the signature bytes are actually made with. */
  signWith?: HttpSignatureAlg;
  /** The signature label (default `sig1`). */
  label?: string;
  components?: readonly string[];
  /** Sign with this private key instead of the device's. */
  key?: KeyObject;
  /** The method / target URI / content type / Content-Digest that are signed. */
  method?: string;
  url?: string;
  contentType?: string;
  contentDigest?: string;
}

export interface SignedRequest {
  body: string;
  /** Request headers: authorization, content-type, content-digest, signature-input, signature. */
  headers: Record<string, string>;
  nonce: string | null;
}

/** Signs `body` as a re-registration of `device`, with `knobs` applied. */
export function signReRegistration(
  ctx: CheckContext,
  device: KeyedDevice,
  body: string,
  knobs: SignKnobs = {},
): SignedRequest {
  const now = nowSeconds(ctx);
  const created = knobs.created === undefined ? now : knobs.created;
  const expires = knobs.expires === undefined ? (created ?? now) + 60 : knobs.expires;
  const nonce = knobs.nonce === undefined ? randomToken(16) : knobs.nonce;
  const signHeaders: Record<string, string> = { "content-type": knobs.contentType ?? FORM_TYPE };
  if (knobs.contentDigest !== undefined) signHeaders["content-digest"] = knobs.contentDigest;
  const alg = knobs.alg === undefined ? device.alg : knobs.alg;
  const sig = signRequest({
    method: knobs.method ?? "POST",
    url: knobs.url ?? endpoint(ctx.target, "device_authorization_endpoint"),
    headers: signHeaders,
    body,
    key: knobs.key ?? device.key.privateKey,
    keyid: knobs.keyid === undefined ? device.key.jkt : knobs.keyid,
    // Mutations declare arbitrary algorithm names; the bytes are made with `signWith`.
    alg: alg as HttpSignatureAlg | null,
    signWith: knobs.signWith ?? device.alg,
    created,
    expires,
    nonce,
    ...(knobs.label !== undefined ? { label: knobs.label } : {}),
    ...(knobs.components !== undefined ? { components: knobs.components } : {}),
  });
  return {
    body,
    nonce,
    headers: {
      authorization: basicAuth(device.clientId, ctx.target.config.apiKey),
      "content-type": FORM_TYPE,
      "content-digest": sig["content-digest"],
      "signature-input": sig["signature-input"],
      signature: sig.signature,
    },
  };
}

/** Sends a (signed or mutated) re-registration as is. */
export function sendReRegistration(
  ctx: CheckContext,
  req: { body: string; headers: Record<string, string> },
  label: string,
): Promise<HttpResponse> {
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "device_authorization_endpoint"),
    headers: req.headers,
    body: req.body,
    label,
  });
}

/** Removes headers (by lower-case name) from a request's headers. */
export function withoutHeaders(
  headers: Record<string, string>,
  ...names: string[]
): Record<string, string> {
  const out = { ...headers };
  for (const n of names) delete out[n];
  return out;
}

/**
 * Expects a signed re-registration to be accepted at once (DTP-SIG-001): 200 with the
 * device authorization response. Records the new registration as known and approved and
 * returns it (with a DPoP session for its key) so that it can be polled.
 */
export async function expectSignatureAccepted(
  ctx: CheckContext,
  res: HttpResponse,
  device: KeyedDevice,
  requirement: string,
): Promise<Registration> {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  const { device_code, user_code, expires_in, interval, verification_uri } = body;
  if (
    typeof device_code !== "string" ||
    typeof user_code !== "string" ||
    typeof expires_in !== "number" ||
    typeof verification_uri !== "string"
  ) {
    fail(
      requirement,
      "the device authorization response (device_code, user_code, verification_uri, expires_in)",
      describe(res),
      res,
    );
  }
  device.known.approved.add(normaliseUserCode(user_code));
  device.snapshot = await adminDeviceView(ctx, device.clientId);
  return {
    res,
    clientId: device.clientId,
    deviceCode: device_code,
    userCode: user_code,
    interval: typeof interval === "number" ? interval : 5,
    expiresIn: expires_in,
    key: device.key,
    dpop: dpopSession(device.key),
  };
}

/**
 * Expects a signed re-registration to be rejected: 401 `{"error": "invalid_signature"}`
 * (`requirement`), and (DTP-SIG-012) nothing registered, the device unchanged.
 */
export async function expectSignatureRejected(
  ctx: CheckContext,
  res: HttpResponse,
  device: KeyedDevice,
  requirement: string,
): Promise<void> {
  if (res.status >= 200 && res.status < 300) {
    // Wrongly accepted: remember what the server registered so that the runs fast-check
    // makes while shrinking are judged on their own, not on this run's leftovers.
    const code = (res.body as { user_code?: unknown } | undefined)?.user_code;
    if (typeof code === "string") {
      device.known.approved.add(normaliseUserCode(code));
      device.known.pending.add(normaliseUserCode(code));
    }
    device.snapshot = await adminDeviceView(ctx, device.clientId);
  }
  expectOAuthError(res, { status: 401, error: "invalid_signature" }, requirement);
  await expectNothingRegistered(ctx, device);
}

// ——— the admin API's view (DTP-SIG-012) ———

function adminBase(ctx: CheckContext): string | undefined {
  const token = ctx.target.config.admin?.token;
  const ep = ctx.target.metadata.dtp_admin_endpoint;
  if (!token || typeof ep !== "string" || ep === "") return undefined;
  return ep.replace(/\/+$/, "");
}

const notedNoAdmin = new WeakSet<CheckContext>();

function adminGet(ctx: CheckContext, path: string, label: string): Promise<HttpResponse> {
  return ctx.http.request({
    method: "GET",
    url: `${adminBase(ctx)}${path}`,
    headers: { authorization: `Bearer ${ctx.target.config.admin?.token ?? ""}` },
    label,
  });
}

/** GET /admin/devices/{client_id}: status and body (undefined without the admin API). */
async function adminDeviceView(
  ctx: CheckContext,
  clientId: string,
): Promise<{ status: number; body: unknown } | undefined> {
  if (adminBase(ctx) === undefined) return undefined;
  const res = await adminGet(
    ctx,
    `/devices/${encodeURIComponent(clientId)}`,
    `admin device ${clientId}`,
  );
  return { status: res.status, body: res.status === 200 ? res.body : undefined };
}

/**
 * DTP-SIG-012 after each rejection: no pending registration for the device's client_id
 * other than the ones the kit knows of, and the device record as it was (a registration
 * approved by mistake replaces it). The approved list, which holds every device of the run,
 * is audited once per check by {@link auditApproved}. Needs the admin API (`admin.token`
 * and `dtp_admin_endpoint`); without it, a note says it was not verified.
 */
export async function expectNothingRegistered(
  ctx: CheckContext,
  device: KeyedDevice,
): Promise<void> {
  if (!adminAvailable(ctx)) return;
  await expectNoUnknownRegistrations(ctx, "pending", [device]);
  const view = await adminDeviceView(ctx, device.clientId);
  const before = device.snapshot;
  if (view && before && JSON.stringify(view) !== JSON.stringify(before)) {
    fail(
      SIG_012,
      `the device record unchanged by a rejected signed re-registration: ${before.status} ${JSON.stringify(before.body)}`,
      `${view.status} ${JSON.stringify(view.body)}`,
    );
  }
}

/**
 * DTP-SIG-012, once per check: no approved registration for the devices' client_ids other
 * than the ones the kit knows of (call it after the rejections).
 */
export async function auditApproved(ctx: CheckContext, ...devices: KeyedDevice[]): Promise<void> {
  if (!adminAvailable(ctx)) return;
  await expectNoUnknownRegistrations(ctx, "approved", devices);
}

function adminAvailable(ctx: CheckContext): boolean {
  if (adminBase(ctx) !== undefined) return true;
  if (!notedNoAdmin.has(ctx)) {
    notedNoAdmin.add(ctx);
    ctx.note(
      `${SIG_012} (nothing registered after a rejection) not verified: the config gives no admin API token`,
    );
  }
  return false;
}

async function expectNoUnknownRegistrations(
  ctx: CheckContext,
  status: "pending" | "approved",
  devices: KeyedDevice[],
): Promise<void> {
  const base = adminBase(ctx)!;
  const token = ctx.target.config.admin!.token!;
  const { pages, registrations, stopped } = await new AdminApi(
    ctx,
    token,
    base,
  ).listAllRegistrations(status);
  for (const page of pages) {
    expectStatus(page, 200, SIG_012);
    if (!Array.isArray(expectJson(page, SIG_012).registrations)) {
      fail(SIG_012, 'the admin list {"registrations": [...]}', describe(page), page);
    }
  }
  const res = pages.at(-1)!;
  if (stopped) fail(SIG_012, "an admin list that ends", stopped, res);
  const byId = new Map(devices.map((d) => [d.clientId, d]));
  for (const r of registrations) {
    const device = typeof r?.client_id === "string" ? byId.get(r.client_id) : undefined;
    if (!device || typeof r.user_code !== "string") continue;
    if (!device.known[status].has(normaliseUserCode(r.user_code))) {
      fail(
        SIG_012,
        `no registration for ${device.clientId} beyond the ones accepted (a rejected signed re-registration registers nothing)`,
        `a ${status} registration ${r.user_code} for ${device.clientId}`,
        res,
      );
    }
  }
}

// ——— service clients (SVC) ———

export interface ServiceClient {
  clientId: string;
  key: DeviceKey;
  /** The registered `public_key` (base64 DER certificate). */
  publicKey: string;
}

/**
 * Registers a device (default `client_type=server`, an EC P-256 key as an x509
 * certificate) and, unless `approve: false`, gets it approved. Under the OAuth profile: the
 * config's pre-registered private_key_jwt client (RFC 7523 §2.2) with its key.
 */
export async function serviceClient(
  ctx: CheckContext,
  requirement: string,
  options: { label?: string; clientType?: string; approve?: boolean; key?: DeviceKey } = {},
): Promise<ServiceClient> {
  if (ctx.target.profile === "oauth") {
    const client = oauthAssertionClient(ctx.target);
    if (!client) ctx.skip('OAuth profile: no private_key_jwt client in "oauth": { "clients": … }');
    // No certificate was registered: the SPKI stands for "the registered public_key".
    const spki = client.key.publicKey.export({ format: "der", type: "spki" });
    return { ...client, publicKey: spki.toString("base64") };
  }
  const key = options.key ?? (await generateDeviceKey("ec-p256"));
  const keyFields = await registrationKeyFields(key, "x509");
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId(options.label ?? "svc"),
    clientType: options.clientType ?? "server",
    extra: { ...keyFields },
    label: `register (${options.clientType ?? "server"}, x509 EC P-256)`,
  });
  if (options.approve !== false) await ctx.approval.approve(reg.userCode);
  return { clientId: reg.clientId, key, publicKey: keyFields.public_key };
}

/** A valid assertion for `client` (ES256, iss = sub = client_id, aud = issuer), `over` applied. */
export function assertionFor(
  ctx: CheckContext,
  client: ServiceClient,
  over: Partial<CreateClientAssertionOptions> = {},
): string {
  return createClientAssertion({
    privateKey: client.key.privateKey,
    clientId: client.clientId,
    audience: issuerOf(ctx.target),
    iat: nowSeconds(ctx),
    ...over,
  });
}

/** POST /token grant_type=client_credentials with a client assertion (no API key). */
export function requestServiceToken(
  ctx: CheckContext,
  clientAssertion: string,
  options: { scope?: string; clientId?: string; label?: string } = {},
): Promise<HttpResponse> {
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "token_endpoint"),
    form: {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: clientAssertion,
      scope: options.scope,
      client_id: options.clientId,
    },
    label: options.label ?? "service token",
  });
}

/** A control request with a valid assertion must succeed (DTP-SVC-001). */
export function readServiceTokenOk(ctx: CheckContext, res: HttpResponse): TokenSet {
  return readTokens(ctx, res, "DTP-SVC-001");
}

/** 401 `invalid_client` (RFC 6749 §5.2). */
export function expectInvalidClient(res: HttpResponse, requirement: string): void {
  expectOAuthError(res, { status: 401, error: "invalid_client" }, requirement);
}

/** A JWS signer for ES384 / ES512 (P-384 / P-521 keys), which `keySigner` does not make. */
export function ecSigner(alg: "ES384" | "ES512", privateKey: KeyObject): JwsSigner {
  const hash = alg === "ES384" ? "sha384" : "sha512";
  return {
    alg,
    sign: (input) => sign(hash, input, { key: privateKey, dsaEncoding: "ieee-p1363" }),
  };
}

/** An EC key pair on P-384 (for ES384 attacks). */
export function p384Key(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
}
