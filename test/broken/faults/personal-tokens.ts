/** Personal tokens ("Authentication in the API", the private-tokens document). */
import type { PersonalTokenRecord } from "../../../reference-server/store/types.ts";
import type { Fault } from "../types.ts";
import { combine, replyJson, store, withApp, withJson, withStore, wrap } from "./_lib.ts";

const PAT_OPS = ["createPersonalToken", "listPersonalTokens", "revokePersonalToken"];

export const personalTokens: Fault[] = [
  {
    id: "F-PAT-01-lifetime-not-capped",
    area: "personal-tokens",
    description:
      "expires_in is not capped by the declared personal_token_max: a personal token may live longer than the server says it allows.",
    requirement: "DTP-PAT-003",
    catchers: ["DTP-PAT-002"],
    fixture: () =>
      wrap("createPersonalToken", (ctx, next) => {
        const { options } = ctx.app;
        return next(
          withApp(ctx, {
            options: {
              ...options,
              lifetimes: { ...options.lifetimes, personalTokenMax: 10 * 365 * 86400 },
            },
          }),
        );
      }),
  },
  {
    id: "F-PAT-02-secret-listed",
    area: "personal-tokens",
    description:
      "GET /personal-tokens lists each token with its secret (the server keeps it in clear text).",
    requirement: "DTP-PAT-009",
    catchers: ["DTP-PAT-001"],
    fixture: () => {
      const secrets = new Map<string, string>();
      return combine(
        wrap("createPersonalToken", async (ctx, next) => {
          const reply = await next(ctx);
          const body = replyJson(reply);
          if (typeof body.id === "string" && typeof body.token === "string")
            secrets.set(body.id, body.token);
          return reply;
        }),
        wrap("listPersonalTokens", async (ctx, next) => {
          const reply = await next(ctx);
          const tokens = replyJson(reply).tokens;
          return Array.isArray(tokens)
            ? withJson(reply, {
                tokens: tokens.map((t: Record<string, unknown>) => ({
                  ...t,
                  token: secrets.get(String(t.id)),
                })),
              })
            : reply;
        }),
      );
    },
  },
  {
    id: "F-PAT-03-revocation-not-enforced",
    area: "personal-tokens",
    description:
      "A revoked personal token disappears from the list (204) but is still accepted at /me.",
    requirement: "DTP-PAT-010",
    catchers: ["DTP-PAT-010"],
    fixture: () =>
      store((base) => ({
        personalTokenByHash: (hash) => {
          const t = base.personalTokenByHash(hash);
          return t && { ...t, revokedAt: null };
        },
      })),
  },
  {
    id: "F-PAT-04-unknown-id-204",
    area: "personal-tokens",
    description:
      "DELETE /personal-tokens/{id} answers 204 for an id that names no token of the caller.",
    requirement: "DTP-PAT-011",
    catchers: ["DTP-PAT-010"],
    fixture: () =>
      wrap("revokePersonalToken", (ctx, next) => {
        const base = ctx.app.store;
        return next(
          withStore(ctx, {
            revokePersonalToken: (id, sub, now) => {
              base.revokePersonalToken(id, sub, now);
              return true;
            },
          }),
        );
      }),
  },
  {
    id: "F-PAT-05-device-deletion-revokes-pats",
    area: "personal-tokens",
    description:
      "Deleting the device a user logged in through also revokes the personal tokens the user created (they belong to the user).",
    requirement: "DTP-PAT-014",
    catchers: ["DTP-PAT-014"],
    fixture: () => {
      const created: PersonalTokenRecord[] = [];
      return store((base) => ({
        insertPersonalToken: (t) => {
          created.push(t);
          base.insertPersonalToken(t);
        },
        revokeDeviceTokens: (uid, now) => {
          base.revokeDeviceTokens(uid, now);
          for (const t of created)
            if (t.deviceUid === uid) base.revokePersonalToken(t.id, t.sub, now);
        },
      }));
    },
  },
  {
    id: "F-PAT-06-scope-tokens-not-required",
    area: "personal-tokens",
    description:
      "The personal-token operations do not require scope tokens: a device token can create, list and revoke personal tokens.",
    requirement: "DTP-PAT-013",
    catchers: ["DTP-PAT-013"],
    fixture: () =>
      combine(
        ...PAT_OPS.map((op) =>
          wrap(op, (ctx, next) => {
            const base = ctx.app.store;
            return next(
              withStore(ctx, {
                accessToken: (jti) => {
                  const t = base.accessToken(jti);
                  return t && { ...t, scope: `${t.scope} tokens` };
                },
              }),
            );
          }),
        ),
      ),
  },
];
