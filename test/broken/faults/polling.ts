/** Device-code polling (RFC 8628 §3.4–3.5). */
import { sha256b64url } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  asClient,
  claimedClientId,
  DEVICE_CODE_GRANT,
  store,
  withAcceptedSecret,
  withForm,
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
];
