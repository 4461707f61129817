/**
 * Every kind of token response a target issues, made the way the target wants them: a
 * device token (Bearer), a DPoP-bound one, a refreshed one, a user token (login) and a
 * service token. Checks that judge token responses examine each kind the target offers;
 * what it does not offer is noted.
 */
import type { CheckContext } from "../../check/check.ts";
import type { HttpResponse } from "../../check/http.ts";
import type { Feature } from "../../check/target.ts";
import type { Device, Registration } from "../device.ts";
import type { TokenHolder, TokenKind } from "../token-holder.ts";
import type { TokenSet } from "../tokens.ts";
import { loggedInUser, serviceClient } from "./actors.ts";
import { approvedDevice, type NewDeviceOptions } from "./devices.ts";

/** One successful token response a check examines. */
export interface Issued {
  /** What it is, for messages: "device token", "refreshed device token", … */
  label: string;
  kind: Exclude<TokenKind, "personal">;
  /** The grant (or endpoint) that issued it. */
  grant: "device_code" | "refresh_token" | "login" | "client_credentials";
  /** The client the token was issued to. */
  clientId: string;
  /** True when the client proved a key (DPoP): the token may be bound. */
  keyed: boolean;
  /** True when a refresh token must be in the response (device and user tokens). */
  refreshExpected: boolean;
  res: HttpResponse;
  tokens: TokenSet;
  /** The scope the device registered (device tokens only; undefined = default). */
  registeredScope?: string;
}

/** True when the target offers every one of `features` (and the config what they need). */
export function offers(ctx: CheckContext, ...features: Feature[]): boolean {
  return features.every((f) => ctx.target.features.has(f));
}

/** A device of this check with its first token response. */
export async function deviceIssued(
  ctx: CheckContext,
  options: NewDeviceOptions & { scope?: string; registerLabel?: string } = {},
): Promise<{ device: Device; reg: Registration; tokens: TokenHolder; issued: Issued }> {
  const { scope, registerLabel, ...deviceOptions } = options;
  const { device, reg, tokens } = await approvedDevice(ctx, {
    ...deviceOptions,
    register: {
      ...(scope !== undefined ? { scope } : {}),
      label: registerLabel ?? "register",
    },
  });
  const keyed = device.key !== undefined;
  return {
    device,
    reg,
    tokens,
    issued: {
      label: keyed
        ? `device token (DPoP, ${device.key?.kind} key)`
        : `device token${scope !== undefined ? ` (scope "${scope}")` : ""}`,
      kind: "device",
      grant: "device_code",
      clientId: device.clientId,
      keyed,
      refreshExpected: true,
      res: tokens.tokens.res,
      tokens: tokens.tokens,
      ...(scope !== undefined ? { registeredScope: scope } : {}),
    },
  };
}

/** Refreshes a device's tokens once (the holder keeps the new pair): the rotated response. */
export async function refreshedIssued(device: Device, tokens: TokenHolder): Promise<Issued> {
  const next = await tokens.renew();
  return {
    label: "refreshed device token",
    kind: "device",
    grant: "refresh_token",
    clientId: device.clientId,
    keyed: device.dpop !== undefined,
    refreshExpected: true,
    res: next.res,
    tokens: next,
  };
}

/** The configured user logged in through `through`: the user token response. */
export async function userIssued(
  ctx: CheckContext,
  through: { device: Device; tokens: TokenHolder },
): Promise<Issued> {
  const user = await loggedInUser(ctx, { through });
  return {
    label: "user token (login)",
    kind: "user",
    grant: "login",
    clientId: through.device.clientId,
    keyed: through.device.dpop !== undefined,
    refreshExpected: true,
    res: user.tokens.tokens.res,
    tokens: user.tokens.tokens,
  };
}

/** A new service client's service token response. */
export async function serviceIssued(ctx: CheckContext): Promise<Issued> {
  const svc = await serviceClient(ctx);
  const tokens = await svc.token();
  return {
    label: "service token (client_credentials)",
    kind: "service",
    grant: "client_credentials",
    clientId: svc.clientId,
    keyed: false,
    refreshExpected: false,
    res: tokens.tokens.res,
    tokens: tokens.tokens,
  };
}

/** How to get one kind of token response (issued when asked, in order). */
export interface KindOfToken {
  label: string;
  issue(): Promise<Issued>;
}

/**
 * Every kind of token response the target offers, in order: a Bearer device token (always),
 * a DPoP-bound one (with `dpop`), a user token (login through the first device), a service
 * token and a refreshed one (the first device's). Each is issued when asked, so that a check
 * can examine each in its own case; what the target does not offer is noted.
 */
export function tokenKinds(ctx: CheckContext): KindOfToken[] {
  let first: ReturnType<typeof deviceIssued> | undefined;
  const device = () => {
    first ??= deviceIssued(ctx);
    return first;
  };
  const kinds: KindOfToken[] = [
    { label: "device token", issue: async () => (await device()).issued },
  ];
  const missing: string[] = [];
  if (offers(ctx, "dpop")) {
    kinds.push({
      label: "DPoP-bound device token",
      issue: async () =>
        (await deviceIssued(ctx, { kind: "ed25519", registerLabel: "register (ed25519 key)" }))
          .issued,
    });
  } else missing.push("DPoP-bound device token (no dpop)");
  if (offers(ctx, "login", "user_credentials")) {
    kinds.push({ label: "user token", issue: async () => userIssued(ctx, await device()) });
  } else missing.push("user token (no login endpoint or no user in the config)");
  if (offers(ctx, "client_credentials", "admin")) {
    kinds.push({ label: "service token", issue: () => serviceIssued(ctx) });
  } else missing.push("service token (no client_credentials)");
  if (offers(ctx, "refresh_token")) {
    kinds.push({
      label: "refreshed device token",
      issue: async () => {
        const d = await device();
        return refreshedIssued(d.device, d.tokens);
      },
    });
  } else missing.push("refreshed token (no refresh_token grant)");
  if (missing.length) ctx.note(`not examined: ${missing.join("; ")}`);
  return kinds;
}
