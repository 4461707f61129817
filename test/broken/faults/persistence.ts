/**
 * State that must survive a restart kept in process memory only.
 *
 * A black-box kit cannot restart the server under test, so these targets restart
 * themselves: the durable store (the reference store) survives, the process memory (the
 * fault's cache) is lost before every request — what a crash loop, a rolling deploy or a
 * scaled-out deployment without shared state does to a server that keeps single-use or
 * revocation state in memory. The catchers are the ordinary checks that reuse a rotated or
 * revoked credential: on a restarting target the reuse lands after a restart.
 */

import { randomBytes } from "node:crypto";
import type { ServerFixture } from "../../../reference-server/index.ts";
import { createSigner, loadSigningKey } from "../../../reference-server/tokens/signer.ts";
import type { Fault } from "../types.ts";
import { combine, store, withApp, wrapAll } from "./_lib.ts";

/** A restart before every request: `reset` loses the process memory. */
function restartingEveryRequest(reset: () => void, durable: ServerFixture): ServerFixture {
  return combine(
    durable,
    wrapAll((ctx, next) => {
      reset();
      return next(ctx);
    }),
  );
}

export const persistence: Fault[] = [
  {
    id: "F-PERS-01-rotation-marks-in-memory",
    area: "persistence",
    description:
      "Refresh-token rotation marks live in process memory, not in the database: after a restart a rotated refresh token is accepted again.",
    requirement: "DTP-REF-003",
    catchers: ["DTP-REF-002"],
    note: "The target restarts before every request (durable store kept, process memory lost).",
    fixture: () => {
      let rotated = new Map<string, number>();
      return restartingEveryRequest(
        () => {
          rotated = new Map();
        },
        store((base) => ({
          refreshToken: (hash) => {
            const t = base.refreshToken(hash);
            return t && { ...t, rotatedAtMs: rotated.get(hash) ?? null };
          },
          rotateRefreshToken: (hash, nowMs) => {
            if (!base.refreshToken(hash) || rotated.has(hash)) return false;
            rotated.set(hash, nowMs);
            return true;
          },
        })),
      );
    },
  },
  {
    id: "F-PERS-02-revocations-in-memory",
    area: "persistence",
    description:
      "Revocations (of token families and access tokens) live in process memory only: after a restart revoked refresh and access tokens work again.",
    requirement: "DTP-REV-005",
    catchers: ["DTP-REV-001"],
    note: "The target restarts before every request (durable store kept, process memory lost).",
    fixture: () => {
      let families = new Map<string, number>();
      let accessTokens = new Map<string, number>();
      return restartingEveryRequest(
        () => {
          families = new Map();
          accessTokens = new Map();
        },
        store((base) => ({
          family: (id) => {
            const f = base.family(id);
            return f && { ...f, revokedAt: families.get(id) ?? null };
          },
          revokeFamily: (id, now) => void families.set(id, now),
          accessToken: (jti) => {
            const t = base.accessToken(jti);
            return t && { ...t, revokedAt: accessTokens.get(jti) ?? null };
          },
          revokeAccessToken: (jti, now) => void accessTokens.set(jti, now),
        })),
      );
    },
  },
  {
    id: "F-PERS-03-signing-key-not-persisted",
    area: "persistence",
    description:
      "The access-token signing key is generated at start-up and never stored: after a restart every access token issued before it is refused and the JWK Set no longer holds its key.",
    requirement: "DTP-RES-001",
    catchers: ["DTP-RES-001", "DTP-TOK-003"],
    note: "The target restarts before every request (durable store kept, process memory lost).",
    fixture: () =>
      // Each restart (before every request) generates a new key and stores none.
      wrapAll(async (ctx, next) => {
        const volatile = {
          ...ctx.app.store,
          signingKey: () => undefined,
          saveSigningKey: () => {},
        };
        const key = await loadSigningKey(volatile, { key: randomBytes(32), source: "memory" });
        return next(withApp(ctx, { signer: createSigner(key, ctx.app.issuer) }));
      }),
  },
];
