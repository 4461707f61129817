/**
 * Assertions on answers that several areas judge: `invalid_grant` at the token endpoint
 * (RFC 6749 §5.2), an introspection answer (RFC 7662 §2.2), and a refused access token at a
 * protected resource (RFC 6750 §3.1, RFC 9449 §7). Like expect.ts, each returns what it
 * verified or throws a CheckFailure naming the requirement (the last argument).
 */
import { parseChallenges } from "../protocol/www-authenticate.ts";
import {
  expectJson,
  expectOAuthError,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "./expect.ts";
import type { HttpResponse } from "./http.ts";

/** 400 OAuth `invalid_grant`. */
export function expectInvalidGrant(res: HttpResponse, requirement: string): void {
  expectOAuthError(res, { status: 400, error: "invalid_grant" }, requirement);
}

/**
 * 200 `{"active": false}`. Another member beside `active` fails DTP-REV-058 at a DTP target
 * (`dtp`); elsewhere it is DTP-REV-057's WARN (RFC 7662 §2.2 only says SHOULD NOT), judged
 * last: a caller judges its MUSTs on other answers before this one.
 */
export function expectInactive(res: HttpResponse, requirement: string, dtp: boolean): void {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (body.active !== false) {
    fail(requirement, '"active": false', JSON.stringify(body), res);
  }
  if (Object.keys(body).length !== 1) {
    fail(
      dtp ? "DTP-REV-058" : "DTP-REV-057",
      `{"active": false} and no other member${dtp ? "" : " (RFC 7662 §2.2: SHOULD NOT include any additional information about an inactive token)"}`,
      JSON.stringify(body),
      res,
    );
  }
}

/** 200 `{"active": true, ...}`; returns the body. */
export function expectActive(res: HttpResponse, requirement: string): Record<string, unknown> {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (body.active !== true) {
    fail(requirement, '"active": true', `"active": ${JSON.stringify(body.active)}`, res);
  }
  return body;
}

/**
 * 401 with a challenge whose `error` is `invalid_token`: of `scheme` when given (`Bearer`
 * for a Bearer token, `DPoP` for a bound one), else of any scheme (a requirement that
 * names none).
 */
export function expectInvalidToken(
  res: HttpResponse,
  requirement: string,
  scheme?: "Bearer" | "DPoP",
): void {
  if (scheme) {
    expectWwwAuthenticate(res, { scheme, error: "invalid_token", status: 401 }, requirement);
    return;
  }
  expectStatus(res, 401, requirement);
  const header = res.headers["www-authenticate"];
  let found = false;
  try {
    found =
      header !== undefined &&
      parseChallenges(header).some((c) => c.params.error === "invalid_token");
  } catch {
    found = false;
  }
  if (!found) {
    fail(
      requirement,
      'status 401 with a WWW-Authenticate challenge error="invalid_token"',
      header === undefined ? "no WWW-Authenticate header" : `WWW-Authenticate: ${header}`,
      res,
    );
  }
}
