/**
 * The actors of a check, made the way the target wants them: devices (fresh client_ids, or
 * the OAuth profile's pre-registered clients), registered, approved through the configured
 * approval, with their tokens; keyed devices with a key kind the target declares a DPoP
 * algorithm for. Setup steps name their owners (src/client/owners.ts).
 */
import type { CheckContext } from "../../check/check.ts";
import type { HttpResponse } from "../../check/http.ts";
import { algsForKey, type KeyKind } from "../../protocol/jwk.ts";
import { type DeviceKey, generateDeviceKey, type KeyType } from "../../protocol/keys.ts";
import type { ClientAuth } from "../auth.ts";
import { Device, postRegistration, type RegisterOptions, type Registration } from "../device.ts";
import { dpopAlgs } from "../metadata.ts";
import type { TokenHolder } from "../token-holder.ts";
import { type AuthPreference, clientAuthFor, oauthPublicClient } from "./auth.ts";

export interface NewDeviceOptions {
  /** Names the fresh client_id (`ctx.clientId(label)`). */
  label?: string;
  clientId?: string;
  /** Its key; or `kind` to generate one (of a kind the target declares an algorithm for). */
  key?: DeviceKey;
  kind?: KeyKind;
  keyType?: KeyType;
  rawEd25519?: boolean;
  dpopAlg?: string;
  clientType?: string;
  /** Its client authentication: an object, or a preference the target may override. */
  auth?: AuthPreference | ClientAuth;
}

/**
 * A device of this check (not registered yet). A keyed device under the OAuth profile is the
 * config's public client, whose refresh tokens RFC 9449 §5 binds to the DPoP key as DTP
 * binds a keyed device's.
 */
export async function newDevice(
  ctx: CheckContext,
  options: NewDeviceOptions = {},
): Promise<Device> {
  let key = options.key;
  let dpopAlg = options.dpopAlg;
  if (!key && options.kind) {
    const usable = declaredKind(ctx, options.kind, options.dpopAlg);
    key = await generateDeviceKey(usable.kind);
    dpopAlg = usable.alg;
  }
  const clientId =
    options.clientId ?? (key ? keyedClientId(ctx, options.label) : ctx.clientId(options.label));
  const auth =
    typeof options.auth === "object"
      ? options.auth
      : clientAuthFor(ctx.target, clientId, options.auth);
  return new Device(ctx, {
    clientId,
    auth,
    ...(key ? { key } : {}),
    ...(options.keyType ? { keyType: options.keyType } : {}),
    ...(options.rawEd25519 !== undefined ? { rawEd25519: options.rawEd25519 } : {}),
    ...(dpopAlg !== undefined ? { dpopAlg } : {}),
    ...(options.clientType ? { clientType: options.clientType } : {}),
    ...(ctx.target.profile === "oauth"
      ? { dialect: "oauth" as const, scope: ctx.target.config.oauth?.scope }
      : {}),
  });
}

/** A device of this check, registered (the registration's owner judges the answer). */
export async function registeredDevice(
  ctx: CheckContext,
  options: NewDeviceOptions & { register?: RegisterOptions } = {},
): Promise<{ device: Device; reg: Registration }> {
  const device = await newDevice(ctx, options);
  const reg = await device.register(options.register);
  return { device, reg };
}

/**
 * A device of this check, registered, approved through the configured approval, with its
 * tokens (renewed by refreshing).
 *
 * @example
 * const { device, tokens } = await approvedDevice(ctx, { label: "rot", kind: "ed25519" });
 */
export async function approvedDevice(
  ctx: CheckContext,
  options: NewDeviceOptions & { register?: RegisterOptions } = {},
): Promise<{ device: Device; reg: Registration; tokens: TokenHolder }> {
  const { device, reg } = await registeredDevice(ctx, options);
  await ctx.approval.approve(reg.userCode);
  return { device, reg, tokens: await device.waitForTokens(reg) };
}

/**
 * `POST /register` with `form` exactly as given (a check's own, possibly wrong, form),
 * authenticated as `form.client_id` the target's way unless `auth` says otherwise.
 */
export function sendRegistrationForm(
  ctx: CheckContext,
  form: Record<string, string | undefined>,
  options: {
    label?: string;
    auth?: AuthPreference | ClientAuth;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResponse> {
  const auth =
    typeof options.auth === "object"
      ? options.auth
      : clientAuthFor(ctx.target, form.client_id ?? "", options.auth);
  return postRegistration(ctx, form, auth, {
    ...(options.label ? { label: options.label } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/**
 * The key kind (and DPoP alg) to use: the one asked for, unless the target declares no
 * algorithm for it (a plain RFC 9449 server may support only some); then the first kind it
 * declares an algorithm for, in the order EC P-256, Ed25519, RSA. A DTP target declares
 * them all (DTP-DISC-007), so nothing changes there.
 */
export function declaredKind(
  ctx: CheckContext,
  kind: KeyKind,
  alg: string | undefined,
): { kind: KeyKind; alg?: string } {
  const declared = dpopAlgs(ctx.target);
  const asked = alg ?? algsForKey(kind)[0]!;
  if (declared.length === 0 || declared.includes(asked)) {
    return alg === undefined ? { kind } : { kind, alg };
  }
  for (const k of [kind, "ec-p256", "ed25519", "rsa"] as const) {
    const a = algsForKey(k).find((x) => declared.includes(x));
    if (a !== undefined) {
      ctx.note(
        `proofs by a ${k} key with ${a}: the target does not declare ${asked} in dpop_signing_alg_values_supported`,
      );
      return { kind: k, alg: a };
    }
  }
  ctx.skip(
    `dpop_signing_alg_values_supported (${declared.join(", ")}) lists no alg the kit can sign with`,
  );
}

/** The client_id of a keyed device: a fresh one (DTP), or the OAuth profile's public client. */
function keyedClientId(ctx: CheckContext, label: string | undefined): string {
  if (ctx.target.profile !== "oauth") return ctx.clientId(label);
  const client = oauthPublicClient(ctx.target);
  if (!client) {
    ctx.skip(
      'OAuth profile: the DPoP checks need a public client ("authMethod": "none") in oauth.clients, whose refresh tokens RFC 9449 §5 binds to the DPoP key',
    );
  }
  return client.clientId;
}
