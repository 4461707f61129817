/**
 * DTP-APR-002 (MUST, SAFEQ Cloud "Register device"):
 * "`GET /admin/registrations` MUST answer 200 `{"registrations": [...]}` where each item
 * has `user_code`, `client_id`, `client_type`, `status`, `created_at` and `expires_at`
 * (Unix seconds), plus `client_description`, `key_type` and `jkt` when present; without a
 * `status` query parameter it MUST list only `pending` registrations."
 *
 * DTP-APR-003 (MUST, DTP):
 * "`GET /admin/registrations?status=<s>` MUST list, over its pages (DTP-APR-015), exactly
 * the registrations with status `<s>` that the server keeps (DTP-POLL-051) for `pending`,
 * `approved` and `denied`, and MUST answer 400 with a problem body for any other value."
 *
 * DTP-APR-011 (MUST, DTP):
 * "`GET /admin/devices/{client_id}` MUST answer 200 with the device's `client_id`,
 * `client_type`, `scope` and `approved_at`, plus `key_type` and `jkt` when it has a key,
 * and MUST answer 404 with a problem body for an unknown `client_id`."
 *
 * DTP-APR-015 (MUST, DTP):
 * "`GET /admin/registrations` MUST answer at most `limit` registrations (a query parameter
 * from 1 to 100, default 100), oldest first, with `next_cursor` when more may follow;
 * `?cursor=<next_cursor>` with the same `status` MUST continue after the last one listed,
 * so that following `next_cursor` until it is absent lists every registration that keeps
 * its status meanwhile exactly once. A `limit` outside 1 to 100, or a `cursor` the server
 * did not issue, MUST be answered 400 with a problem body."
 *
 * Three registrations of this check (one pending, one denied, one approved; the pending and
 * approved ones with a key — Ed25519 when the target takes it — and a description) are
 * looked up in each list, read over all its pages; every item of a list must have the list's
 * status (other checks' registrations included). Generated `status` values outside the
 * enumeration → 400 problem.
 *
 * Pages (with four more pending registrations, so that the pending list has pages): the
 * pending list read whole (pages of 100), then page by page with `limit=2`, then whole
 * again. Statuses only move away from `pending`, so every registration in both whole
 * readings was pending throughout and must be in the `limit=2` reading, exactly once; no
 * page has more than its limit; `created_at` never goes down. `limit` 0, 101, -1, 1.5 or
 * `x`, and a made-up cursor → 400 problem.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectProblem, expectStatus, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  cheapestKey,
  declaredClientTypes,
  type ListedRegistration,
} from "../../src/client/index.ts";
import { adminApi, registeredDevice } from "../../src/client/kit/index.ts";
import { generateDeviceKey } from "../../src/protocol/keys.ts";
import { expectDecision, isUnixSeconds, listAll } from "./_helpers.ts";
import { checkPages } from "./_pages.ts";

const ID = "DTP-APR-002";
const APR003 = "DTP-APR-003";
const APR011 = "DTP-APR-011";
const APR015 = "DTP-APR-015";

const STATUSES = ["pending", "approved", "denied"] as const;
type Status = (typeof STATUSES)[number];

interface Expected {
  userCode: string;
  clientId: string;
  clientType: string;
  status: Status;
  description?: string;
  keyType?: string;
  jkt?: string;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, APR003, APR011, APR015],
    level: "MUST",
    area: "approval",
    title:
      "Registrations are listed by status with their fields, a page at a time; devices are shown or 404",
    specRef: 'SAFEQ Cloud "Register device"; DTP',
    requires: ["admin", "device_code"],
    property: true,
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const { kind, keyType } = cheapestKey(ctx.target);
    const keyA = await generateDeviceKey(kind);
    const keyC = kind === "rsa" ? keyA : await generateDeviceKey(kind);
    const types = declaredClientTypes(ctx.target);
    const [typeA, typeB, typeC] = [types[0]!, types[1 % types.length]!, types[2 % types.length]!];
    const started = ctx.clock.now();
    const { reg: a } = await registeredDevice(ctx, {
      key: keyA,
      keyType,
      clientType: typeA,
      register: { description: "dtp-kit: stays pending", label: "register A (stays pending)" },
    });
    const { reg: b } = await registeredDevice(ctx, {
      clientType: typeB,
      register: { label: "register B (denied)" },
    });
    const { reg: c } = await registeredDevice(ctx, {
      key: keyC,
      keyType,
      clientType: typeC,
      register: { description: "dtp-kit: approved", label: "register C (approved)" },
    });
    expectDecision(
      await admin.decide("deny", b.userCode),
      { userCode: b.userCode, clientId: b.clientId, status: "denied" },
      ID,
    );
    expectDecision(
      await admin.decide("approve", c.userCode),
      { userCode: c.userCode, clientId: c.clientId, status: "approved" },
      ID,
    );
    const mine: Expected[] = [
      {
        userCode: a.userCode,
        clientId: a.clientId,
        clientType: typeA,
        status: "pending",
        description: "dtp-kit: stays pending",
        keyType,
        jkt: keyA.jkt,
      },
      { userCode: b.userCode, clientId: b.clientId, clientType: typeB, status: "denied" },
      {
        userCode: c.userCode,
        clientId: c.clientId,
        clientType: typeC,
        status: "approved",
        description: "dtp-kit: approved",
        keyType,
        jkt: keyC.jkt,
      },
    ];

    const lists: { status: Status | undefined; requirement: string }[] = [
      { status: undefined, requirement: ID },
      { status: "pending", requirement: APR003 },
      { status: "approved", requirement: APR003 },
      { status: "denied", requirement: APR003 },
    ];
    for (const { status, requirement } of lists) {
      await ctx.case(
        `list ${status === undefined ? "without ?status" : `?status=${status}`}`,
        async () => {
          const { items, last: res } = await listAll(admin, status, ID);
          const want: Status = status ?? "pending";
          const what = status === undefined ? "without ?status" : `with ?status=${status}`;
          for (const item of items) checkFields(item, res);
          const other = items.find((r) => r.status !== want);
          if (other) {
            fail(
              requirement,
              `only ${want} registrations ${what}`,
              `a ${JSON.stringify(other.status)} registration: ${JSON.stringify(other).slice(0, 200)}`,
              res,
            );
          }
          for (const e of mine) {
            const found = items.find((r) => r.user_code === e.userCode);
            if (e.status === want && !found) {
              // A pending registration drops out when it expires: only then is it fine to miss it.
              if (
                e.status === "pending" &&
                ctx.clock.now() >= started + a.expiresIn * 1000 - 1000
              ) {
                ctx.skip(
                  `the pending registration expired before it could be listed: lengthen dtp_lifetimes.device_code (now ${a.expiresIn} s)`,
                );
              }
              fail(
                requirement,
                `the ${e.status} registration ${e.userCode} (client_id ${e.clientId}) listed ${what}`,
                `it is not among the ${items.length} listed`,
                res,
              );
            }
            if (e.status !== want && found) {
              fail(
                requirement,
                `only ${want} registrations ${what}`,
                `the ${e.status} registration ${e.userCode} is listed`,
                res,
              );
            }
            if (found) checkMine(found, e, res);
          }
        },
      );
    }

    // Any other status value: 400 with a problem body.
    const otherStatus = fc
      .oneof(
        fc.constantFrom(
          "all",
          "expired",
          "decided",
          "PENDING",
          "Approved",
          "denied ",
          "pending,approved",
          "0",
          "*",
        ),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }),
      )
      .filter((s) => !(STATUSES as readonly string[]).includes(s));
    await ctx.property(
      "other status values: 400",
      fc.asyncProperty(otherStatus, async (status) => {
        const res = await admin.listRegistrations(status);
        expectProblem(res, 400, APR003);
      }),
    );

    await checkPages(ctx, admin);

    // DTP-APR-011: the approved device, with its key; an unknown client_id is 404.
    await ctx.case("GET /admin/devices/{client_id}", async () => {
      const dev = await admin.device(c.clientId);
      expectStatus(dev, 200, APR011);
      const d = expectJson(dev, APR011, "application/json");
      const wantDevice = {
        client_id: c.clientId,
        client_type: typeC,
        key_type: keyType,
        jkt: keyC.jkt,
      };
      for (const [k, v] of Object.entries(wantDevice)) {
        if (d[k] !== v) {
          fail(APR011, `"${k}": ${JSON.stringify(v)}`, `"${k}": ${JSON.stringify(d[k])}`, dev);
        }
      }
      if (typeof d.scope !== "string" || d.scope.trim() === "") {
        fail(
          APR011,
          '"scope": the device\'s scope string',
          `"scope": ${JSON.stringify(d.scope)}`,
          dev,
        );
      }
      if (!isUnixSeconds(d.approved_at)) {
        fail(
          APR011,
          '"approved_at" in Unix seconds',
          `"approved_at": ${JSON.stringify(d.approved_at)}`,
          dev,
        );
      }
      const unknown = await admin.device(ctx.clientId("never-registered"));
      expectProblem(unknown, 404, APR011);
    });
  },
};

/** The fields every listed registration has (DTP-APR-002). */
function checkFields(item: ListedRegistration, res: HttpResponse): void {
  for (const k of ["user_code", "client_id", "client_type", "status"] as const) {
    if (typeof item[k] !== "string" || item[k] === "") {
      fail(
        ID,
        `every registration with a "${k}" string`,
        `${JSON.stringify(item).slice(0, 200)}`,
        res,
      );
    }
  }
  for (const k of ["created_at", "expires_at"] as const) {
    if (!isUnixSeconds(item[k])) {
      fail(ID, `"${k}" in Unix seconds`, `"${k}": ${JSON.stringify(item[k])}`, res);
    }
  }
}

/** The fields of one of this check's registrations, as registered. */
function checkMine(item: ListedRegistration, e: Expected, res: HttpResponse): void {
  const want: Record<string, unknown> = {
    client_id: e.clientId,
    client_type: e.clientType,
    status: e.status,
    ...(e.description !== undefined ? { client_description: e.description } : {}),
    ...(e.keyType !== undefined ? { key_type: e.keyType, jkt: e.jkt } : {}),
  };
  for (const [k, v] of Object.entries(want)) {
    if (item[k] !== v) {
      fail(
        ID,
        `registration ${e.userCode}: "${k}": ${JSON.stringify(v)}`,
        `"${k}": ${JSON.stringify(item[k])}`,
        res,
      );
    }
  }
  const created = item.created_at as number;
  const expires = item.expires_at as number;
  if (expires <= created) {
    fail(
      ID,
      `registration ${e.userCode}: expires_at after created_at`,
      `created_at ${created}, expires_at ${expires}`,
      res,
    );
  }
}
