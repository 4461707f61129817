/**
 * DTP-APR-015, the pages of the admin registration list (a part of DTP-APR-002's check).
 *
 * With four more pending registrations, so that the pending list has pages: the pending
 * list read whole (pages of 100), then page by page with `limit=2`, then whole again.
 * Statuses only move away from `pending`, so every registration in both whole readings was
 * pending throughout and must be in the `limit=2` reading, exactly once; no page has more
 * than its limit; `created_at` never goes down. `limit` 0, 101, -1, 1.5 or `x`, and a
 * made-up cursor → 400 problem.
 */
import type { CheckContext } from "../../src/check/check.ts";
import { expectProblem, fail } from "../../src/check/expect.ts";
import type { AdminApi, ListedRegistration } from "../../src/client/index.ts";
import { registeredDevice } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { expectRegistrationList, listAll } from "./_helpers.ts";

const APR015 = "DTP-APR-015";

/** DTP-APR-015: pages, limits, cursors (see the file header). */
export async function checkPages(ctx: CheckContext, admin: AdminApi): Promise<void> {
  for (let i = 1; i <= 4; i++) {
    await registeredDevice(ctx, {
      label: "page-filler",
      register: { label: `register (page filler ${i}, stays pending)` },
    });
  }
  const codes = (items: ListedRegistration[]) => items.map((r) => String(r.user_code));
  const before = await listAll(admin, "pending", APR015);
  const paged = await listAll(admin, "pending", APR015, 2);
  const after = await listAll(admin, "pending", APR015);
  for (const [pages, limit] of [
    [before.pages, 100],
    [paged.pages, 2],
    [after.pages, 100],
  ] as const) {
    for (const page of pages) {
      const n = expectRegistrationList(page, APR015).length;
      if (n > limit)
        fail(APR015, `at most ${limit} registrations in a page`, `${n} registrations`, page);
    }
  }
  const seen = new Map<string, number>();
  for (const code of codes(paged.items)) seen.set(code, (seen.get(code) ?? 0) + 1);
  const twice = [...seen].find(([, n]) => n > 1);
  if (twice)
    fail(
      APR015,
      "every registration once over the pages (limit=2)",
      `${twice[0]} listed ${twice[1]} times`,
      paged.last,
    );
  const later = new Set(codes(after.items));
  const missed = codes(before.items).filter((c) => later.has(c) && !seen.has(c));
  if (missed.length > 0)
    fail(
      APR015,
      "every registration pending before and after the paged reading in the paged reading",
      `missing from the pages of limit=2: ${missed.slice(0, 5).join(", ")}${missed.length > 5 ? ` and ${missed.length - 5} more` : ""}`,
      paged.last,
    );
  const created = paged.items.map((r) => r.created_at as number);
  const down = created.findIndex((t, i) => i > 0 && t < created[i - 1]!);
  if (down > 0)
    fail(
      APR015,
      "oldest first: created_at never goes down over the pages",
      `created_at ${created[down - 1]} then ${created[down]}`,
      paged.last,
    );

  for (const limit of ["0", "101", "-1", "1.5", "x"]) {
    const res = await admin.listRegistrationsPage(
      { status: "pending", limit },
      { label: `admin list registrations limit=${limit}` },
    );
    expectProblem(res, 400, APR015);
  }
  const made = await admin.listRegistrationsPage(
    { status: "pending", cursor: `dtpkit${randomToken(18)}` },
    { label: "admin list registrations with a made-up cursor" },
  );
  expectProblem(made, 400, APR015);
}
