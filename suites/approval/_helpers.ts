/**
 * The admin API (`dtp_admin_endpoint`, RFC 9457 errors) as the approval checks use it:
 * the admin credential from the target config, one request builder, and the assertions
 * the checks share (a decision response, a registration list, an admin 401).
 *
 * The admin API checks need the admin credential (`admin.token` in the target config) even
 * when the target's approval is configured as a command or a webhook; without it they SKIP
 * naming that config field.
 */
import type { CheckContext } from "../../src/check/check.ts";
import {
  expectJson,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  type AdminApi,
  listAllRegistrations,
  listRegistrationsPage,
} from "../../src/client/admin.ts";
import type { KeyKind, KeyType } from "../../src/protocol/index.ts";

export type { AdminApi } from "../../src/client/admin.ts";

/** The admin API of the target, or SKIP naming what is missing. */
export function adminApi(ctx: CheckContext): AdminApi {
  const token = ctx.target.config.admin?.token;
  if (!token) {
    ctx.skip(
      'the admin API checks need the admin credential: add "admin": { "token": … } to the target config',
    );
  }
  const base = ctx.target.metadata.dtp_admin_endpoint;
  if (typeof base !== "string" || base === "") {
    ctx.skip("target metadata has no dtp_admin_endpoint (the admin API)");
  }
  return { base: base.replace(/\/+$/, ""), token };
}

export interface AdminRequestOptions {
  /** The Authorization header: default `Bearer <admin token>`; `null` sends none. */
  authorization?: string | null;
  label?: string;
}

/** One admin API request; `path` is relative to `dtp_admin_endpoint` ("/registrations"). */
export function adminRequest(
  ctx: CheckContext,
  admin: AdminApi,
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: AdminRequestOptions = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
  const auth =
    options.authorization === undefined ? `Bearer ${admin.token}` : options.authorization;
  if (auth !== null) headers.authorization = auth;
  return ctx.http.request({
    method,
    url: `${admin.base}${path}`,
    headers,
    label: options.label ?? `admin ${method} ${path}`,
  });
}

export type Decision = "approve" | "deny";

/** `POST /registrations/{user_code}/approve|deny` (the user code is sent as given). */
export function decide(
  ctx: CheckContext,
  admin: AdminApi,
  action: Decision,
  userCode: string,
  options: AdminRequestOptions = {},
): Promise<HttpResponse> {
  return adminRequest(
    ctx,
    admin,
    "POST",
    `/registrations/${encodeURIComponent(userCode)}/${action}`,
    { label: `admin ${action} ${userCode}`, ...options },
  );
}

/** `GET /registrations` (with `?status=` when given): the first page. */
export function listRegistrations(
  ctx: CheckContext,
  admin: AdminApi,
  status?: string,
  options: AdminRequestOptions = {},
): Promise<HttpResponse> {
  return listRegistrationsPage(
    ctx,
    admin,
    status === undefined ? {} : { status },
    options.label ?? `admin list registrations${status === undefined ? "" : ` status=${status}`}`,
    options.authorization === undefined ? `Bearer ${admin.token}` : options.authorization,
  );
}

/**
 * Every registration with `status`, over all pages (DTP-APR-015); fails `requirement` unless
 * each page is a 200 `{"registrations": [objects]}` and the pages end. `last` is the last
 * page (evidence).
 */
export async function listAll(
  ctx: CheckContext,
  admin: AdminApi,
  status: string | undefined,
  requirement: string,
  limit?: number,
): Promise<{ items: ListedRegistration[]; pages: HttpResponse[]; last: HttpResponse }> {
  const { pages, stopped } = await listAllRegistrations(ctx, admin, status, limit);
  const items: ListedRegistration[] = [];
  for (const page of pages) items.push(...expectRegistrationList(page, requirement));
  const last = pages.at(-1)!;
  if (stopped)
    fail("DTP-APR-015", "a list that ends (no next_cursor on its last page)", stopped, last);
  return { items, pages, last };
}

export function getDevice(
  ctx: CheckContext,
  admin: AdminApi,
  clientId: string,
  options: AdminRequestOptions = {},
): Promise<HttpResponse> {
  return adminRequest(ctx, admin, "GET", `/devices/${encodeURIComponent(clientId)}`, {
    label: `admin get device ${clientId}`,
    ...options,
  });
}

export function deleteDevice(
  ctx: CheckContext,
  admin: AdminApi,
  clientId: string,
  options: AdminRequestOptions = {},
): Promise<HttpResponse> {
  return adminRequest(ctx, admin, "DELETE", `/devices/${encodeURIComponent(clientId)}`, {
    label: `admin delete device ${clientId}`,
    ...options,
  });
}

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

/** A registration as listed by `GET /registrations`. */
export interface ListedRegistration {
  user_code?: unknown;
  client_id?: unknown;
  client_type?: unknown;
  client_description?: unknown;
  key_type?: unknown;
  jkt?: unknown;
  status?: unknown;
  created_at?: unknown;
  expires_at?: unknown;
  [k: string]: unknown;
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

const CLIENT_TYPES = ["printer", "chrome_extension", "desktop_client", "mobile_device", "server"];

/** The client types the target accepts (`dtp_client_types_supported`, else all of DTP's). */
export function supportedClientTypes(ctx: CheckContext): string[] {
  const listed = ctx.target.metadata.dtp_client_types_supported;
  const types = Array.isArray(listed)
    ? listed.filter((t): t is string => typeof t === "string" && CLIENT_TYPES.includes(t))
    : [];
  return types.length > 0 ? types : CLIENT_TYPES;
}

/**
 * The cheapest device key the target accepts (`dtp_key_types_supported`): Ed25519, else an
 * EC P-256 key in an X.509 certificate, else RSA.
 */
export function supportedKey(ctx: CheckContext): { kind: KeyKind; keyType: KeyType } {
  const listed = ctx.target.metadata.dtp_key_types_supported;
  const types = Array.isArray(listed) ? listed : ["ed25519", "x509", "rsa"];
  if (types.includes("ed25519")) return { kind: "ed25519", keyType: "ed25519" };
  if (types.includes("x509")) return { kind: "ec-p256", keyType: "x509" };
  return { kind: "rsa", keyType: "rsa" };
}
