/**
 * The DTP admin API (`dtp_admin_endpoint`, RFC 9457 errors): pending registrations approved
 * or denied by `user_code`, registrations listed by status, devices read and deleted, and
 * introspection with the admin bearer. The plain forms return the answer; the asserting
 * ones fail the step's owner (or `requirement`).
 */
import { describe, expectJson, expectStatus, fail } from "../check/expect.ts";
import type { HttpResponse } from "../check/http.ts";
import type { DtpContext } from "./context.ts";
import { endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";

export interface AdminRequestOptions {
  /** The Authorization header: default `Bearer <admin key>`; `null` sends none. */
  authorization?: string | null;
  label?: string;
}

export type Decision = "approve" | "deny";

/** A registration as `GET /registrations` lists it. */
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

export class AdminApi {
  /** `dtp_admin_endpoint` without a trailing slash. */
  readonly base: string;
  readonly #token: string;
  readonly #ctx: DtpContext;

  /**
   * @example
   * const admin = new AdminApi(dtp, process.env.DTP_ADMIN_KEY!);
   * await admin.decide("approve", reg.userCode);
   */
  constructor(ctx: DtpContext, token: string, base?: string) {
    this.#ctx = ctx;
    this.#token = token;
    this.base = (base ?? endpoint(ctx.target, "dtp_admin_endpoint")).replace(/\/+$/, "");
  }

  /** One request; `path` is relative to the admin endpoint ("/registrations"). */
  request(
    method: "GET" | "POST" | "DELETE",
    path: string,
    options: AdminRequestOptions = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
    };
    const auth =
      options.authorization === undefined ? `Bearer ${this.#token}` : options.authorization;
    if (auth !== null) headers.authorization = auth;
    return this.#ctx.http.request({
      method,
      url: `${this.base}${path}`,
      headers,
      label: options.label ?? `admin ${method} ${path}`,
    });
  }

  /** `POST /registrations/{user_code}/approve|deny` (the user code as given). */
  decide(
    action: Decision,
    userCode: string,
    options: AdminRequestOptions = {},
  ): Promise<HttpResponse> {
    return this.request("POST", `/registrations/${encodeURIComponent(userCode)}/${action}`, {
      label: `admin ${action} ${userCode}`,
      ...options,
    });
  }

  /** `GET /registrations` (with `?status=` when given). */
  listRegistrations(status?: string, options: AdminRequestOptions = {}): Promise<HttpResponse> {
    const query = status === undefined ? "" : `?${new URLSearchParams({ status }).toString()}`;
    return this.request("GET", `/registrations${query}`, {
      label: `admin list registrations${status === undefined ? "" : ` status=${status}`}`,
      ...options,
    });
  }

  /** The registrations with `status`; the list must be served (the list's owner, or `requirement`). */
  async registrations(
    status: "pending" | "approved" | "denied",
    options: { requirement?: string } = {},
  ): Promise<{ res: HttpResponse; registrations: ListedRegistration[] }> {
    const owner = ownerOf("adminList", options.requirement);
    const res = await this.listRegistrations(status);
    expectStatus(res, 200, owner);
    const list = expectJson(res, owner).registrations;
    if (!Array.isArray(list)) fail(owner, '{"registrations": [...]}', describe(res), res);
    return {
      res,
      registrations: list.filter(
        (r): r is ListedRegistration => typeof r === "object" && r !== null && !Array.isArray(r),
      ),
    };
  }

  /** `GET /devices/{client_id}` (the answer). */
  device(clientId: string, options: AdminRequestOptions = {}): Promise<HttpResponse> {
    return this.request("GET", `/devices/${encodeURIComponent(clientId)}`, {
      label: `admin get device ${clientId}`,
      ...options,
    });
  }

  /** `DELETE /devices/{client_id}` (the answer). */
  deleteDevice(clientId: string, options: AdminRequestOptions = {}): Promise<HttpResponse> {
    return this.request("DELETE", `/devices/${encodeURIComponent(clientId)}`, {
      label: `admin delete device ${clientId}`,
      ...options,
    });
  }

  /** `POST /introspect` of `token` with the admin bearer (the answer). */
  introspect(token: string, label = "introspect (admin)"): Promise<HttpResponse> {
    return this.introspectForm({ token }, label);
  }

  /** `POST /introspect` with the admin bearer and `form` exactly as given (the answer). */
  introspectForm(form: Record<string, string | undefined>, label: string): Promise<HttpResponse> {
    return this.#ctx.http.request({
      method: "POST",
      url: endpoint(this.#ctx.target, "introspection_endpoint"),
      headers: { authorization: `Bearer ${this.#token}` },
      form,
      label,
    });
  }
}
