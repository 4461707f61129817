/**
 * The other actors a check needs, issued by the target itself: a logged-in user, a service
 * client, the admin API, and one-liners for real credentials of another actor or of another
 * kind (another device's tokens, a user token, a service token, a personal token, another
 * client's refresh token, a DPoP key that is not the token's), so that a binding check can
 * present "a valid credential, but the wrong one".
 */
import type { CheckContext } from "../../check/check.ts";
import type { KeyKind } from "../../protocol/jwk.ts";
import { type DeviceKey, generateDeviceKey } from "../../protocol/keys.ts";
import { AdminApi } from "../admin.ts";
import type { Device } from "../device.ts";
import { DpopSession } from "../dpop-session.ts";
import { endpointOf } from "../metadata.ts";
import { ServiceClient } from "../service.ts";
import type { TokenHolder } from "../token-holder.ts";
import { type PersonalToken, UserSession } from "../user.ts";
import { oauthAssertionClient } from "./auth.ts";
import { approvedDevice, type NewDeviceOptions, registeredDevice } from "./devices.ts";

/** The configured user's credentials (marked secret), or SKIP naming the config field. */
export function userCredentials(ctx: CheckContext): {
  username: string;
  password: string;
  cardId?: string;
} {
  const user = ctx.target.config.user;
  if (!user) ctx.skip('the target config has no "user" (username/password) to log in with');
  ctx.http.addSecret(user.password);
  return user;
}

/**
 * The configured user logged in through a device: `through` (its tokens), or a new approved
 * device of this check (unkeyed unless `device` asks for a key).
 */
export async function loggedInUser(
  ctx: CheckContext,
  options: {
    through?: { device: Device; tokens: TokenHolder };
    device?: NewDeviceOptions;
    requirement?: string;
  } = {},
): Promise<UserSession> {
  const user = userCredentials(ctx);
  const via = options.through ?? (await approvedDevice(ctx, { label: "user", ...options.device }));
  return UserSession.login(
    ctx,
    via.device,
    via.tokens,
    { username: user.username, password: user.password },
    { label: "login (user)", ...(options.requirement ? { requirement: options.requirement } : {}) },
  );
}

/**
 * A service client (RFC 7523 §2.2): a `server` device with an EC P-256 key (an x509
 * certificate), approved unless `approve: false`; under the OAuth profile the config's
 * private_key_jwt client.
 */
export async function serviceClient(
  ctx: CheckContext,
  options: { label?: string; clientType?: string; approve?: boolean; key?: DeviceKey } = {},
): Promise<ServiceClient> {
  if (ctx.target.profile === "oauth") {
    const client = oauthAssertionClient(ctx.target);
    if (!client) ctx.skip('OAuth profile: no private_key_jwt client in "oauth": { "clients": … }');
    // No certificate was registered: the SPKI stands for "the registered public_key".
    const spki = client.key.publicKey.export({ format: "der", type: "spki" });
    return new ServiceClient(ctx, { ...client, publicKey: spki.toString("base64") });
  }
  const key = options.key ?? (await generateDeviceKey("ec-p256"));
  const clientType = options.clientType ?? "server";
  const { device, reg } = await registeredDevice(ctx, {
    label: options.label ?? "svc",
    key,
    keyType: "x509",
    clientType,
    register: { label: `register (${clientType}, x509 EC P-256)` },
  });
  if (options.approve !== false) await ctx.approval.approve(reg.userCode);
  const { public_key: publicKey } = await device.keyFields();
  return new ServiceClient(ctx, { clientId: device.clientId, key, publicKey });
}

/** The admin API, or undefined when the target has none or the config gives no admin key. */
export function adminApiOf(ctx: CheckContext): AdminApi | undefined {
  const token = ctx.target.config.admin?.token;
  const base = endpointOf(ctx.target, "dtp_admin_endpoint");
  return token && base ? new AdminApi(ctx, token, base) : undefined;
}

/** The admin API, or SKIP naming what is missing. */
export function adminApi(ctx: CheckContext): AdminApi {
  if (!ctx.target.config.admin?.token) {
    ctx.skip(
      'the admin API needs the admin credential: add "admin": { "token": … } to the target config',
    );
  }
  const admin = adminApiOf(ctx);
  if (!admin) ctx.skip("the target metadata has no dtp_admin_endpoint (the admin API)");
  return admin;
}

// ——— real credentials of another actor or of another kind ———

/** Another device of this check, approved, with its tokens. */
export function otherDevice(
  ctx: CheckContext,
  options: NewDeviceOptions = {},
): Promise<{ device: Device; tokens: TokenHolder }> {
  return approvedDevice(ctx, { label: "other", ...options });
}

/** A user token (the configured user, logged in through a new device). */
export async function userToken(ctx: CheckContext): Promise<TokenHolder> {
  return (await loggedInUser(ctx)).tokens;
}

/**
 * A second service client with its own registered key: a new approved `server` device on a
 * DTP target; under the OAuth profile the config's second private_key_jwt client, or
 * undefined (and a note) when the config has only one.
 */
export async function otherServiceClient(ctx: CheckContext): Promise<ServiceClient | undefined> {
  if (ctx.target.profile === "oauth") {
    const client = oauthAssertionClient(ctx.target, 1);
    if (!client) {
      ctx.note(
        'OAuth profile: "oauth": { "clients": … } has one private_key_jwt client: another client\'s key is not presented',
      );
      return undefined;
    }
    const spki = client.key.publicKey.export({ format: "der", type: "spki" });
    return new ServiceClient(ctx, { ...client, publicKey: spki.toString("base64") });
  }
  return serviceClient(ctx, { label: "other-svc" });
}

/** A service token of a new service client. */
export async function serviceToken(ctx: CheckContext): Promise<TokenHolder> {
  return (await serviceClient(ctx)).token();
}

/** A personal token of the configured user. */
export async function personalToken(ctx: CheckContext): Promise<PersonalToken> {
  return (await loggedInUser(ctx)).personalToken({ name: `kit ${ctx.clientId("pat")}` });
}

/**
 * The config's second user (`otherUser`), logged in through a new approved device of this
 * check; undefined (and a note) when the config names none.
 */
export async function otherUserSession(ctx: CheckContext): Promise<UserSession | undefined> {
  const other = ctx.target.config.otherUser;
  if (!other) {
    ctx.note('the config has no "otherUser": another user\'s credentials are not presented');
    return undefined;
  }
  ctx.http.addSecret(other.password);
  const via = await approvedDevice(ctx, { label: "other-user" });
  return UserSession.login(ctx, via.device, via.tokens, other, { label: "login (other user)" });
}

/** A live refresh token issued to another client (with that client). */
export async function otherRefreshToken(
  ctx: CheckContext,
): Promise<{ device: Device; refreshToken: string }> {
  const { device, tokens } = await otherDevice(ctx);
  const refreshToken = tokens.tokens.refreshToken;
  if (refreshToken === undefined)
    ctx.skip("the target issued no refresh token to the other device");
  return { device, refreshToken };
}

/** A DPoP session with a key that is not any token's. */
export async function strayDpopKey(kind: KeyKind = "ed25519"): Promise<DpopSession> {
  return new DpopSession(await generateDeviceKey(kind));
}
