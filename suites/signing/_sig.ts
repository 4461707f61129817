/**
 * The DTP-SIG checks' own part: which registrations the kit made for each device (so that
 * DTP-SIG-012 can tell a registration made by mistake from one of its own), the answers to
 * a signed re-registration (accepted at once, or 401 `invalid_signature` with nothing
 * registered and the device unchanged, seen through the admin API). Devices, keys and
 * signatures come from src/client (`signBody`, `unsignedReRegistration`, `sendSigned`).
 */
import type { CheckContext } from "../../src/check/check.ts";
import { describe, expectOAuthError, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  type AdminApi,
  type Device,
  declaredList,
  type HttpSignatureAlg,
  type KeyKind,
  type KeyType,
  type Registration,
  readRegistration,
  type SignedRequest,
  type SignKnobs,
  sendSigned,
  signBody,
  unsignedReRegistration,
} from "../../src/client/index.ts";
import { adminApiOf, newDevice } from "../../src/client/kit/index.ts";
import { httpSignatureAlgsForKey } from "../../src/protocol/http-signature.ts";
import type { DeviceKey } from "../../src/protocol/keys.ts";

const SIG_012 = "DTP-SIG-012";

/** A device of a DTP-SIG check and what the kit knows of its registrations. */
export interface SigDevice {
  device: Device;
  key: DeviceKey;
  /** The HTTP signature algorithm its re-registrations use. */
  alg: HttpSignatureAlg;
  /** User codes (normalised) of the registrations the kit made for this client_id. */
  known: { pending: Set<string>; approved: Set<string> };
  /** The admin API's view of the device (status and body) after the last accepted change. */
  snapshot?: { status: number; body: unknown } | undefined;
}

/** The HTTP signature algorithms the target declares for a key kind, preferred first. */
export function usableSignatureAlgs(ctx: CheckContext, kind: KeyKind): HttpSignatureAlg[] {
  const declared = declaredList(ctx.target, "dtp_http_signature_algs_supported");
  return httpSignatureAlgsForKey(kind).filter((a) => declared.includes(a));
}

function normaliseUserCode(code: string): string {
  return code.toUpperCase().replace(/-/g, "");
}

/**
 * A device registered with `key` as `keyType` (the registration's owner judges the answer)
 * and, unless `approve: false`, approved. Not claimed when the target declares no signature
 * algorithm for the key.
 */
export async function sigDevice(
  ctx: CheckContext,
  key: DeviceKey,
  keyType: KeyType,
  options: {
    label?: string;
    rawEd25519?: boolean;
    approve?: boolean;
    alg?: HttpSignatureAlg;
    /** Registers without the key (the device still signs with it: "a device without a key"). */
    withoutKey?: boolean;
  } = {},
): Promise<SigDevice> {
  const alg = options.alg ?? usableSignatureAlgs(ctx, key.kind)[0];
  if (alg === undefined) {
    ctx.notClaimed(
      `dtp_http_signature_algs_supported declares no algorithm for ${key.kind} keys (${declaredList(ctx.target, "dtp_http_signature_algs_supported").join(", ") || "none"})`,
    );
  }
  const device = await newDevice(ctx, {
    label: options.label ?? "sig",
    key,
    keyType,
    clientType: "desktop_client",
    ...(options.rawEd25519 !== undefined ? { rawEd25519: options.rawEd25519 } : {}),
  });
  const reg = await device.register({
    label: options.withoutKey
      ? "register (no key)"
      : `register (${keyType}${options.rawEd25519 ? " raw" : ""})`,
    ...(options.withoutKey ? { withoutKey: true } : {}),
  });
  const sd: SigDevice = {
    device,
    key,
    alg,
    known: { pending: new Set(), approved: new Set() },
  };
  if (options.approve === false) {
    sd.known.pending.add(normaliseUserCode(reg.userCode));
  } else {
    await ctx.approval.approve(reg.userCode);
    sd.known.approved.add(normaliseUserCode(reg.userCode));
  }
  sd.snapshot = await deviceView(ctx, sd);
  return sd;
}

/** A client_id nobody registered, with a key to sign with (DTP-SIG-003: "no such device"). */
export async function unknownSigDevice(ctx: CheckContext, key: DeviceKey): Promise<SigDevice> {
  const device = await newDevice(ctx, {
    label: "sig-none",
    key,
    keyType: "ed25519",
    clientType: "desktop_client",
  });
  const sd: SigDevice = {
    device,
    key,
    alg: "ed25519",
    known: { pending: new Set(), approved: new Set() },
  };
  sd.snapshot = await deviceView(ctx, sd);
  return sd;
}

/** The re-registration of `sd` (the form it registered with, `extra` applied), unsigned. */
export function reRegistration(
  sd: SigDevice,
  extra: Record<string, string | undefined> = {},
): Promise<{ body: string; headers: Record<string, string> }> {
  return sd.device
    .registrationForm({ extra })
    .then((form) => unsignedReRegistration(sd.device, form));
}

/** `req` signed by `sd` with its algorithm, `knobs` applied. */
export function signAs(
  sd: SigDevice,
  req: { body: string; headers: Record<string, string> },
  knobs: SignKnobs = {},
): SignedRequest {
  return signBody(sd.device, req, { alg: sd.alg, ...knobs, signWith: knobs.signWith ?? sd.alg });
}

/** The re-registration of `sd` (`extra` applied), signed with `knobs`. */
export async function signedReRegistration(
  sd: SigDevice,
  extra: Record<string, string | undefined> = {},
  knobs: SignKnobs = {},
): Promise<SignedRequest> {
  return signAs(sd, await reRegistration(sd, extra), knobs);
}

/** Sends a (signed, or damaged) re-registration of `sd` as is. */
export function send(
  sd: SigDevice,
  req: { body: string; headers: Record<string, string> },
  label: string,
): Promise<HttpResponse> {
  return sendSigned(sd.device, req, label);
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
 * A signed re-registration accepted at once (DTP-SIG-001, or `requirement`): 200 with the
 * device authorization response. Records the new registration as known and approved and
 * returns it, to be polled (`device.waitForTokens`).
 */
export async function expectSignatureAccepted(
  ctx: CheckContext,
  res: HttpResponse,
  sd: SigDevice,
  requirement: string,
): Promise<Registration> {
  const reg = readRegistration(res, sd.device.clientId, requirement);
  if (typeof (res.body as { verification_uri?: unknown }).verification_uri !== "string") {
    fail(
      requirement,
      "the device authorization response (device_code, user_code, verification_uri, expires_in)",
      describe(res),
      res,
    );
  }
  sd.known.approved.add(normaliseUserCode(reg.userCode));
  sd.snapshot = await deviceView(ctx, sd);
  return { ...reg, signed: true };
}

/**
 * A signed re-registration rejected: 401 `{"error": "invalid_signature"}` (`requirement`),
 * and (DTP-SIG-012) nothing registered, the device unchanged.
 */
export async function expectSignatureRejected(
  ctx: CheckContext,
  res: HttpResponse,
  sd: SigDevice,
  requirement: string,
): Promise<void> {
  if (res.status >= 200 && res.status < 300) {
    // Wrongly accepted: remember what the server registered so that the runs fast-check
    // makes while shrinking are judged on their own, not on this run's leftovers.
    const code = (res.body as { user_code?: unknown } | undefined)?.user_code;
    if (typeof code === "string") {
      sd.known.approved.add(normaliseUserCode(code));
      sd.known.pending.add(normaliseUserCode(code));
    }
    sd.snapshot = await deviceView(ctx, sd);
  }
  expectOAuthError(res, { status: 401, error: "invalid_signature" }, requirement);
  await expectNothingRegistered(ctx, sd);
}

// ——— the admin API's view (DTP-SIG-012) ———

const notedNoAdmin = new WeakSet<CheckContext>();

function admin(ctx: CheckContext): AdminApi | undefined {
  const api = adminApiOf(ctx);
  if (!api && !notedNoAdmin.has(ctx)) {
    notedNoAdmin.add(ctx);
    ctx.note(
      `${SIG_012} (nothing registered after a rejection) not verified: the config gives no admin API token`,
    );
  }
  return api;
}

/** GET /devices/{client_id}: status and body (undefined without the admin API). */
async function deviceView(
  ctx: CheckContext,
  sd: SigDevice,
): Promise<{ status: number; body: unknown } | undefined> {
  const api = adminApiOf(ctx);
  if (!api) return undefined;
  const res = await api.device(sd.device.clientId, {
    label: `admin device ${sd.device.clientId}`,
  });
  return { status: res.status, body: res.status === 200 ? res.body : undefined };
}

/**
 * DTP-SIG-012 after each rejection: no pending registration for the device's client_id
 * other than the ones the kit knows of, and the device record as it was (a registration
 * approved by mistake replaces it). The approved list, which holds every device of the run,
 * is audited once per check by {@link auditApproved}. Needs the admin API (`admin.token`
 * and `dtp_admin_endpoint`); without it, a note says it was not verified.
 */
export async function expectNothingRegistered(ctx: CheckContext, sd: SigDevice): Promise<void> {
  if (!admin(ctx)) return;
  await expectNoUnknownRegistrations(ctx, "pending", [sd]);
  const view = await deviceView(ctx, sd);
  const before = sd.snapshot;
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
export async function auditApproved(ctx: CheckContext, ...devices: SigDevice[]): Promise<void> {
  if (!admin(ctx)) return;
  await expectNoUnknownRegistrations(ctx, "approved", devices);
}

async function expectNoUnknownRegistrations(
  ctx: CheckContext,
  status: "pending" | "approved",
  devices: SigDevice[],
): Promise<void> {
  const { res, registrations } = await admin(ctx)!.registrations(status, {
    requirement: SIG_012,
  });
  const byId = new Map(devices.map((d) => [d.device.clientId, d]));
  for (const r of registrations) {
    const sd = typeof r.client_id === "string" ? byId.get(r.client_id) : undefined;
    if (!sd || typeof r.user_code !== "string") continue;
    if (!sd.known[status].has(normaliseUserCode(r.user_code))) {
      fail(
        SIG_012,
        `no registration for ${sd.device.clientId} beyond the ones accepted (a rejected signed re-registration registers nothing)`,
        `a ${status} registration ${r.user_code} for ${sd.device.clientId}`,
        res,
      );
    }
  }
}
