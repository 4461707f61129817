/**
 * Shared by the errors suite: a session (a device with live tokens, and a logged-in user
 * when the target offers login), harmless requests to every OAuth endpoint that checks
 * then break in one way, the error-format assertions of DTP-ERR-001/005/006, a detector for
 * leaked internals (stack traces, file paths), and SHOULD findings collected for the end.
 */

import type { CheckContext } from "../../src/check/check.ts";
import {
  expectJson,
  expectProblem,
  expectStatus,
  fail,
  type ProblemDetails,
} from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { basicAuth, clientSecret } from "../../src/client/legacy/auth.ts";
import { type Registration, register } from "../../src/client/legacy/device.ts";
import { type EndpointName, endpointOf } from "../../src/client/legacy/endpoints.ts";
import {
  callResource,
  login,
  obtainDeviceTokens,
  readTokens,
  refresh,
  type TokenSet,
  userCredentials,
} from "../../src/client/legacy/tokens.ts";
import { randomToken } from "../../src/protocol/random.ts";

// ——— error codes and problem types ———

/** OAuth error codes of RFC 6749 §5.2 and the extensions DTP uses (RFC 8628, 9449, 7009, 6750, DTP). */
export const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "unsupported_response_type",
  "invalid_scope",
  "authorization_pending",
  "slow_down",
  "access_denied",
  "expired_token",
  "invalid_dpop_proof",
  "use_dpop_nonce",
  "invalid_signature",
  "unsupported_token_type",
  "invalid_token",
]);

/** The problem type slug DTP-ERR-006 names for each status. */
export const PROBLEM_SLUGS: Readonly<Record<number, string>> = {
  400: "invalid-request",
  401: "unauthorized",
  403: "insufficient-scope",
  404: "not-found",
  409: "conflict",
  410: "gone",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "rate-limited",
};

export const PROBLEM_BASE = "https://dtp.dev/problems/";
const PROBLEM_TYPE = /^https:\/\/dtp\.dev\/problems\/[a-z0-9-]+$/;

/** Characters RFC 6749 §5.2 allows in `error_description`. */
const DESCRIPTION_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

export const ERR001 = "DTP-ERR-001";
export const ERR002 = "DTP-ERR-002";
export const ERR005 = "DTP-ERR-005";
export const ERR006 = "DTP-ERR-006";

// ——— SHOULD findings ———

/**
 * SHOULD-level findings collected while a check goes on (a MUST failure still ends the
 * check first); {@link Findings.settle} ends the check as WARN with the first one.
 */
export class Findings {
  readonly #list: { requirement: string; expected: string; actual: string; res?: HttpResponse }[] =
    [];

  add(requirement: string, expected: string, actual: string, res?: HttpResponse): void {
    if (this.#list.length < 50) {
      this.#list.push({ requirement, expected, actual, ...(res ? { res } : {}) });
    }
  }

  get size(): number {
    return this.#list.length;
  }

  /** Throws a SHOULD-level failure for the first finding, if any. */
  settle(ctx: CheckContext): void {
    const first = this.#list[0];
    if (!first) return;
    for (const f of this.#list.slice(1, 10)) ctx.note(`also ${f.requirement}: ${f.actual}`);
    throw new CheckFailure({
      requirement: first.requirement,
      expected: first.expected,
      actual: `${first.actual}${this.#list.length > 1 ? ` (and ${this.#list.length - 1} more)` : ""}`,
      evidence: first.res ? [first.res.exchange] : [],
      level: "SHOULD",
    });
  }
}

// ——— format assertions ———

/**
 * Fails unless `res` is an RFC 6749 §5.2 error as DTP-ERR-001 says: `application/json`
 * object, `error` a known code (and one of `want.error` when given), status 400 except
 * `invalid_client` / `invalid_signature` (401; `invalid_token` 401 at introspection, for a
 * bad admin bearer). `want.status` restricts the status further.
 */
export function expectOAuthErrorFormat(
  res: HttpResponse,
  requirement: string,
  want: { status?: number | readonly number[]; error?: string | readonly string[] } = {},
  findings?: Findings,
): { error: string; error_description?: string } {
  const statuses =
    want.status === undefined
      ? undefined
      : typeof want.status === "number"
        ? [want.status]
        : want.status;
  const errors =
    want.error === undefined
      ? undefined
      : typeof want.error === "string"
        ? [want.error]
        : want.error;
  const expected = `${statuses ? `status ${statuses.join(" or ")}` : "a 4xx status"} with an OAuth error${errors ? ` ${errors.join(" or ")}` : ""} (application/json)`;
  if (statuses ? !statuses.includes(res.status) : res.status < 400 || res.status > 499) {
    fail(requirement, expected, describeShort(res), res);
  }
  const body = expectJson(res, ERR001, "application/json");
  if (typeof body.error !== "string") {
    fail(ERR001, 'a JSON object with an "error" code (RFC 6749 §5.2)', describeShort(res), res);
  }
  const error = body.error;
  if (errors && !errors.includes(error)) {
    fail(requirement, expected, `status ${res.status} with error=${JSON.stringify(error)}`, res);
  }
  if (!OAUTH_ERROR_CODES.has(error)) {
    fail(
      ERR001,
      "an error code from RFC 6749 §5.2 or the extension defining it",
      `error=${JSON.stringify(error)}`,
      res,
    );
  }
  const want401 = error === "invalid_client" || error === "invalid_signature";
  const okStatus = want401
    ? res.status === 401
    : error === "invalid_token"
      ? res.status === 401
      : res.status === 400;
  if (!okStatus) {
    fail(
      ERR001,
      `status ${want401 || error === "invalid_token" ? 401 : 400} for error=${error}`,
      `status ${res.status}`,
      res,
    );
  }
  const description = body.error_description;
  if (description !== undefined && typeof description !== "string") {
    fail(ERR001, '"error_description" to be a string', JSON.stringify(description), res);
  }
  if (findings) {
    if (typeof description !== "string" || description.trim() === "") {
      findings.add(
        ERR002,
        "an error_description naming the offending parameter",
        `none (error=${error})`,
        res,
      );
    } else if (!DESCRIPTION_CHARS.test(description)) {
      findings.add(
        ERR002,
        "error_description made only of %x20-21 / %x23-5B / %x5D-7E",
        `error_description ${JSON.stringify(description)}`,
        res,
      );
    }
  }
  return body as { error: string; error_description?: string };
}

/**
 * Fails unless `res` is a problem as DTP-ERR-005 and DTP-ERR-006 say: status (one of
 * `status`, or any 4xx), `application/problem+json`, `type`, `title`, `status` (= the HTTP
 * status) and `detail`, `type` under `https://dtp.dev/problems/`. The slug DTP-ERR-006
 * names for the status (SHOULD) goes to `findings`.
 */
export function expectProblemFormat(
  res: HttpResponse,
  requirement: string,
  status?: number | readonly number[],
  findings?: Findings,
): ProblemDetails {
  if (status === undefined) {
    if (res.status < 400 || res.status > 499) {
      fail(requirement, "a 4xx status with a problem body", describeShort(res), res);
    }
  } else {
    expectStatus(res, status, requirement);
  }
  const p = expectProblem(res, res.status, ERR005);
  const missing: string[] = ["type", "title", "detail"].filter((k) => typeof p[k] !== "string");
  if (typeof p.status !== "number") missing.push("status");
  if (missing.length > 0) {
    fail(
      ERR005,
      'a problem with "type", "title", "status" and "detail"',
      `no ${missing.map((m) => `"${m}"`).join(", ")}: ${describeShort(res)}`,
      res,
    );
  }
  if (!PROBLEM_TYPE.test(p.type as string)) {
    fail(
      ERR006,
      `a problem "type" ${PROBLEM_BASE}<slug>`,
      `"type": ${JSON.stringify(p.type)}`,
      res,
    );
  }
  const slug = PROBLEM_SLUGS[res.status];
  if (findings && slug !== undefined && p.type !== `${PROBLEM_BASE}${slug}`) {
    findings.add(
      ERR006,
      `problem type ${PROBLEM_BASE}${slug} for status ${res.status}`,
      `"type": ${JSON.stringify(p.type)}`,
      res,
    );
  }
  return p;
}

/** "status 500, text/html: <html>…" on one line, at most 200 characters of body. */
export function describeShort(res: HttpResponse): string {
  const ct = res.headers["content-type"];
  const body = res.text.replace(/\s+/g, " ").trim();
  return `status ${res.status}${ct ? `, ${ct}` : ""}${body ? `: ${body.slice(0, 200)}${body.length > 200 ? "…" : ""}` : ""}`;
}

// ——— leaked internals ———

const LEAKS: [RegExp, string][] = [
  [
    /\bat (?:async )?[\w$.<>[\]]+ \((?:file:\/\/|node:|\/|[A-Za-z]:\\)[^)]*:\d+:\d+\)/,
    "a stack frame",
  ],
  [/\bat (?:file:\/\/|node:internal|\/)[^\s)]+:\d+:\d+/, "a stack frame"],
  [/node:internal\//, "a Node.js internal module path"],
  [/\bTraceback \(most recent call last\)/, "a Python traceback"],
  [/\bat [\w$.]+\([\w$]+\.java:\d+\)/, "a Java stack frame"],
  [/goroutine \d+ \[/, "a Go stack trace"],
  [
    /(?:^|[\s"'(=:])(?:\/(?:home|usr|opt|srv|var|app|src|work|tmp|root|Users)\/[\w.@-]+(?:\/[\w.@-]+)*\.(?:ts|js|mjs|cjs|py|rb|go|java|php|cs))\b/,
    "an internal file path",
  ],
  [/[A-Za-z]:\\(?:[\w .-]+\\)+[\w .-]+\.(?:ts|js|py|cs|java)\b/, "an internal file path"],
];

/** What internal detail the response shows (body or headers), if any. */
export function leakedInternals(res: HttpResponse): string | undefined {
  const texts = [res.text, ...Object.values(res.headers)];
  for (const text of texts) {
    for (const [re, what] of LEAKS) {
      const m = re.exec(text);
      if (m) return `${what}: ${JSON.stringify(m[0].trim().slice(0, 120))}`;
    }
  }
  return undefined;
}

// ——— a session: live device and user tokens ———

/** Tokens kept valid: renewed (refresh, or obtained again) shortly before they expire. */
export interface LiveTokens {
  current(): TokenSet;
  /** A currently valid access token. */
  access(): Promise<string>;
  /** Refreshes now (fails `requirement` when the refresh does not work). */
  renew(requirement: string): Promise<TokenSet>;
}

export interface Session {
  /** The session device's client_id. */
  clientId: string;
  /** Its registration (approved when the kit can get registrations approved). */
  registration: Registration;
  /** Its live tokens: only when the target config says how to approve a registration. */
  deviceTokens?: LiveTokens;
  /** The configured user, logged in through the device (when the target offers login). */
  userTokens?: LiveTokens;
  /** The configured user's name (for harmless login requests), if any. */
  username?: string;
}

function live(
  ctx: CheckContext,
  first: TokenSet,
  again: (requirement: string, current: TokenSet) => Promise<TokenSet>,
  requirement: string,
): LiveTokens {
  let current = first;
  const self: LiveTokens = {
    current: () => current,
    async access() {
      // Renewed well before it expires (lifetimes may be seconds, and a busy server may
      // take a while to answer): used only in the first 40 % of its life.
      const lifetimeMs = current.expiresIn * 1000;
      const left = current.receivedAt + lifetimeMs - ctx.clock.now();
      if (current.expiresIn > 0 && left < Math.max(1500, 0.6 * lifetimeMs)) {
        await self.renew(requirement);
      }
      return current.accessToken;
    },
    async renew(req) {
      current = await again(req, current);
      return current;
    },
  };
  return self;
}

/**
 * A device with tokens (keyless: Bearer tokens) and, when the target offers login and the
 * config names a user, that user's tokens obtained through it.
 */
export async function openSession(ctx: CheckContext, requirement: string): Promise<Session> {
  const f = ctx.target.features;
  if (!f.has("admin")) {
    // No way to get a registration approved: the cases that need tokens are left out.
    ctx.note("no approval configured: the cases that need a device or user token are left out");
    const registration = await register(ctx, requirement, { label: "register (session)" });
    return { clientId: registration.clientId, registration };
  }
  const device = await obtainDeviceTokens(ctx, requirement, { label: "register (session)" });
  const holder = { clientId: device.clientId };
  const deviceTokens = live(
    ctx,
    device.tokens,
    async (req, current) => {
      if (current.refreshToken === undefined) {
        fail(
          req,
          "(setup) a refresh token to keep the device's access token fresh",
          "none was issued",
        );
      }
      return readTokens(ctx, await refresh(ctx, holder, current.refreshToken), req);
    },
    requirement,
  );
  const session: Session = { clientId: device.clientId, registration: device, deviceTokens };
  if (f.has("login") && f.has("user_credentials")) {
    const user = userCredentials(ctx);
    session.username = user.username;
    const logIn = async (req: string) => {
      const token = await deviceTokens.access();
      const res = await login(
        ctx,
        { tokens: { accessToken: token, tokenType: "Bearer" } },
        { username: user.username, password: user.password },
        "login (session)",
      );
      return readTokens(ctx, res, req);
    };
    session.userTokens = live(
      ctx,
      await logIn(requirement),
      async (req, current) =>
        current.refreshToken === undefined
          ? logIn(req)
          : readTokens(ctx, await refresh(ctx, holder, current.refreshToken), req),
      requirement,
    );
  }
  return session;
}

/**
 * Nothing was lost: the device's refresh token still refreshes, the new access token is
 * accepted at the resource, and the same for the user's tokens.
 */
export async function expectSessionIntact(
  ctx: CheckContext,
  session: Session,
  requirement: string,
): Promise<void> {
  const pairs: [string, LiveTokens | undefined][] = [
    ["the device's", session.deviceTokens],
    ["the user's", session.userTokens],
  ];
  for (const [whose, tokens] of pairs) {
    if (!tokens) continue;
    const before = tokens.current();
    let renewed: TokenSet;
    try {
      renewed = await tokens.renew(requirement);
    } catch (err) {
      if (err instanceof CheckFailure) {
        throw new CheckFailure({
          requirement,
          expected: `${whose} tokens obtained before the bad requests still work (refresh: 200)`,
          actual: err.actual,
          evidence: err.evidence,
        });
      }
      throw err;
    }
    if (renewed === before) continue;
    if (endpointOf(ctx.target, "dtp_resource_endpoint") !== undefined) {
      const res = await callResource(
        ctx,
        { accessToken: renewed.accessToken, tokenType: "Bearer" },
        undefined,
        `GET /me with ${whose} new access token`,
      );
      if (res.status !== 200) {
        fail(
          requirement,
          `${whose} tokens still work after the bad requests (GET /me: 200)`,
          describeShort(res),
          res,
        );
      }
    }
  }
}

// ——— harmless requests to the OAuth endpoints ———

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

/** The OAuth operations the target offers (login only with a session user). */
export function oauthOperations(ctx: CheckContext, session?: Session): OAuthOperation[] {
  return (Object.keys(OAUTH_ENDPOINTS) as OAuthOperation[]).filter(
    (op) =>
      endpointOf(ctx.target, OAUTH_ENDPOINTS[op]) !== undefined &&
      (op !== "login" || session?.userTokens !== undefined),
  );
}

/** A request that is valid but does no harm whatever the answer (fresh ids, random tokens). */
export interface OAuthRequest {
  op: OAuthOperation;
  url: string;
  /** Authorization header (Basic with the API key, or the device's Bearer token at /login). */
  authorization: string;
  /** Form parameters, in order. */
  params: [string, string][];
  /** Names of the parameters the operation requires (DTP-ERR-011). */
  required: string[];
  clientId: string;
}

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * A valid request to `op` that harms nothing: a registration of a fresh client_id, a refresh
 * (or device code poll) with a random token, revocation / introspection of a random token, a
 * login with a wrong password. `variant` picks the token grant (0: refresh, 1: device code).
 */
export async function harmlessRequest(
  ctx: CheckContext,
  session: Session,
  op: OAuthOperation,
  variant = 0,
): Promise<OAuthRequest> {
  const url = endpointOf(ctx.target, OAUTH_ENDPOINTS[op])!;
  const deviceId = session.clientId;
  const apiKey = clientSecret(ctx.target, deviceId);
  switch (op) {
    case "registerDevice": {
      const clientId = ctx.clientId("err");
      if (ctx.target.profile === "oauth") {
        // A plain RFC 8628 device authorization request: with HTTP Basic, no body parameter
        // is required (RFC 6749 §2.3.1: the client_id travels in the credentials).
        const scope = ctx.target.config.oauth?.scope;
        return {
          op,
          url,
          authorization: basicAuth(clientId, clientSecret(ctx.target, clientId)),
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
        authorization: basicAuth(clientId, clientSecret(ctx.target, clientId)),
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
      return variant % 2 === 0
        ? {
            op,
            url,
            authorization: basicAuth(deviceId, apiKey),
            params: [
              ["grant_type", "refresh_token"],
              ["refresh_token", randomToken(32)],
            ],
            required: ["grant_type", "refresh_token"],
            clientId: deviceId,
          }
        : {
            op,
            url,
            authorization: basicAuth(deviceId, apiKey),
            params: [
              ["grant_type", DEVICE_CODE_GRANT],
              ["device_code", randomToken(32)],
            ],
            required: ["grant_type", "device_code"],
            clientId: deviceId,
          };
    case "revokeToken":
    case "introspectToken":
      return {
        op,
        url,
        authorization: basicAuth(deviceId, apiKey),
        params: [["token", randomToken(32)]],
        required: ["token"],
        clientId: deviceId,
      };
    case "login":
      return {
        op,
        url,
        authorization: `Bearer ${await session.deviceTokens!.access()}`,
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

/** Parameter names some OAuth server may recognise: generated "unknown" names avoid them. */
export const KNOWN_PARAMETER_PARTS = [
  "token",
  "grant",
  "client",
  "response",
  "user",
  "password",
  "card",
  "scope",
  "device",
  "state",
  "key",
  "assertion",
  "description",
  "code",
  "resource",
  "audience",
  "redirect",
  "nonce",
  "secret",
] as const;

/** True when the (lenient, WHATWG) decoding of `body` names a parameter some server may know. */
export function mentionsKnownParameter(body: string): boolean {
  const lower = body.toLowerCase();
  if (KNOWN_PARAMETER_PARTS.some((p) => lower.includes(p))) return true;
  for (const name of new URLSearchParams(body).keys()) {
    const n = name.toLowerCase();
    if (KNOWN_PARAMETER_PARTS.some((p) => n.includes(p))) return true;
  }
  return false;
}
