/** The admin API: approval, denial, devices (SAFEQ Cloud "Register device"). */
import { ProblemError } from "../../../reference-server/errors.ts";
import { json } from "../../../reference-server/http/reply.ts";
import type { RequestContext } from "../../../reference-server/index.ts";
import type { DeviceRecord, RegistrationStatus } from "../../../reference-server/store/types.ts";
import { normalizeUserCode } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  combine,
  replyJson,
  store,
  withAcceptedSecret,
  withHeaders,
  withJson,
  withStore,
  wrap,
} from "./_lib.ts";

const ADMIN_OPS = [
  "listRegistrations",
  "approveRegistration",
  "denyRegistration",
  "getDevice",
  "deleteDevice",
];
const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];
const DECISIONS = { approveRegistration: "approved", denyRegistration: "denied" } as const;

export const approval: Fault[] = [
  {
    id: "F-APR-01-any-bearer-accepted",
    area: "approval",
    description:
      "The admin API only checks that a Bearer token is present, not that it is the admin key: any bearer token can list, approve, deny and delete.",
    requirement: "DTP-APR-001",
    catchers: ["DTP-APR-001"],
    fixture: () =>
      combine(
        ...ADMIN_OPS.map((op) =>
          wrap(op, (ctx, next) => {
            if (!/^bearer +\S/i.test(ctx.headers.authorization ?? "")) return next(ctx);
            const admin = withAcceptedSecret(ctx, "admin_key");
            return next(withHeaders(admin.ctx, { authorization: `Bearer ${admin.secret}` }));
          }),
        ),
      ),
  },
  {
    id: "F-APR-02-second-decision-answered-200",
    area: "approval",
    description:
      "Approving or denying a registration that was already decided answers 200 (as if it worked) instead of 409.",
    requirement: "DTP-APR-008",
    catchers: ["DTP-APR-004"],
    fixture: () =>
      combine(
        ...(["approveRegistration", "denyRegistration"] as const).map((op) =>
          wrap(op, async (ctx, next) => {
            try {
              return await next(ctx);
            } catch (e) {
              if (!(e instanceof ProblemError) || e.slug !== "conflict") throw e;
              const reg = ctx.app.store.registrationByUserCode(
                normalizeUserCode(ctx.params.user_code ?? ""),
              );
              if (!reg) throw e;
              const code = `${reg.userCode.slice(0, 4)}-${reg.userCode.slice(4)}`;
              return json(200, { user_code: code, client_id: reg.clientId, status: DECISIONS[op] });
            }
          }),
        ),
      ),
  },
  {
    id: "F-APR-03-expired-registration-approvable",
    area: "approval",
    description:
      "A registration whose device code has expired can still be approved or denied (200 instead of 410).",
    requirement: "DTP-APR-009",
    catchers: ["DTP-APR-009"],
    fixture: () =>
      store((base) => ({
        decideRegistration: (id, status) => base.decideRegistration(id, status, 0),
      })),
  },
  {
    id: "F-APR-04-deletion-keeps-tokens",
    area: "approval",
    description:
      "Deleting a device only hides it from the admin API (GET answers 404): its tokens are not revoked and keep working at the resources and at /token.",
    requirement: "DTP-APR-013",
    catchers: ["DTP-APR-012"],
    fixture: () => {
      const deleted = new Map<string, DeviceRecord>();
      const ghost = (ctx: RequestContext) => {
        const base = ctx.app.store;
        return withStore(ctx, { device: (id) => base.device(id) ?? deleted.get(id) });
      };
      return combine(
        wrap("deleteDevice", (ctx, next) => {
          const device = ctx.app.store.device(ctx.params.client_id ?? "");
          if (device) deleted.set(device.clientId, device);
          return next(withStore(ctx, { revokeDeviceTokens: () => {} }));
        }),
        ...["token", ...RESOURCES].map((op) => wrap(op, (ctx, next) => next(ghost(ctx)))),
      );
    },
  },
  {
    id: "F-APR-05-user-code-matched-exactly",
    area: "approval",
    description:
      "The user_code path parameter is matched exactly as displayed (upper case with the dash): bcdf-ghjk or BCDFGHJK are 404.",
    requirement: "DTP-APR-006",
    catchers: ["DTP-APR-006"],
    fixture: () =>
      combine(
        ...(["approveRegistration", "denyRegistration"] as const).map((op) =>
          wrap(op, (ctx, next) => {
            if (!/^[A-Z]{4}-[A-Z]{4}$/.test(ctx.params.user_code ?? ""))
              throw new ProblemError("not-found", 404, "no registration has this user code");
            return next(ctx);
          }),
        ),
      ),
  },
  {
    id: "F-APR-06-next-cursor-skips-one",
    area: "approval",
    description:
      "next_cursor points past the first registration of the next page: a client that follows the pages never sees one registration in every page.",
    requirement: "DTP-APR-015",
    catchers: ["DTP-APR-002"],
    fixture: () =>
      wrap("listRegistrations", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        if (typeof body.next_cursor !== "string") return reply;
        const [createdAt, id] = JSON.parse(Buffer.from(body.next_cursor, "base64url").toString());
        const status = (ctx.url.searchParams.get("status") || "pending") as RegistrationStatus;
        const [skipped] = ctx.app.store.listRegistrations({
          status,
          now: ctx.app.now(),
          after: { createdAt, id },
          limit: 1,
        });
        if (!skipped) return reply;
        const cursor = Buffer.from(JSON.stringify([skipped.createdAt, skipped.id])).toString(
          "base64url",
        );
        return withJson(reply, { ...body, next_cursor: cursor });
      }),
  },
  {
    id: "F-APR-07-page-limit-ignored",
    area: "approval",
    description:
      "The admin list ignores limit: every page is as long as the server likes (up to 100), whatever the client asked for.",
    requirement: "DTP-APR-015",
    catchers: ["DTP-APR-002"],
    fixture: () =>
      wrap("listRegistrations", (ctx, next) => {
        const url = new URL(ctx.url);
        url.searchParams.delete("limit");
        return next({ ...ctx, url });
      }),
  },
];
