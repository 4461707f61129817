/**
 * Assertion helpers for checks. Each one either returns what it verified (the parsed body,
 * the header value, the challenge) or throws a {@link CheckFailure} naming the requirement,
 * what was expected and what the target sent, with the exchange attached as evidence.
 *
 * The requirement ID is always the last argument.
 *
 * @example
 * const res = await ctx.http.request({ method: "POST", url: tokenEndpoint, form });
 * const err = expectOAuthError(res, { status: 400, error: "invalid_grant" }, "DTP-REF-004");
 */

import {
  type Challenge,
  ChallengeParseError,
  parseChallenges,
} from "../protocol/www-authenticate.ts";
import { CheckFailure } from "./failure.ts";
import type { HttpResponse } from "./http.ts";

export type Predicate = string | RegExp | ((value: string) => boolean);

/** Ends the check with a failure of `requirement`; attaches `res`'s exchange when given. */
export function fail(
  requirement: string,
  expected: string,
  actual: string,
  res?: HttpResponse | HttpResponse[],
): never {
  throw new CheckFailure({ requirement, expected, actual, evidence: evidence(res) });
}

/** Fails unless `condition` holds. */
export function expectTrue(
  condition: unknown,
  requirement: string,
  expected: string,
  actual: string,
  res?: HttpResponse,
): asserts condition {
  if (!condition) fail(requirement, expected, actual, res);
}

/** Fails unless `actual` equals `expected` (strict, deep for plain JSON values). */
export function expectEqual<T>(
  actual: unknown,
  expected: T,
  requirement: string,
  what: string,
  res?: HttpResponse,
): asserts actual is T {
  if (!jsonEqual(actual, expected)) {
    fail(requirement, `${what} = ${show(expected)}`, `${what} = ${show(actual)}`, res);
  }
}

/** Fails unless the status is `expected` (or one of them). */
export function expectStatus(
  res: HttpResponse,
  expected: number | readonly number[],
  requirement: string,
): void {
  const list = typeof expected === "number" ? [expected] : expected;
  if (!list.includes(res.status)) {
    fail(requirement, `status ${list.join(" or ")}`, describe(res), res);
  }
}

/** The media type of the response, lower-cased, without parameters ("" when absent). */
export function mediaType(res: HttpResponse): string {
  return (res.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Fails unless the response is a JSON object with a JSON content type (`application/json`
 * or `…+json`); returns the object.
 */
export function expectJson(
  res: HttpResponse,
  requirement: string,
  contentType: string | RegExp = /^application\/([\w.-]+\+)?json$/,
): Record<string, unknown> {
  const mt = mediaType(res);
  const ok = typeof contentType === "string" ? mt === contentType : contentType.test(mt);
  if (!ok) {
    const want = typeof contentType === "string" ? contentType : "application/json";
    fail(
      requirement,
      `Content-Type ${want}`,
      res.headers["content-type"] === undefined
        ? `no Content-Type (status ${res.status})`
        : `Content-Type ${JSON.stringify(res.headers["content-type"])} (status ${res.status})`,
      res,
    );
  }
  if (!isObject(res.body)) {
    fail(
      requirement,
      "a JSON object body",
      res.text.trim() === ""
        ? `an empty body (status ${res.status})`
        : res.body === undefined
          ? `invalid JSON: ${snippet(res)}`
          : `JSON ${Array.isArray(res.body) ? "array" : typeof res.body}: ${snippet(res)}`,
      res,
    );
  }
  return res.body;
}

/**
 * Fails unless the response is an RFC 6749 §5.2 error: the status, a JSON object with
 * `error` equal to `error` (or one of them), `error_description` a string when present.
 */
export function expectOAuthError(
  res: HttpResponse,
  want: { status?: number | readonly number[]; error: string | readonly string[] },
  requirement: string,
): { error: string; error_description?: string; [k: string]: unknown } {
  const errors = typeof want.error === "string" ? [want.error] : want.error;
  const statuses = want.status ?? 400;
  const list = typeof statuses === "number" ? [statuses] : statuses;
  const expected = `status ${list.join(" or ")} with error=${errors.join(" or ")}`;
  if (!list.includes(res.status)) {
    fail(requirement, expected, describe(res), res);
  }
  const body = expectJson(res, requirement, "application/json");
  if (body.error !== undefined && typeof body.error !== "string") {
    fail(requirement, expected, `"error" is ${show(body.error)}, not a string`, res);
  }
  if (!errors.includes(body.error as string)) {
    fail(
      requirement,
      expected,
      body.error === undefined
        ? `status ${res.status} without an "error" field: ${snippet(res)}`
        : `status ${res.status} with error=${show(body.error)}`,
      res,
    );
  }
  if (body.error_description !== undefined && typeof body.error_description !== "string") {
    fail(requirement, '"error_description" to be a string', show(body.error_description), res);
  }
  return body as { error: string; error_description?: string };
}

/** RFC 9457 problem details. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [k: string]: unknown;
}

/**
 * Fails unless the response is an RFC 9457 problem: the status,
 * `Content-Type: application/problem+json`, a JSON object whose `status` member (when
 * present) equals the HTTP status and whose `type` (when present) is a string; with
 * `opts.type`, the `type` must equal it or end with `/<opts.type>`.
 */
export function expectProblem(
  res: HttpResponse,
  status: number | readonly number[],
  requirement: string,
  opts: { type?: string } = {},
): ProblemDetails {
  expectStatus(res, status, requirement);
  const body = expectJson(res, requirement, "application/problem+json");
  if (body.status !== undefined && body.status !== res.status) {
    fail(
      requirement,
      `problem "status" equal to the HTTP status ${res.status}`,
      `"status": ${show(body.status)}`,
      res,
    );
  }
  if (body.type !== undefined && typeof body.type !== "string") {
    fail(requirement, 'problem "type" to be a URI string', `"type": ${show(body.type)}`, res);
  }
  if (opts.type !== undefined) {
    const t = body.type as string | undefined;
    if (t !== opts.type && !t?.endsWith(`/${opts.type}`)) {
      fail(requirement, `problem type ${opts.type}`, `"type": ${show(t)}`, res);
    }
  }
  return body as ProblemDetails;
}

/**
 * Fails unless header `name` satisfies `predicate` (an exact string, a RegExp, or a
 * function); returns its value. `description` is how the FAIL message names the
 * expectation ("Cache-Control containing no-store").
 */
export function expectHeader(
  res: HttpResponse,
  name: string,
  predicate: Predicate,
  requirement: string,
  description?: string,
): string {
  const key = name.toLowerCase();
  const value = res.headers[key];
  const desc =
    description ??
    (typeof predicate === "string"
      ? `${name}: ${predicate}`
      : predicate instanceof RegExp
        ? `${name} matching ${predicate}`
        : `a valid ${name} header`);
  if (value === undefined) fail(requirement, desc, `no ${name} header (status ${res.status})`, res);
  const ok =
    typeof predicate === "string"
      ? value === predicate
      : predicate instanceof RegExp
        ? predicate.test(value)
        : predicate(value);
  if (!ok) fail(requirement, desc, `${name}: ${JSON.stringify(value)}`, res);
  return value;
}

/** Fails unless `Cache-Control` contains the `no-store` directive (RFC 6749 §5.1). */
export function expectNoStore(res: HttpResponse, requirement: string): void {
  expectHeader(
    res,
    "cache-control",
    (v) =>
      v
        .toLowerCase()
        .split(",")
        .some((d) => d.trim() === "no-store"),
    requirement,
    "Cache-Control: no-store",
  );
}

/**
 * Fails unless `WWW-Authenticate` parses (RFC 9110 §11.6.1) and holds a challenge for
 * `scheme` (case-insensitive). `error`: a string (or list) the challenge's `error`
 * parameter must equal; `null` when it must have NO `error` (request without a token,
 * RFC 6750 §3.1); omitted when it does not matter. `status` defaults to 401.
 */
export function expectWwwAuthenticate(
  res: HttpResponse,
  want: {
    scheme: string;
    error?: string | readonly string[] | null;
    status?: number | readonly number[];
  },
  requirement: string,
): Challenge {
  expectStatus(res, want.status ?? 401, requirement);
  const header = res.headers["www-authenticate"];
  const expected =
    `a ${want.scheme} challenge` +
    (want.error === null
      ? " without an error parameter"
      : want.error !== undefined
        ? ` with error="${typeof want.error === "string" ? want.error : want.error.join('" or "')}"`
        : "");
  if (header === undefined) {
    fail(requirement, `WWW-Authenticate with ${expected}`, `no WWW-Authenticate header`, res);
  }
  let challenges: Challenge[];
  try {
    challenges = parseChallenges(header);
  } catch (err) {
    if (!(err instanceof ChallengeParseError)) throw err;
    fail(
      requirement,
      `a well-formed WWW-Authenticate (RFC 9110 §11.6.1)`,
      `${JSON.stringify(header)}: ${err.message}`,
      res,
    );
  }
  const c = challenges.find((x) => x.scheme.toLowerCase() === want.scheme.toLowerCase());
  if (!c) {
    fail(
      requirement,
      expected,
      `challenges for ${challenges.map((x) => x.scheme).join(", ") || "nothing"}: ${JSON.stringify(header)}`,
      res,
    );
  }
  if (want.error === null && c.params.error !== undefined) {
    fail(requirement, expected, `error="${c.params.error}"`, res);
  }
  if (want.error !== undefined && want.error !== null) {
    const errors = typeof want.error === "string" ? [want.error] : want.error;
    if (c.params.error === undefined || !errors.includes(c.params.error)) {
      fail(
        requirement,
        expected,
        c.params.error === undefined
          ? `no error parameter: ${JSON.stringify(header)}`
          : `error="${c.params.error}"`,
        res,
      );
    }
  }
  return c;
}

// ——— helpers ———

/** The indexes of the responses' exchanges in the check's transcript. */
export function evidence(res: HttpResponse | HttpResponse[] | undefined): number[] {
  if (res === undefined) return [];
  return (Array.isArray(res) ? res : [res]).map((r) => r.exchange);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * "status 500, Content-Type text/html: <html>…". Secrets in it are redacted by the runner
 * (every message, expected and actual of a result goes through the run's redactor).
 */
export function describe(res: HttpResponse): string {
  const ct = res.headers["content-type"];
  const body = snippet(res);
  return `status ${res.status}${ct ? `, ${ct}` : ""}${body ? `: ${body}` : ""}`;
}

/** The start of the body, on one line. */
export function snippet(res: HttpResponse, max = 160): string {
  const flat = res.text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function show(v: unknown): string {
  if (v === undefined) return "undefined (absent)";
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
