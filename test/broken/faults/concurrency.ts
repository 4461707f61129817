/**
 * Check-then-use races: a single-use decision split into a read, an await (a database round
 * trip) and an unconditional write, so that concurrent requests all pass the check.
 * Sequential reuse is still refused: only the race is broken.
 */

import type { Reply } from "../../../reference-server/http/reply.ts";
import type { RequestContext, ServerFixture, Store } from "../../../reference-server/index.ts";
import { sha256b64url } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  DEVICE_CODE_GRANT,
  jwtPayload,
  sleep,
  type Wrapper,
  withStore,
  wrap,
  wrapGrant,
} from "./_lib.ts";

/** The simulated round trip between the check and the write (ms). */
const ROUND_TRIP_MS = 30;

type OnceKind = Parameters<Store["consumeOnce"]>[0];

/**
 * A single-use value (`kind`) checked against a cache of used values, then — after a round
 * trip — recorded unconditionally. `keyOf` names the value a request uses.
 */
function racyOnce(kind: OnceKind, keyOf: (ctx: RequestContext) => string | undefined): Wrapper {
  const used = new Set<string>();
  return async (ctx, next): Promise<Reply> => {
    const key = keyOf(ctx);
    // Check: a value seen before goes through the real (atomic) store, which refuses it.
    if (key === undefined || used.has(key)) return next(ctx);
    await sleep(ROUND_TRIP_MS);
    // Use: the write does not look at what is already there.
    return next(
      withStore(ctx, (base) => ({
        consumeOnce: async (k, value, expiresAt) => {
          if (k !== kind) return await base.consumeOnce(k, value, expiresAt);
          await base.consumeOnce(k, value, expiresAt);
          used.add(key);
          return true;
        },
      })),
    );
  };
}

const dpopJti = (ctx: RequestContext) => {
  const proof = ctx.headers.dpop;
  const jti = typeof proof === "string" ? jwtPayload(proof)?.jti : undefined;
  return typeof jti === "string" ? jti : undefined;
};

export const concurrency: Fault[] = [
  {
    id: "F-CONC-01-refresh-check-then-use",
    area: "concurrency",
    description:
      "Refresh rotation is check-then-use: the token's rotation mark is read, a database round trip later the rotation is written unconditionally, so concurrent refreshes with one token all succeed.",
    requirement: "DTP-REF-011",
    catchers: ["DTP-REF-011"],
    fixture: () =>
      wrapGrant("refresh_token", async (ctx, next) => {
        const base = ctx.app.store;
        const token = await base.refreshToken(sha256b64url(ctx.form.refresh_token ?? ""));
        if (!token || token.rotatedAtMs !== null) return next(ctx);
        await sleep(ROUND_TRIP_MS);
        return next(
          withStore(ctx, (base) => ({
            rotateRefreshToken: async (hash, nowMs) => {
              await base.rotateRefreshToken(hash, nowMs);
              return true;
            },
          })),
        );
      }),
  },
  {
    id: "F-CONC-02-device-code-check-then-use",
    area: "concurrency",
    description:
      "A poll is check-then-use: the registration is read (approved, not redeemed, polled long enough ago), then after a database round trip the poll and the redemption are written unconditionally, so concurrent polls of an approved code all get tokens.",
    requirement: "DTP-POLL-010",
    catchers: ["DTP-POLL-010"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const base = ctx.app.store;
        const reg = await base.registrationByDeviceCodeHash(
          sha256b64url(ctx.form.device_code ?? ""),
        );
        if (reg?.status !== "approved" || reg.redeemedAt !== null) return next(ctx);
        const due =
          reg.lastPollAtMs === null || Date.now() - reg.lastPollAtMs >= reg.interval * 1000;
        if (!due) return next(ctx);
        await sleep(ROUND_TRIP_MS);
        return next(
          withStore(ctx, (base) => ({
            // The handler goes on with the row it read before the round trip.
            registrationByDeviceCodeHash: async (hash) =>
              hash === reg.deviceCodeHash ? reg : await base.registrationByDeviceCodeHash(hash),
            recordPoll: async (id, nowMs) => {
              await base.recordPoll(id, nowMs);
              return "ok";
            },
            redeemRegistration: async (id, now) => {
              await base.redeemRegistration(id, now);
              return true;
            },
          })),
        );
      }),
  },
  {
    id: "F-CONC-03-dpop-jti-check-then-use",
    area: "concurrency",
    description:
      "The DPoP jti replay cache is check-then-use: parallel requests carrying the same proof are all accepted at the resource (a sequential replay is still refused).",
    requirement: "DTP-DPOP-010",
    catchers: ["DTP-DPOP-010"],
    fixture: (): ServerFixture => wrap("getMe", racyOnce("dpop_jti", dpopJti)),
  },
  {
    id: "F-CONC-04-assertion-jti-check-then-use",
    area: "concurrency",
    description:
      "The client-assertion jti cache is check-then-use: parallel token requests with one assertion all get service tokens (a sequential replay is still refused).",
    requirement: "DTP-SVC-009",
    catchers: ["DTP-SVC-009"],
    fixture: () =>
      wrapGrant(
        "client_credentials",
        racyOnce("assertion_jti", (ctx) => {
          const claims = jwtPayload(ctx.form.client_assertion ?? "");
          return typeof claims?.jti === "string"
            ? `${String(claims.iss)}:${claims.jti}`
            : undefined;
        }),
      ),
  },
  {
    id: "F-CONC-05-signature-nonce-check-then-use",
    area: "concurrency",
    description:
      "The signature nonce cache is check-then-use: parallel copies of one signed re-registration are all approved (a sequential replay is still refused).",
    requirement: "DTP-SIG-010",
    catchers: ["DTP-SIG-010"],
    fixture: () =>
      wrap(
        "registerDevice",
        racyOnce("signature_nonce", (ctx) => {
          const input = ctx.headers["signature-input"];
          const nonce = typeof input === "string" ? /;nonce="([^"]*)"/.exec(input)?.[1] : undefined;
          return nonce === undefined ? undefined : `${ctx.form.client_id ?? ""}:${nonce}`;
        }),
      ),
  },
];
