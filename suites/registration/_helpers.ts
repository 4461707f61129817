/**
 * Shared pieces of the registration suite: raw `/register` requests with any client
 * authentication, the assertions on a device authorization response and on a registration
 * error, the admin API reads (registrations, devices), and the keys the properties encode
 * (RSA keys are generated once per process and shared: they are slow to make).
 */
import {
  type KeyObject,
  generateKeyPair as nodeGenerateKeyPair,
  randomBytes,
  webcrypto,
} from "node:crypto";
import { promisify } from "node:util";
import fc from "fast-check";
import type { CheckContext } from "../../src/check/check.ts";
import {
  describe,
  expectHeader,
  expectJson,
  expectNoStore,
  expectOAuthError,
  expectStatus,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { basicAuth } from "../../src/client/legacy/auth.ts";
import { declaredLifetime, endpoint, issuerOf } from "../../src/client/legacy/endpoints.ts";
import { type DeviceKey, generateDeviceKey } from "../../src/protocol/index.ts";
import { ensureReflectMetadata } from "../../src/protocol/reflect-metadata-shim.ts";

export const CLIENT_TYPES = [
  "printer",
  "chrome_extension",
  "desktop_client",
  "mobile_device",
  "server",
] as const;

/** RFC 8628 §6.1 user code as DTP shows it (DTP-REG-016). */
export const USER_CODE_RE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
/** base64url, at least 22 characters = 128 bits (DTP-REG-015). */
export const DEVICE_CODE_RE = /^[A-Za-z0-9_-]{22,}$/;
/** The `client_id` alphabet (DTP-REG-004). */
export const CLIENT_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";

// ——— sending ———

/** How a raw registration authenticates the client. */
export type ClientAuthMode =
  /** HTTP Basic as the kit encodes it (encodeURIComponent, `+` for space). */
  | { kind: "basic"; id: string; secret?: string }
  /** HTTP Basic with the WHATWG application/x-www-form-urlencoded serializer (`~` → `%7E`). */
  | { kind: "basic-whatwg"; id: string; secret?: string }
  /** `client_secret` in the form (the form's `client_id` is the caller's business). */
  | { kind: "post"; secret?: string }
  /** An Authorization header as given. */
  | { kind: "header"; value: string }
  | { kind: "none" };

/** The WHATWG form-urlencoded serialization of one value (as URLSearchParams writes it). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** `Authorization: Basic …` with both parts WHATWG form-urlencoded (RFC 6749 §2.3.1). */
export function whatwgBasic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString("base64")}`;
}

/** POSTs a registration form exactly as given, with the client authentication `auth`. */
export function postRegistration(
  ctx: CheckContext,
  form: Record<string, string | undefined>,
  auth: ClientAuthMode,
  label = "register",
): Promise<HttpResponse> {
  const apiKey = ctx.target.config.apiKey;
  const headers: Record<string, string> = {};
  const body: Record<string, string | undefined> = { ...form };
  switch (auth.kind) {
    case "basic":
      headers.authorization = basicAuth(auth.id, auth.secret ?? apiKey);
      break;
    case "basic-whatwg":
      headers.authorization = whatwgBasic(auth.id, auth.secret ?? apiKey);
      break;
    case "post":
      body.client_secret = auth.secret ?? apiKey;
      break;
    case "header":
      headers.authorization = auth.value;
      break;
    case "none":
      break;
  }
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "device_authorization_endpoint"),
    headers,
    form: body,
    label,
  });
}

/** A minimal valid registration form for `clientId`. */
export function baseForm(clientId: string): Record<string, string | undefined> {
  return { client_id: clientId, client_type: "desktop_client", response_type: "device_code" };
}

/** A client_id of exactly `length` characters (≥ the base's length), still unique. */
export function padClientId(base: string, length: number, filler = "."): string {
  return (base + filler.repeat(Math.max(0, length - base.length))).slice(0, length);
}

// ——— assertions ———

/**
 * Fails `requirement` unless `res` is the OAuth error `error` with `status` and, when
 * `fields` is given, an `error_description` naming one of them.
 */
export function expectRegistrationError(
  res: HttpResponse,
  want: { error: string; status?: number; fields?: readonly string[] },
  requirement: string,
): void {
  const body = expectOAuthError(
    res,
    { status: want.status ?? 400, error: want.error },
    requirement,
  );
  if (want.fields) {
    const d = body.error_description;
    if (typeof d !== "string" || !want.fields.some((f) => d.includes(f))) {
      fail(
        requirement,
        `an error_description naming ${want.fields.map((f) => `"${f}"`).join(" or ")}`,
        typeof d === "string" ? `error_description: ${JSON.stringify(d)}` : "no error_description",
        res,
      );
    }
  }
}

/** Requirement IDs the device authorization response assertions report. */
const R = {
  ok: "DTP-REG-001",
  state: "DTP-REG-008",
  deviceCode: "DTP-REG-015",
  userCode: "DTP-REG-016",
  uri: "DTP-REG-018",
  lifetimes: "DTP-REG-019",
  noStore: "DTP-REG-020",
} as const;

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  body: Record<string, unknown>;
}

/**
 * Asserts a device authorization response (RFC 8628 §3.2 as DTP profiles it): 200 JSON
 * with the six members (DTP-REG-001), `state` echoed exactly or absent (-008), the
 * device_code format (-015), the user_code format (-016), the verification URIs (-018),
 * `expires_in` and `interval` as declared (-019, DTP targets only) and the cache headers
 * (-020). `ok` overrides the requirement a non-200 answer fails (e.g. a key requirement).
 */
export function expectDeviceAuthorization(
  ctx: CheckContext,
  res: HttpResponse,
  sent: { state?: string | undefined },
  ok: string = R.ok,
): DeviceAuthorization {
  expectStatus(res, 200, ok);
  const body = expectJson(res, R.ok, "application/json");
  for (const member of [
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
  ]) {
    if (typeof body[member] !== "string") {
      fail(R.ok, `"${member}": a string`, `"${member}": ${JSON.stringify(body[member])}`, res);
    }
  }
  for (const member of ["expires_in", "interval"]) {
    const v = body[member];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      fail(R.ok, `"${member}": a positive integer`, `"${member}": ${JSON.stringify(v)}`, res);
    }
  }
  const deviceCode = body.device_code as string;
  const userCode = body.user_code as string;
  if (!DEVICE_CODE_RE.test(deviceCode)) {
    fail(
      R.deviceCode,
      "a base64url device_code of at least 22 characters (128 bits)",
      `device_code of ${deviceCode.length} characters${/^[A-Za-z0-9_-]*$/.test(deviceCode) ? "" : " outside the base64url alphabet"}`,
      res,
    );
  }
  if (!USER_CODE_RE.test(userCode)) {
    fail(
      R.userCode,
      `user_code matching ${USER_CODE_RE}`,
      `user_code ${JSON.stringify(userCode)}`,
      res,
    );
  }
  const verificationUri = `${issuerOf(ctx.target)}/device`;
  if (body.verification_uri !== verificationUri) {
    fail(
      R.uri,
      `"verification_uri": ${JSON.stringify(verificationUri)}`,
      `"verification_uri": ${JSON.stringify(body.verification_uri)}`,
      res,
    );
  }
  const complete = `${verificationUri}?user_code=${userCode}`;
  if (body.verification_uri_complete !== complete) {
    fail(
      R.uri,
      `"verification_uri_complete": ${JSON.stringify(complete)}`,
      `"verification_uri_complete": ${JSON.stringify(body.verification_uri_complete)}`,
      res,
    );
  }
  if (ctx.target.features.has("dtp")) {
    const declaredCode = declaredLifetime(ctx.target, "device_code", Number.NaN);
    const declaredInterval = declaredLifetime(ctx.target, "interval", Number.NaN);
    if (body.expires_in !== declaredCode) {
      fail(
        R.lifetimes,
        `"expires_in" = dtp_lifetimes.device_code (${declaredCode})`,
        `"expires_in": ${JSON.stringify(body.expires_in)}`,
        res,
      );
    }
    if (body.interval !== declaredInterval) {
      fail(
        R.lifetimes,
        `"interval" = dtp_lifetimes.interval (${declaredInterval})`,
        `"interval": ${JSON.stringify(body.interval)}`,
        res,
      );
    }
  }
  if (sent.state === undefined) {
    if ("state" in body) {
      fail(
        R.state,
        "no state in the response (none was sent)",
        `"state": ${JSON.stringify(body.state)}`,
        res,
      );
    }
  } else if (body.state !== sent.state) {
    fail(
      R.state,
      `"state": ${JSON.stringify(sent.state)} (exactly as sent)`,
      "state" in body ? `"state": ${JSON.stringify(body.state)}` : "no state",
      res,
    );
  }
  expectNoStore(res, R.noStore);
  expectHeader(
    res,
    "pragma",
    (v) =>
      v
        .toLowerCase()
        .split(",")
        .some((d) => d.trim() === "no-cache"),
    R.noStore,
    "Pragma: no-cache",
  );
  ctx.http.addSecret(deviceCode, "device_code");
  return { deviceCode, userCode, verificationUri, body };
}

/** Probes once whether `/register` accepts `client_secret` in the form (DTP-REG-003, MAY). */
export async function bodyAuthAccepted(ctx: CheckContext, clientId: string): Promise<HttpResponse> {
  return postRegistration(
    ctx,
    baseForm(clientId),
    { kind: "post" },
    "register (client_secret_post probe)",
  );
}

// ——— admin API ———

/** The admin API base URL and token, or SKIP when the config gives no admin token. */
export function adminApi(ctx: CheckContext): { base: string; token: string } {
  const token = ctx.target.config.admin?.token;
  const base = ctx.target.metadata.dtp_admin_endpoint;
  if (token === undefined || typeof base !== "string" || base === "") {
    ctx.skip(
      'reads the admin API (registrations, devices): the target needs dtp_admin_endpoint and the config "admin.token"',
    );
  }
  return { base: base.replace(/\/+$/, ""), token };
}

/** `GET /admin/registrations?status=<status>`; fails `requirement` unless 200 with a list. */
export async function listRegistrations(
  ctx: CheckContext,
  status: "pending" | "approved" | "denied",
  requirement: string,
): Promise<{ res: HttpResponse; registrations: Record<string, unknown>[] }> {
  const { base, token } = adminApi(ctx);
  const res = await ctx.http.request({
    method: "GET",
    url: `${base}/registrations?status=${status}`,
    headers: { authorization: `Bearer ${token}` },
    label: `admin: list ${status} registrations`,
  });
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (!Array.isArray(body.registrations)) {
    fail(requirement, '{"registrations": [...]}', describe(res), res);
  }
  return {
    res,
    registrations: (body.registrations as unknown[]).filter(
      (r): r is Record<string, unknown> => typeof r === "object" && r !== null,
    ),
  };
}

/** `GET /admin/devices/{client_id}` (raw response). */
export function getDevice(ctx: CheckContext, clientId: string): Promise<HttpResponse> {
  const { base, token } = adminApi(ctx);
  return ctx.http.request({
    method: "GET",
    url: `${base}/devices/${encodeURIComponent(clientId)}`,
    headers: { authorization: `Bearer ${token}` },
    label: `admin: get device ${clientId}`,
  });
}

// ——— keys ———

const generate = promisify(nodeGenerateKeyPair);
const rsaKeys = new Map<number, Promise<DeviceKey>>();

/** An RSA key of `bits`, generated once per process (shared by the checks of this suite). */
export function rsaKey(bits = 2048): Promise<DeviceKey> {
  let key = rsaKeys.get(bits);
  if (!key) {
    key = generateDeviceKey("rsa", { rsaBits: bits });
    rsaKeys.set(bits, key);
  }
  return key;
}

/** A key pair of a type the DTP key kinds do not cover (for "wrong key" inputs). */
export async function otherKeyPair(
  type: "ec-p384" | "x25519" | "ed448",
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (type) {
    case "ec-p384":
      return generate("ec", { namedCurve: "P-384" });
    case "x25519":
      return generate("x25519");
    case "ed448":
      return generate("ed448");
  }
}

/** The DER SubjectPublicKeyInfo of a public key. */
export function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: "der", type: "spki" });
}

type X509Module = typeof import("@peculiar/x509");
let x509Module: Promise<X509Module> | undefined;

function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    ensureReflectMetadata();
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

/**
 * A DER self-signed certificate for any key pair WebCrypto can sign with (used for keys the
 * kit's `selfSignedCertificate` does not make: EC P-384, short RSA).
 */
export async function certificateFor(
  pair: { privateKey: KeyObject; publicKey: KeyObject },
  algorithm:
    | { name: "ECDSA"; namedCurve: "P-256" | "P-384"; hash: "SHA-256" | "SHA-384" }
    | { name: "RSASSA-PKCS1-v1_5"; hash: "SHA-256" },
): Promise<Buffer> {
  const x509 = await loadX509();
  type Params = Parameters<X509Module["X509CertificateGenerator"]["createSelfSigned"]>[0];
  const keys = {
    privateKey: pair.privateKey.toCryptoKey(algorithm, false, ["sign"]),
    publicKey: pair.publicKey.toCryptoKey(algorithm, true, ["verify"]),
  } as unknown as Params["keys"];
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(7).toString("hex")}`,
    name: "CN=DTP kit test key",
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return Buffer.from(cert.rawData);
}

/** Standard base64, with or without padding. */
export function b64(der: Uint8Array, pad = true): string {
  const s = Buffer.from(der).toString("base64");
  return pad ? s : s.replace(/=+$/, "");
}

/** PEM armour of a DER value (not base64 DER: must be refused). */
export function pem(der: Uint8Array, label: string): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A value to send as `public_key`, with what it is (shown in transcripts and failures). */
export interface KeyMaterial {
  label: string;
  value: string;
}

const NOT_BASE64 = [..."!*.@#$%&()[]{}<>?,;:'\"\\^`|~-_"];

/**
 * Invalid standard base64 made from a valid encoding: a character outside the alphabet
 * inserted (a lenient decoder that skips it would see the original key), the URL-safe
 * alphabet, `=` inside the data, or a length of 1 mod 4.
 */
export function invalidBase64Arb(valid: KeyMaterial): fc.Arbitrary<KeyMaterial> {
  const unpadded = valid.value.replace(/=+$/, "");
  const arbs: fc.Arbitrary<KeyMaterial>[] = [
    fc
      .record({ ch: fc.constantFrom(...NOT_BASE64), at: fc.nat({ max: unpadded.length }) })
      .map(({ ch, at }) => ({
        label: `${valid.label} with ${JSON.stringify(ch)} inserted at ${at}`,
        value: unpadded.slice(0, at) + ch + unpadded.slice(at),
      })),
    fc.integer({ min: 1, max: Math.max(1, unpadded.length - 2) }).map((at) => ({
      label: `${valid.label} with "=" inside at ${at}`,
      value: `${unpadded.slice(0, at)}=${unpadded.slice(at)}`,
    })),
    fc.nat({ max: Math.max(0, Math.floor((unpadded.length - 1) / 4)) }).map((k) => ({
      label: `${valid.label} cut to ${4 * k + 1} characters`,
      value: unpadded.slice(0, 4 * k + 1),
    })),
  ];
  const urlSafe = valid.value.replace(/\+/g, "-").replace(/\//g, "_");
  if (urlSafe !== valid.value) {
    arbs.push(fc.constant({ label: `${valid.label} in the URL-safe alphabet`, value: urlSafe }));
  }
  return fc.oneof(...arbs);
}

/** Random bytes as base64 (never a valid key of any kind), lengths in [min, max] except `not`. */
export function randomBytesArb(min: number, max: number, not?: number): fc.Arbitrary<KeyMaterial> {
  return fc
    .uint8Array({ minLength: min, maxLength: max })
    .filter((b) => b.length !== not)
    .map((b) => ({ label: `${b.length} random bytes`, value: b64(b) }));
}

/** The DER cut by 1..n-1 bytes at the end (never valid DER), except to `notLength` bytes. */
export function truncatedArb(
  label: string,
  der: Buffer,
  notLength?: number,
): fc.Arbitrary<KeyMaterial> {
  return fc
    .integer({ min: 1, max: der.length - 1 })
    .filter((k) => der.length - k !== notLength)
    .map((k) => ({
      label: `${label} without its last ${k} bytes`,
      value: b64(der.subarray(0, der.length - k)),
    }));
}

/**
 * One key case of DTP-REG-011/012/013: registers `value` as `keyType` and expects the
 * device authorization response (`accept`) or 400 `invalid_request` naming `public_key`.
 */
export async function expectKeyCase(
  ctx: CheckContext,
  requirement: string,
  keyType: "rsa" | "x509" | "ed25519",
  key: KeyMaterial,
  accept: boolean,
): Promise<void> {
  const clientId = ctx.clientId(requirement.slice(4).replace("-", "").toLowerCase());
  const res = await postRegistration(
    ctx,
    { ...baseForm(clientId), public_key: key.value, key_type: keyType },
    { kind: "basic", id: clientId },
    `register (key_type=${keyType}, ${key.label})`,
  );
  if (accept) expectDeviceAuthorization(ctx, res, {}, requirement);
  else
    expectRegistrationError(res, { error: "invalid_request", fields: ["public_key"] }, requirement);
}
