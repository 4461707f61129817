/**
 * Harmless requests to the OAuth endpoints, for checks that break them in one way (a
 * parameter left out, repeated, emptied; a wrong media type; bad client authentication):
 * a valid request that does no harm whatever the answer (a fresh client_id, random tokens, a
 * wrong password), with its client authentication kept apart so that a check can replace it.
 * The probes' session is a device of the check (approved, with live tokens, when approval
 * is configured) and the configured user logged in through it (when the target has login).
 */
import type { CheckContext } from "../../check/check.ts";
import type { HttpResponse } from "../../check/http.ts";
import { randomToken } from "../../protocol/random.ts";
import type { ClientAuth } from "../auth.ts";
import { DEVICE_CODE_GRANT, type Device, type Registration } from "../device.ts";
import { type EndpointName, endpointOf } from "../metadata.ts";
import type { TokenHolder } from "../token-holder.ts";
import type { UserSession } from "../user.ts";
import { loggedInUser, userCredentials } from "./actors.ts";
import { clientAuthFor } from "./auth.ts";
import { approvedDevice, registeredDevice } from "./devices.ts";

export interface ProbeSession {
  device: Device;
  registration: Registration;
  /** The device's live tokens: only when the target config says how to approve. */
  deviceTokens?: TokenHolder;
  /** The configured user, logged in through the device (when the target offers login). */
  user?: UserSession;
  /** The configured user's name (for harmless login requests), if any. */
  username?: string;
}

/** A device (approved when approval is configured) and, with login, the configured user. */
export async function probeSession(ctx: CheckContext): Promise<ProbeSession> {
  const f = ctx.target.features;
  if (!f.has("admin")) {
    ctx.note("no approval configured: the cases that need a device or user token are left out");
    const { device, reg } = await registeredDevice(ctx, {
      register: { label: "register (session)" },
    });
    return { device, registration: reg };
  }
  const { device, reg, tokens } = await approvedDevice(ctx, {
    register: { label: "register (session)" },
  });
  const session: ProbeSession = { device, registration: reg, deviceTokens: tokens };
  if (f.has("login") && f.has("user_credentials")) {
    session.username = userCredentials(ctx).username;
    session.user = await loggedInUser(ctx, { through: { device, tokens } });
  }
  return session;
}

export type OAuthOperation =
  | "registerDevice"
  | "token"
  | "revokeToken"
  | "introspectToken"
  | "login";

export const OAUTH_ENDPOINTS: Readonly<Record<OAuthOperation, EndpointName>> = {
  registerDevice: "device_authorization_endpoint",
  token: "token_endpoint",
  revokeToken: "revocation_endpoint",
  introspectToken: "introspection_endpoint",
  login: "dtp_login_endpoint",
};

/** The OAuth operations the target offers (login only with a logged-in session user). */
export function oauthOperations(ctx: CheckContext, session?: ProbeSession): OAuthOperation[] {
  return (Object.keys(OAUTH_ENDPOINTS) as OAuthOperation[]).filter(
    (op) =>
      endpointOf(ctx.target, OAUTH_ENDPOINTS[op]) !== undefined &&
      (op !== "login" || session?.user !== undefined),
  );
}

/** A valid request that harms nothing. */
export interface OAuthProbe {
  op: OAuthOperation;
  url: string;
  /** How it authenticates: a client (its ClientAuth), or the device's token (/login). */
  auth: { client: ClientAuth } | { bearer: TokenHolder };
  /** Form parameters, in order, without client authentication. */
  params: [string, string][];
  /** Names of the parameters the operation requires (DTP-ERR-011). */
  required: string[];
  clientId: string;
}

/**
 * A valid request to `op` that harms nothing: a registration of a fresh client_id, a refresh
 * (or device code poll) with a random token, revocation / introspection of a random token, a
 * login with a wrong password. `variant` picks the token grant (0: refresh, 1: device code).
 */
export function harmlessRequest(
  ctx: CheckContext,
  session: ProbeSession,
  op: OAuthOperation,
  variant = 0,
): OAuthProbe {
  const url = endpointOf(ctx.target, OAUTH_ENDPOINTS[op])!;
  const deviceId = session.device.clientId;
  const as = (clientId: string) => ({ client: clientAuthFor(ctx.target, clientId) });
  switch (op) {
    case "registerDevice": {
      const clientId = ctx.clientId("err");
      if (ctx.target.profile === "oauth") {
        // A plain RFC 8628 device authorization request.
        const scope = ctx.target.config.oauth?.scope;
        return {
          op,
          url,
          auth: as(clientId),
          params: [
            ["client_id", clientId],
            ...(scope ? [["scope", scope] as [string, string]] : []),
          ],
          required: [],
          clientId,
        };
      }
      return {
        op,
        url,
        auth: as(clientId),
        params: [
          ["client_id", clientId],
          ["client_type", "desktop_client"],
          ["response_type", "device_code"],
        ],
        required: ["client_id", "client_type", "response_type"],
        clientId,
      };
    }
    case "token":
      return {
        op,
        url,
        auth: as(deviceId),
        params:
          variant % 2 === 0
            ? [
                ["grant_type", "refresh_token"],
                ["refresh_token", randomToken(32)],
              ]
            : [
                ["grant_type", DEVICE_CODE_GRANT],
                ["device_code", randomToken(32)],
              ],
        required:
          variant % 2 === 0 ? ["grant_type", "refresh_token"] : ["grant_type", "device_code"],
        clientId: deviceId,
      };
    case "revokeToken":
    case "introspectToken":
      return {
        op,
        url,
        auth: as(deviceId),
        params: [["token", randomToken(32)]],
        required: ["token"],
        clientId: deviceId,
      };
    case "login":
      return {
        op,
        url,
        auth: { bearer: session.deviceTokens! },
        params: [
          ["username", session.username ?? "dtp-kit-nobody"],
          ["password", `wrong-${randomToken(12)}`],
        ],
        required: ["username", "password"],
        clientId: deviceId,
      };
  }
}

/** The form body of parameters (percent-encoded, in order, duplicates kept). */
export function formBody(params: readonly (readonly [string, string])[]): string {
  const p = new URLSearchParams();
  for (const [k, v] of params) p.append(k, v);
  return p.toString();
}

export interface ProbeSend {
  /** The parameters to send (default: the probe's), encoded as a form body. */
  params?: readonly (readonly [string, string])[];
  /** A raw body instead of the form (a JSON body, garbage). */
  body?: string;
  /** The Content-Type (default the form's); `null` sends none. */
  contentType?: string | null;
  /** Replaces the probe's authentication (`null`: none at all). */
  auth?: ClientAuth | null;
  /** Extra headers (e.g. a hand-made Authorization). */
  headers?: Record<string, string>;
  label: string;
}

/**
 * Sends a probe (changed as `send` says): its client authentication is applied to the
 * headers and, for authentication in the form, appended to the parameters; a probe that
 * presents the device's token sends it live (the client's one policy).
 */
export function sendProbe(
  ctx: CheckContext,
  probe: OAuthProbe,
  send: ProbeSend,
): Promise<HttpResponse> {
  const request = (authorization?: string): Promise<HttpResponse> => {
    const headers: Record<string, string> = {};
    const form: Record<string, string | undefined> = {};
    const auth = send.auth === undefined && "client" in probe.auth ? probe.auth.client : send.auth;
    auth?.apply({ headers, form }, ctx.target, Math.floor(ctx.clock.now() / 1000));
    if (authorization !== undefined) headers.authorization = authorization;
    Object.assign(headers, send.headers);
    const contentType =
      send.contentType === undefined ? "application/x-www-form-urlencoded" : send.contentType;
    if (contentType !== null) headers["content-type"] = contentType;
    const params = [...(send.params ?? probe.params)];
    for (const [k, v] of Object.entries(form)) {
      if (v !== undefined && !params.some(([name]) => name === k)) params.push([k, v]);
    }
    return ctx.http.request({
      method: "POST",
      url: probe.url,
      headers,
      body: send.body ?? formBody(params),
      label: send.label,
    });
  };
  if ("bearer" in probe.auth && send.auth === undefined) {
    return probe.auth.bearer.use((t) => request(`Bearer ${t.accessToken}`));
  }
  return request();
}

/**
 * POSTs `params` as a form to the endpoint `name`, authenticated with `auth` (a client, or a
 * live token): a probe made on the spot.
 */
export function postForm(
  ctx: CheckContext,
  name: EndpointName,
  auth: ClientAuth | TokenHolder,
  params: [string, string][],
  label: string,
): Promise<HttpResponse> {
  const probe: OAuthProbe = {
    op: "token",
    url: endpointOf(ctx.target, name)!,
    auth: "apply" in auth ? { client: auth } : { bearer: auth },
    params,
    required: [],
    clientId: "apply" in auth ? auth.clientId : auth.clientId,
  };
  return sendProbe(ctx, probe, { label });
}
