/**
 * The registration suite's assertions: a device authorization response as DTP profiles it
 * (RFC 8628 §3.2), a registration error, one key case of DTP-REG-011/012/013; and the
 * area's test data (the client_id alphabet, a minimal form).
 */
import type { CheckContext } from "../../src/check/check.ts";
import {
  expectHeader,
  expectJson,
  expectNoStore,
  expectOAuthError,
  expectStatus,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { declaredLifetime, issuerOf } from "../../src/client/index.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import type { KeyMaterial } from "../../src/protocol/key-material.ts";

export { CLIENT_TYPES } from "../../src/client/index.ts";

/** RFC 8628 §6.1 user code as DTP shows it (DTP-REG-016). */
export const USER_CODE_RE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
/** base64url, at least 22 characters = 128 bits (DTP-REG-015). */
export const DEVICE_CODE_RE = /^[A-Za-z0-9_-]{22,}$/;
/** The `client_id` alphabet (DTP-REG-004). */
export const CLIENT_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";

/** A minimal valid registration form for `clientId`. */
export function baseForm(clientId: string): Record<string, string | undefined> {
  return { client_id: clientId, client_type: "desktop_client", response_type: "device_code" };
}

/** A client_id of exactly `length` characters (≥ the base's length), still unique. */
export function padClientId(base: string, length: number, filler = "."): string {
  return (base + filler.repeat(Math.max(0, length - base.length))).slice(0, length);
}

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
  /** DTP: `verification_uri_complete` and `interval` too (OPTIONAL in RFC 8628 §3.2). */
  complete: "DTP-REG-051",
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
  const dtp = ctx.target.features.has("dtp");
  for (const member of [
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
  ]) {
    const optional = member === "verification_uri_complete";
    if (optional && !dtp && body[member] === undefined) continue;
    if (typeof body[member] !== "string") {
      const requirement = optional && body[member] === undefined ? R.complete : R.ok;
      fail(
        requirement,
        `"${member}": a string`,
        `"${member}": ${JSON.stringify(body[member])}`,
        res,
      );
    }
  }
  for (const member of ["expires_in", "interval"]) {
    const v = body[member];
    const optional = member === "interval";
    if (optional && !dtp && v === undefined) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      const requirement = optional && v === undefined ? R.complete : R.ok;
      fail(
        requirement,
        `"${member}": a positive integer`,
        `"${member}": ${JSON.stringify(v)}`,
        res,
      );
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
  if (body.verification_uri_complete !== undefined && body.verification_uri_complete !== complete) {
    fail(
      R.uri,
      `"verification_uri_complete": ${JSON.stringify(complete)}`,
      `"verification_uri_complete": ${JSON.stringify(body.verification_uri_complete)}`,
      res,
    );
  }
  if (dtp) {
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
  const res = await sendRegistrationForm(
    ctx,
    { ...baseForm(clientId), public_key: key.value, key_type: keyType },
    { label: `register (key_type=${keyType}, ${key.label})` },
  );
  if (accept) expectDeviceAuthorization(ctx, res, {}, requirement);
  else
    expectRegistrationError(res, { error: "invalid_request", fields: ["public_key"] }, requirement);
}
