/**
 * The admin API's registration list (`GET <dtp_admin_endpoint>/registrations`), every page:
 * a server answers at most `limit` registrations at a time with a `next_cursor` while more
 * follow (DTP-APR-015); an administrator's client follows it.
 *
 * @example
 * const { pages, registrations } = await listAllRegistrations(ctx, admin, "pending");
 */
import type { CheckContext } from "../check/check.ts";
import type { HttpResponse } from "../check/http.ts";

export interface AdminApi {
  /** `dtp_admin_endpoint` without a trailing slash. */
  base: string;
  token: string;
}

export interface RegistrationPages {
  /** Every response, in order; the last one is not a 200 page when listing stopped on it. */
  pages: HttpResponse[];
  /** The items of every 200 page, in order. */
  registrations: Record<string, unknown>[];
  /** Why listing stopped before the last page: the server repeated a cursor, or went on too long. */
  stopped?: string;
}

/** Pages past this are not followed (a server that never ends its list). */
export const MAX_PAGES = 200;

/** `GET /registrations` (with `?status=`, `limit`, `cursor` when given): one page. */
export function listRegistrationsPage(
  ctx: CheckContext,
  admin: AdminApi,
  query: { status?: string; limit?: number | string; cursor?: string },
  label = "admin list registrations",
  authorization: string | null = `Bearer ${admin.token}`,
): Promise<HttpResponse> {
  const params = new URLSearchParams();
  if (query.status !== undefined) params.set("status", query.status);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.cursor !== undefined) params.set("cursor", query.cursor);
  const search = params.size > 0 ? `?${params.toString()}` : "";
  const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
  if (authorization !== null) headers.authorization = authorization;
  return ctx.http.request({
    method: "GET",
    url: `${admin.base}/registrations${search}`,
    headers,
    label,
  });
}

/** Every page of the list (following `next_cursor`); stops at the first answer that is not a 200 page. */
export async function listAllRegistrations(
  ctx: CheckContext,
  admin: AdminApi,
  status?: string,
  limit?: number,
): Promise<RegistrationPages> {
  const out: RegistrationPages = { pages: [], registrations: [] };
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const what = `${status === undefined ? "" : ` status=${status}`}${page > 1 ? ` (page ${page})` : ""}`;
    const res = await listRegistrationsPage(
      ctx,
      admin,
      {
        ...(status === undefined ? {} : { status }),
        ...(limit === undefined ? {} : { limit }),
        ...(cursor === undefined ? {} : { cursor }),
      },
      `admin list registrations${what}`,
    );
    out.pages.push(res);
    const body = res.status === 200 ? (res.body as Record<string, unknown> | undefined) : undefined;
    if (!body || !Array.isArray(body.registrations)) return out;
    out.registrations.push(
      ...body.registrations.filter(
        (r): r is Record<string, unknown> => typeof r === "object" && r !== null,
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
