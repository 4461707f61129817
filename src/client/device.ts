/**
 * A device (RFC 8628, DTP registration): registers (with or without a key), polls the token
 * endpoint honouring `interval` and `slow_down` (RFC 8628 §3.4–3.5), gets its tokens once
 * the registration is approved, and, when it has a key, re-registers with an HTTP Message
 * Signature (re-registration.ts) and proves the key with DPoP at the token endpoint.
 *
 * `dialect: "oauth"` makes a plain RFC 8628 device authorization request (client_id and
 * scope only, no DTP fields): a pre-registered client of a standard OAuth server.
 */
import { expectJson, expectStatus, fail } from "../check/expect.ts";
import type { HttpResponse } from "../check/http.ts";
import type { KeyKind } from "../protocol/jwk.ts";
import {
  type DeviceKey,
  type KeyType,
  type RegistrationKeyFields,
  registrationKeyFields,
} from "../protocol/keys.ts";
import type { ClientAuth } from "./auth.ts";
import type { DtpContext } from "./context.ts";
import { DpopSession } from "./dpop-session.ts";
import { endpoint } from "./metadata.ts";
import {
  introspect,
  type OAuthClient,
  refresh,
  revoke,
  type SendOptions,
  sendAs,
} from "./oauth.ts";
import { ownerOf } from "./owners.ts";
import { TokenHolder } from "./token-holder.ts";
import { describeAnswer, readStepTokens, type TokenSet } from "./tokens.ts";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export interface DeviceOptions {
  clientId: string;
  /** How the device authenticates (DTP: its API key, HTTP Basic). */
  auth: ClientAuth;
  /** Its key: registered (`public_key` + `key_type`) and used for DPoP proofs. */
  key?: DeviceKey;
  /** How the key is registered (default by kind: rsa, x509 for EC, ed25519). */
  keyType?: KeyType;
  /** Register an Ed25519 key as its raw 32 bytes. */
  rawEd25519?: boolean;
  /** The DPoP proof algorithm (default: the first for the key kind). */
  dpopAlg?: string;
  /** Default `desktop_client`. */
  clientType?: string;
  /** `"oauth"`: a plain RFC 8628 client (see the file header). */
  dialect?: "dtp" | "oauth";
  /** The scope its registrations ask for unless one says otherwise. */
  scope?: string | undefined;
}

export interface RegisterOptions {
  scope?: string | undefined;
  state?: string;
  description?: string;
  /** Extra or overriding form fields (`undefined` removes one). */
  extra?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Authenticate this way instead of the device's own. */
  auth?: ClientAuth;
  /** Leave the key out of the form (a keyed device registering as if it had none). */
  withoutKey?: boolean;
  label?: string;
  /** The requirement a refused registration fails (default: the registration's owner). */
  requirement?: string;
}

/** A registration the server accepted: what the device shows and polls with. */
export interface Registration {
  res: HttpResponse;
  clientId: string;
  deviceCode: string;
  userCode: string;
  verificationUri?: string;
  interval: number;
  expiresIn: number;
  /** True for a signed re-registration (approved at once). */
  signed?: boolean;
}

/** The default `key_type` for a key kind. */
export function keyTypeFor(kind: KeyKind): KeyType {
  return kind === "rsa" ? "rsa" : kind === "ed25519" ? "ed25519" : "x509";
}

export class Device implements OAuthClient {
  readonly clientId: string;
  readonly auth: ClientAuth;
  readonly key: DeviceKey | undefined;
  readonly keyType: KeyType | undefined;
  readonly dpop: DpopSession | undefined;
  readonly clientType: string;
  readonly dialect: "dtp" | "oauth";
  readonly scope: string | undefined;
  readonly ctx: DtpContext;
  readonly #rawEd25519: boolean | undefined;
  #keyFields: Promise<RegistrationKeyFields> | undefined;

  /**
   * @example
   * const dtp = await connect("https://dtp.example.com");
   * const key = await generateDeviceKey("ed25519");
   * const printer = new Device(dtp, {
   *   clientId: "printer-42",
   *   auth: clientSecretBasic("printer-42", process.env.DTP_API_KEY!),
   *   key,
   *   clientType: "printer",
   * });
   */
  constructor(ctx: DtpContext, options: DeviceOptions) {
    this.ctx = ctx;
    this.clientId = options.clientId;
    this.auth = options.auth;
    this.key = options.key;
    this.keyType = options.key ? (options.keyType ?? keyTypeFor(options.key.kind)) : undefined;
    this.dpop = options.key ? new DpopSession(options.key, options.dpopAlg) : undefined;
    this.clientType = options.clientType ?? "desktop_client";
    this.dialect = options.dialect ?? "dtp";
    this.scope = options.scope;
    this.#rawEd25519 = options.rawEd25519;
  }

  /** The `public_key` and `key_type` fields the device registers its key with. */
  keyFields(): Promise<RegistrationKeyFields> {
    if (!this.key || !this.keyType) throw new Error(`${this.clientId} has no key`);
    this.#keyFields ??= registrationKeyFields(this.key, this.keyType, {
      ...(this.#rawEd25519 !== undefined ? { rawEd25519: this.#rawEd25519 } : {}),
    });
    return this.#keyFields;
  }

  /** The registration form (client authentication not included). */
  async registrationForm(
    options: RegisterOptions = {},
  ): Promise<Record<string, string | undefined>> {
    if (this.dialect === "oauth") {
      return { client_id: this.clientId, scope: options.scope ?? this.scope, ...options.extra };
    }
    const keyFields = this.key && !options.withoutKey ? await this.keyFields() : {};
    return {
      client_id: this.clientId,
      client_type: this.clientType,
      response_type: "device_code",
      client_description: options.description,
      state: options.state,
      scope: options.scope ?? this.scope,
      ...keyFields,
      ...options.extra,
    };
  }

  /** Sends a registration (`POST /register`) and returns the answer. */
  async sendRegistration(options: RegisterOptions = {}): Promise<HttpResponse> {
    return postRegistration(
      this.ctx,
      await this.registrationForm(options),
      options.auth ?? this.auth,
      {
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.label ? { label: options.label } : {}),
      },
    );
  }

  /**
   * Registers; fails the registration's owner (or `requirement`) unless the answer is a
   * device authorization response.
   *
   * @example
   * const reg = await printer.register();
   * console.log(`Ask an administrator to approve ${reg.userCode}`);
   */
  async register(options: RegisterOptions = {}): Promise<Registration> {
    const res = await this.sendRegistration(options);
    return readRegistration(res, this.clientId, ownerOf("register", options.requirement));
  }

  /** One poll of the token endpoint (with a DPoP proof for a keyed device). */
  poll(
    reg: Pick<Registration, "deviceCode">,
    options: SendOptions & { label?: string; extra?: Record<string, string | undefined> } = {},
  ): Promise<HttpResponse> {
    const form = {
      grant_type: DEVICE_CODE_GRANT,
      device_code: reg.deviceCode,
      client_id: this.clientId,
      ...options.extra,
    };
    return sendAs(this.ctx, this, "token_endpoint", form, options.label ?? "poll", options);
  }

  /**
   * Polls until the answer is neither `authorization_pending` nor `slow_down`, waiting
   * `interval` between polls and 5 s more after each `slow_down` (RFC 8628 §3.5); returns
   * the final answer. Fails (approval's owner, or `requirement`) when the device code's
   * lifetime passes first.
   */
  async pollUntilFinal(
    reg: Registration,
    options: SendOptions & { requirement?: string } = {},
  ): Promise<HttpResponse> {
    const { clock } = this.ctx;
    const { requirement, ...send } = options;
    let interval = reg.interval;
    const deadline = clock.now() + (reg.expiresIn + 5) * 1000;
    for (let n = 1; ; n++) {
      const res = await this.poll(reg, { ...send, label: `poll #${n}` });
      const error = (res.body as { error?: unknown } | undefined)?.error;
      if (res.status !== 400 || (error !== "authorization_pending" && error !== "slow_down")) {
        return res;
      }
      if (error === "slow_down") interval += 5;
      if (clock.now() + interval * 1000 > deadline) {
        fail(
          ownerOf("approve", requirement),
          "a final answer before the device code expires",
          `still ${error}`,
          res,
        );
      }
      await clock.sleep(interval * 1000, `for the polling interval (${interval} s)`);
    }
  }

  /**
   * Polls until the registration is decided and returns the device's tokens. A final answer
   * other than tokens fails the approval's owner (a signed re-registration's: its own), or
   * `requirement`; a malformed token response fails the token response's owner.
   *
   * @example
   * const tokens = await printer.waitForTokens(reg);
   * const me = await tokens.me();
   */
  async waitForTokens(
    reg: Registration,
    options: { requirement?: string } = {},
  ): Promise<TokenHolder> {
    const owner = ownerOf(reg.signed ? "signedReRegistration" : "approve", options.requirement);
    const res = await this.pollUntilFinal(reg, { requirement: owner });
    return this.holder(readStepTokens(this.ctx, res, owner, "the poll of an approved device code"));
  }

  /** A token holder for this device's `tokens`, renewed by refreshing. */
  holder(tokens: TokenSet, what = "device token"): TokenHolder {
    return new TokenHolder(this.ctx, tokens, {
      what,
      kind: "device",
      clientId: this.clientId,
      ...(this.dpop ? { dpop: this.dpop } : {}),
      renew: (current) => this.refreshed(current),
    });
  }

  /** Refreshes `tokens` (must succeed: the refresh's owner, or `requirement`). */
  async refreshed(
    tokens: TokenSet,
    options: { requirement?: string; extra?: Record<string, string | undefined> } = {},
  ): Promise<TokenSet> {
    const owner = ownerOf("refresh", options.requirement);
    if (tokens.refreshToken === undefined) {
      fail(ownerOf("tokenResponse"), "a refresh_token in the token response", "none", tokens.res);
    }
    const res = await refresh(this.ctx, this, tokens.refreshToken, options.extra);
    return readStepTokens(this.ctx, res, owner, "a refresh");
  }

  /** `grant_type=refresh_token` as this device (the answer). */
  refresh(
    refreshToken: string,
    extra: Record<string, string | undefined> = {},
    options: SendOptions & { label?: string } = {},
  ): Promise<HttpResponse> {
    return refresh(this.ctx, this, refreshToken, extra, options);
  }

  /** `POST /revoke` as this device (the answer). */
  revoke(
    token: string,
    hint?: string,
    options: SendOptions & { label?: string } = {},
  ): Promise<HttpResponse> {
    return revoke(this.ctx, this, token, hint, options);
  }

  /** `POST /introspect` as this device (the answer). */
  introspect(
    token: string,
    options: SendOptions & { hint?: string; label?: string } = {},
  ): Promise<HttpResponse> {
    return introspect(this.ctx, this, token, options);
  }
}

/**
 * `POST /register` with `form` exactly as given (`undefined` values left out), `auth` added,
 * and `headers` (the answer).
 */
export function postRegistration(
  ctx: DtpContext,
  form: Record<string, string | undefined>,
  auth: ClientAuth,
  options: { label?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const body = { ...form };
  auth.apply({ headers, form: body }, ctx.target, Math.floor(ctx.clock.now() / 1000));
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "device_authorization_endpoint"),
    headers,
    form: body,
    label: options.label ?? "register",
  });
}

/** Reads a device authorization response (RFC 8628 §3.2); fails `requirement` otherwise. */
export function readRegistration(
  res: HttpResponse,
  clientId: string,
  requirement: string,
): Registration {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  const { device_code, user_code, interval, expires_in, verification_uri } = body;
  if (typeof device_code !== "string" || typeof user_code !== "string") {
    fail(requirement, "device_code and user_code strings", describeAnswer(res), res);
  }
  if (typeof expires_in !== "number") {
    fail(requirement, "a numeric expires_in", `expires_in = ${JSON.stringify(expires_in)}`, res);
  }
  return {
    res,
    clientId,
    deviceCode: device_code,
    userCode: user_code,
    ...(typeof verification_uri === "string" ? { verificationUri: verification_uri } : {}),
    interval: typeof interval === "number" ? interval : 5,
    expiresIn: expires_in,
  };
}
