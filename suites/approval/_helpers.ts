/**
 * The approval suite's assertions on the admin API (`dtp_admin_endpoint`, RFC 9457 errors):
 * a decision response, a registration list, an admin 401. The requests themselves are the
 * client library's `AdminApi` (src/client/admin.ts).
 */
import {
  expectJson,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import type { AdminApi, ListedRegistration } from "../../src/client/index.ts";

/**
 * Fails unless `res` is the 200 decision `{"user_code", "client_id", "status"}` for the
 * registration of `clientId` (user code as issued, `XXXX-XXXX`).
 */
export function expectDecision(
  res: HttpResponse,
  want: { userCode: string; clientId: string; status: "approved" | "denied" },
  requirement: string,
): void {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement, "application/json");
  const wanted = `{"user_code": ${JSON.stringify(want.userCode)}, "client_id": ${JSON.stringify(want.clientId)}, "status": "${want.status}"}`;
  if (
    body.user_code !== want.userCode ||
    body.client_id !== want.clientId ||
    body.status !== want.status
  ) {
    fail(requirement, wanted, JSON.stringify(body).slice(0, 300), res);
  }
}

/** Fails unless `res` is 200 `{"registrations": [objects]}`; returns the items. */
export function expectRegistrationList(
  res: HttpResponse,
  requirement: string,
): ListedRegistration[] {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement, "application/json");
  const list = body.registrations;
  if (!Array.isArray(list)) {
    fail(
      requirement,
      '{"registrations": [...]}',
      `"registrations" is ${JSON.stringify(list) ?? "absent"}`,
      res,
    );
  }
  for (const item of list) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      fail(requirement, "every registration to be a JSON object", JSON.stringify(item), res);
    }
  }
  return list as ListedRegistration[];
}

/**
 * Fails unless `res` is the admin API's answer to a missing or wrong credential: 401, a
 * problem body and `WWW-Authenticate: Bearer realm="dtp"`.
 */
export function expectAdminUnauthorized(res: HttpResponse, requirement: string): void {
  expectProblem(res, 401, requirement);
  const challenge = expectWwwAuthenticate(res, { scheme: "Bearer" }, requirement);
  if (challenge.params.realm !== "dtp") {
    fail(
      requirement,
      'WWW-Authenticate: Bearer realm="dtp"',
      `WWW-Authenticate: ${res.headers["www-authenticate"]}`,
      res,
    );
  }
}

/** True for a JSON integer that looks like Unix seconds (not milliseconds). */
export function isUnixSeconds(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e11;
}

/**
 * Every registration with `status`, over all pages (DTP-APR-015); fails `requirement` unless
 * each page is a 200 `{"registrations": [objects]}` and the pages end. `last` is the last
 * page (evidence).
 */
export async function listAll(
  admin: AdminApi,
  status: string | undefined,
  requirement: string,
  limit?: number,
): Promise<{ items: ListedRegistration[]; pages: HttpResponse[]; last: HttpResponse }> {
  const { pages, stopped } = await admin.listAllRegistrations(status, limit);
  const items: ListedRegistration[] = [];
  for (const page of pages) items.push(...expectRegistrationList(page, requirement));
  const last = pages.at(-1)!;
  if (stopped)
    fail("DTP-APR-015", "a list that ends (no next_cursor on its last page)", stopped, last);
  return { items, pages, last };
}
