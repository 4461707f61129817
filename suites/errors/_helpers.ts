/**
 * The errors suite's assertions: the error formats of DTP-ERR-001/005/006, a detector for
 * leaked internals (stack traces, file paths), SHOULD findings collected for the end, and
 * "nothing lost" after bad requests. The harmless requests the checks break come from
 * src/client/kit/probes.ts.
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
import {
  callResource,
  endpointOf,
  type TokenHolder,
  type TokenSet,
} from "../../src/client/index.ts";
import type { ProbeSession } from "../../src/client/kit/index.ts";
import { expectErrorCharacters } from "./_error-characters.ts";

// ——— error codes and problem types ———

/**
 * OAuth error codes of RFC 6749 §5.2 and the extensions DTP uses (RFC 8628, 9449, 7009, 6750;
 * `temporarily_unavailable`, RFC 6749 §4.1.2.1, for DTP's failed-attempt limits).
 */
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
  "temporarily_unavailable",
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
 * `invalid_client` (401, or 400: the status is DTP-ERR-003's and DTP-ERR-050's to judge),
 * `invalid_signature` (401) and `invalid_token` (401 at introspection, for a bad admin
 * bearer). `want.status` restricts the status further.
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
  expectErrorCharacters(res, body);
  if (errors && !errors.includes(error)) {
    const d = body.error_description;
    fail(
      requirement,
      expected,
      `status ${res.status} with error=${JSON.stringify(error)}${typeof d === "string" ? ` (error_description ${JSON.stringify(d.slice(0, 200))})` : ""}`,
      res,
    );
  }
  if (!OAUTH_ERROR_CODES.has(error)) {
    fail(
      ERR001,
      "an error code from RFC 6749 §5.2 or the extension defining it",
      `error=${JSON.stringify(error)}`,
      res,
    );
  }
  // invalid_client: 401, or 400 when the client did not use the Authorization header
  // (RFC 6749 §5.2 "MAY return 401"); DTP-ERR-003 and DTP-ERR-050 judge which.
  const want401 = error === "invalid_client" || error === "invalid_signature";
  const okStatus = want401
    ? res.status === 401 || (error === "invalid_client" && res.status === 400)
    : error === "invalid_token"
      ? res.status === 401
      : error === "temporarily_unavailable"
        ? res.status === 429
        : res.status === 400;
  if (!okStatus) {
    fail(
      ERR001,
      `status ${want401 || error === "invalid_token" ? 401 : error === "temporarily_unavailable" ? 429 : 400} for error=${error}`,
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

// ——— nothing lost ———

/**
 * Nothing was lost: the session's device and user tokens still refresh, and the new access
 * tokens are accepted at the resource.
 */
export async function expectSessionIntact(
  ctx: CheckContext,
  session: ProbeSession,
  requirement: string,
): Promise<void> {
  const pairs: [string, TokenHolder | undefined][] = [
    ["the device's", session.deviceTokens],
    ["the user's", session.user?.tokens],
  ];
  for (const [whose, tokens] of pairs) {
    if (!tokens) continue;
    let renewed: TokenSet;
    try {
      renewed = await tokens.renew();
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
