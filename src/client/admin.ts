/**
 * The DTP admin API (`dtp_admin_endpoint`, RFC 9457 errors): pending registrations approved
 * or denied by `user_code`, registrations listed by status (a page at a time: a server
 * answers at most `limit` registrations with a `next_cursor` while more follow,
 * DTP-APR-015; {@link AdminApi.listAllRegistrations} follows it), devices read and deleted,
 * and introspection with the admin bearer. The plain forms return the answer; the asserting
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
  /**
   * A 429 with a `Retry-After` of at most 2 minutes, to a request with the admin key:
   * "wait" (the default) sleeps that long on the context's clock and sends once more;
   * "answer" returns the 429 (to judge the limit itself).
   */
  whenLimited?: "wait" | "answer";
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

/** Every page of a registration list, as {@link AdminApi.listAllRegistrations} read it. */
export interface RegistrationPages {
  /** Every response, in order; the last one is not a 200 page when listing stopped on it. */
  pages: HttpResponse[];
  /** The items of every 200 page, in order. */
  registrations: ListedRegistration[];
  /** Why listing stopped before the last page: the server repeated a cursor, or went on too long. */
  stopped?: string;
}

/** Pages past this are not followed (a server that never ends its list). */
export const MAX_PAGES = 200;

/** The query of one page of `GET /registrations`. */
export interface RegistrationQuery {
  status?: string;
  limit?: number | string;
  cursor?: string;
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
    const send = () =>
      this.#ctx.http.request({
        method,
        url: `${this.base}${path}`,
        headers,
        label: options.label ?? `admin ${method} ${path}`,
      });
    if (options.authorization !== undefined || options.whenLimited === "answer") return send();
    return send().then(async (res) => {
      // Wrong admin keys sent meanwhile (by this program or another) may have tripped the
      // server's failed-attempt limit (dtp_limits), which refuses the right key too.
      const seconds = retryAfterSeconds(res);
      if (seconds === undefined) return res;
      await this.#ctx.clock.sleep(
        seconds * 1000 + 250,
        "for the admin API's failed-attempt limit (Retry-After)",
      );
      return send();
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

  /** `GET /registrations` (with `?status=` when given): the first page. */
  listRegistrations(status?: string, options: AdminRequestOptions = {}): Promise<HttpResponse> {
    return this.listRegistrationsPage(status === undefined ? {} : { status }, options);
  }

  /** `GET /registrations` with `status`, `limit` and `cursor` when given: one page. */
  listRegistrationsPage(
    query: RegistrationQuery,
    options: AdminRequestOptions = {},
  ): Promise<HttpResponse> {
    const params = new URLSearchParams();
    if (query.status !== undefined) params.set("status", query.status);
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    if (query.cursor !== undefined) params.set("cursor", query.cursor);
    const search = params.size > 0 ? `?${params.toString()}` : "";
    return this.request("GET", `/registrations${search}`, {
      label: `admin list registrations${query.status === undefined ? "" : ` status=${query.status}`}`,
      ...options,
    });
  }

  /**
   * Every page of the list (following `next_cursor`); stops at the first answer that is not
   * a 200 page, at a repeated cursor, or after {@link MAX_PAGES}.
   */
  async listAllRegistrations(status?: string, limit?: number): Promise<RegistrationPages> {
    const out: RegistrationPages = { pages: [], registrations: [] };
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      const what = `${status === undefined ? "" : ` status=${status}`}${page > 1 ? ` (page ${page})` : ""}`;
      const res = await this.listRegistrationsPage(
        {
          ...(status === undefined ? {} : { status }),
          ...(limit === undefined ? {} : { limit }),
          ...(cursor === undefined ? {} : { cursor }),
        },
        { label: `admin list registrations${what}` },
      );
      out.pages.push(res);
      const body =
        res.status === 200 ? (res.body as Record<string, unknown> | undefined) : undefined;
      if (!body || !Array.isArray(body.registrations)) return out;
      out.registrations.push(
        ...body.registrations.filter(
          (r): r is ListedRegistration => typeof r === "object" && r !== null && !Array.isArray(r),
        ),
      );
      const next = body.next_cursor;
      if (typeof next !== "string" || next === "") return out;
      if (seen.has(next)) return { ...out, stopped: `the server repeated the cursor ${next}` };
      if (page >= MAX_PAGES) return { ...out, stopped: `more than ${MAX_PAGES} pages` };
      seen.add(next);
      cursor = next;
    }
  }

  /**
   * The registrations with `status`, every page; each page must be served and the list must
   * end (the list's owner, or `requirement`).
   */
  async registrations(
    status: "pending" | "approved" | "denied",
    options: { requirement?: string } = {},
  ): Promise<{ res: HttpResponse; registrations: ListedRegistration[] }> {
    const owner = ownerOf("adminList", options.requirement);
    const { pages, registrations, stopped } = await this.listAllRegistrations(status);
    const last = pages[pages.length - 1]!;
    expectStatus(last, 200, owner);
    if (!Array.isArray(expectJson(last, owner).registrations)) {
      fail(owner, '{"registrations": [...]}', describe(last), last);
    }
    if (stopped) fail(owner, "a registration list that ends", stopped, last);
    return { res: last, registrations };
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

/** The longest Retry-After a client waits out by itself (s). */
export const MAX_RETRY_AFTER_S = 120;

/**
 * The seconds a 429 answer asks to wait (`Retry-After` as delay-seconds, RFC 9110 §10.2.3),
 * or undefined when `res` is not such an answer or asks longer than {@link MAX_RETRY_AFTER_S}.
 */
export function retryAfterSeconds(res: HttpResponse): number | undefined {
  const v = res.status === 429 ? res.headers["retry-after"]?.trim() : undefined;
  if (v === undefined || !/^\d{1,6}$/.test(v)) return undefined;
  const seconds = Number(v);
  return seconds <= MAX_RETRY_AFTER_S ? seconds : undefined;
}
