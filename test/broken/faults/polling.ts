/** Device-code polling (RFC 8628 §3.4–3.5). */

import { OAuthError } from "../../../reference-server/errors.ts";
import { sha256b64url } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  asClient,
  claimedClientId,
  DEVICE_CODE_GRANT,
  store,
  withAcceptedSecret,
  withForm,
  withStore,
  wrapGrant,
} from "./_lib.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const polling: Fault[] = [
  {
    id: "F-POLL-01-interval-not-enforced",
    area: "polling",
    description:
      "The polling interval is never enforced: a device polling as fast as it likes is never answered slow_down.",
    requirement: "DTP-POLL-002",
    catchers: ["DTP-POLL-002"],
    fixture: () => store(() => ({ recordPoll: async () => "ok" })),
  },
  {
    id: "F-POLL-02-slow-down-on-first-poll",
    area: "polling",
    description:
      "The registration counts as a poll, so the first poll made right after registering is answered slow_down (and the interval grows).",
    requirement: "DTP-POLL-004",
    catchers: ["DTP-POLL-001"],
    fixture: () =>
      store((base) => ({
        insertRegistration: async (r) =>
          await base.insertRegistration({ ...r, lastPollAtMs: Date.now() }),
      })),
  },
  {
    id: "F-POLL-03-redeemable-without-api-key",
    area: "polling",
    description:
      "A device code is redeemed without client authentication: a poll carrying only client_id (no API key) is trusted and gets the tokens.",
    requirement: "DTP-ERR-003",
    catchers: ["DTP-POLL-008"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, (ctx, next) => {
        const credentials =
          ctx.headers.authorization !== undefined || ctx.form.client_secret !== undefined;
        if (credentials) return next(ctx);
        const accepted = withAcceptedSecret(ctx, "api_key");
        return next(withForm(accepted.ctx, { ...ctx.form, client_secret: accepted.secret }));
      }),
  },
  {
    id: "F-POLL-04-cross-client-redemption",
    area: "polling",
    description:
      "The token endpoint finds the registration by device code alone: another client (same API key, another client_id) polling the code is served as its owner and gets its tokens.",
    requirement: "DTP-POLL-008",
    catchers: ["DTP-POLL-008"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const reg = await ctx.app.store.registrationByDeviceCodeHash(
          sha256b64url(ctx.form.device_code ?? ""),
        );
        const claimed = claimedClientId(ctx);
        return reg && claimed !== undefined && claimed !== reg.clientId
          ? next(asClient(ctx, reg.clientId))
          : next(ctx);
      }),
  },
  {
    id: "F-POLL-05-expired-codes-purged",
    area: "polling",
    description:
      "Expired registrations are purged as soon as they expire, so a poll of an expired device code is answered invalid_grant (unknown code) instead of expired_token.",
    requirement: "DTP-POLL-006",
    catchers: ["DTP-POLL-006", "DTP-EXP-004"],
    fixture: () =>
      store((base) => ({
        registrationByDeviceCodeHash: async (hash) => {
          const r = await base.registrationByDeviceCodeHash(hash);
          return r && r.expiresAt <= nowSeconds() ? undefined : r;
        },
      })),
  },
  {
    id: "F-POLL-06-denied-code-stays-pending",
    area: "polling",
    description:
      "A denial is not reported to the device: polls of a denied registration keep answering authorization_pending instead of access_denied.",
    requirement: "DTP-POLL-005",
    catchers: ["DTP-POLL-005", "DTP-APR-004"],
    fixture: () =>
      store((base) => ({
        registrationByDeviceCodeHash: async (hash) => {
          const r = await base.registrationByDeviceCodeHash(hash);
          return r?.status === "denied" ? { ...r, status: "pending" } : r;
        },
      })),
  },
  {
    id: "F-POLL-07-code-redeemable-twice",
    area: "polling",
    description:
      "Redemption is not recorded: an approved device code keeps returning fresh tokens on every poll.",
    requirement: "DTP-POLL-009",
    catchers: ["DTP-POLL-009"],
    fixture: () =>
      store((base) => ({
        registrationByDeviceCodeHash: async (hash) => {
          const r = await base.registrationByDeviceCodeHash(hash);
          return r ? { ...r, redeemedAt: null } : r;
        },
        redeemRegistration: async (id, now) => {
          await base.redeemRegistration(id, now);
          return true;
        },
      })),
  },
  {
    id: "F-POLL-08-unknown-code-server-error",
    area: "polling",
    description:
      "A poll with an unknown device code crashes the handler (500) instead of being answered invalid_grant.",
    requirement: "DTP-POLL-007",
    catchers: ["DTP-POLL-007"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const hash = sha256b64url(ctx.form.device_code ?? "");
        if (
          ctx.form.device_code !== undefined &&
          !(await ctx.app.store.registrationByDeviceCodeHash(hash))
        )
          throw new TypeError("Cannot read properties of undefined (reading 'clientId')");
        return next(ctx);
      }),
  },
  {
    id: "F-POLL-09-denial-reported-once",
    area: "polling",
    description:
      "A denial is reported once: the first poll after it is answered access_denied, every later poll of the code invalid_grant (the server forgets the denied registration).",
    requirement: "DTP-POLL-050",
    catchers: ["DTP-POLL-005"],
    fixture: () => {
      // Device-code hashes already answered access_denied.
      const reported = new Set<string>();
      return wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const hash = sha256b64url(ctx.form.device_code ?? "");
        if (reported.has(hash)) throw new OAuthError("invalid_grant", "unknown device code");
        try {
          return await next(ctx);
        } catch (e) {
          if (e instanceof OAuthError && e.error === "access_denied") reported.add(hash);
          throw e;
        }
      });
    },
  },
  {
    id: "F-POLL-10-expired-code-forgotten-once-reported",
    area: "polling",
    description:
      "An expired device code is answered expired_token once, then forgotten: every later poll of it is answered invalid_grant, long before dtp_lifetimes.device_code has passed since its expiry.",
    requirement: "DTP-POLL-051",
    catchers: ["DTP-POLL-006"],
    fixture: () => {
      // Device-code hashes already answered expired_token.
      const reported = new Set<string>();
      return wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const hash = sha256b64url(ctx.form.device_code ?? "");
        if (reported.has(hash)) throw new OAuthError("invalid_grant", "unknown device code");
        try {
          return await next(ctx);
        } catch (e) {
          if (e instanceof OAuthError && e.error === "expired_token") reported.add(hash);
          throw e;
        }
      });
    },
  },
  {
    id: "F-POLL-11-approval-seen-late",
    area: "polling",
    description:
      "An approval reaches the token endpoint late (a stale cache): the first poll of an approved device code is still answered authorization_pending, only a later one returns the tokens.",
    requirement: "DTP-POLL-052",
    catchers: ["DTP-POLL-009"],
    fixture: () => {
      // Device-code hashes whose approval was already hidden once.
      const hidden = new Set<string>();
      return wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const hash = sha256b64url(ctx.form.device_code ?? "");
        const reg = await ctx.app.store.registrationByDeviceCodeHash(hash);
        if (reg?.status === "approved" && reg.redeemedAt === null && !hidden.has(hash)) {
          hidden.add(hash);
          throw new OAuthError("authorization_pending", "the registration awaits approval");
        }
        return next(ctx);
      });
    },
  },
  {
    id: "F-POLL-12-code-deleted-by-another-client",
    area: "polling",
    description:
      "A poll of a device code by a client other than its owner deletes the registration: that poll is answered invalid_grant as it should, but so is every later poll by the owner, whose approved code never redeems.",
    requirement: "DTP-POLL-053",
    catchers: ["DTP-POLL-008"],
    fixture: () => {
      // Device-code hashes "deleted" by another client's poll.
      const deleted = new Set<string>();
      return wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const hash = sha256b64url(ctx.form.device_code ?? "");
        const reg = await ctx.app.store.registrationByDeviceCodeHash(hash);
        const claimed = claimedClientId(ctx);
        if (reg && claimed !== undefined && claimed !== reg.clientId) deleted.add(hash);
        if (!deleted.has(hash)) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            registrationByDeviceCodeHash: async (h) =>
              h === hash ? undefined : await base.registrationByDeviceCodeHash(h),
          })),
        );
      });
    },
  },
];
