/**
 * Issue 16, point 6: when a rotated refresh token (a reuse, which revokes its family) and
 * the family's newest refresh token arrive together, the server may answer the newest one
 * 200 only with tokens that are live when the answer is sent: the family decision and the
 * issuance are one atomic step. Real parallel HTTP requests, 20 rounds, a DPoP-bound device
 * (its proof checks are asynchronous: the window the race needs), both orders of sending.
 *
 * RFC 9700 §4.14.2: the reuse revokes the family's newest tokens too, so a correct 200 that
 * was sent before the reuse was processed is dead a moment later. What must never happen is
 * a 200 sent after the revocation. The server's own order of events (recorded through the
 * test fixture: each 200 of the refresh grant, each family revocation) shows it exactly;
 * from the outside, a 200 that arrives after the reuse's 400, or whose access token /me
 * refuses although no revocation followed it, is the same bug.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OPERATIONS,
  type RunningServer,
  SHORT_LIFETIMES,
  startReferenceServer,
} from "../../reference-server/index.ts";
import { claims, deviceWithTokens, generateDeviceKey, me, refresh } from "./helpers.ts";

type Event = { kind: "issued" | "revoked"; family: string };
const events: Event[] = [];

let s: RunningServer;
beforeAll(async () => {
  const token = OPERATIONS.token!;
  s = await startReferenceServer(
    {
      store: { kind: "memory" },
      lifetimes: { ...SHORT_LIFETIMES, accessToken: 3600, refreshToken: 3600 },
    },
    {
      operations: {
        token: {
          ...token,
          handler: async (ctx) => {
            const reply = await token.handler(ctx);
            const body = reply.json as { access_token?: string } | undefined;
            if (
              ctx.form.grant_type === "refresh_token" &&
              reply.status === 200 &&
              body?.access_token
            ) {
              const jti = claims(body.access_token).jti as string;
              const family = ctx.app.store.accessToken(jti)?.familyId ?? "";
              events.push({ kind: "issued", family });
            }
            return reply;
          },
        },
      },
      wrapStore: (store) => ({
        ...store,
        revokeFamily(id, now) {
          events.push({ kind: "revoked", family: id });
          store.revokeFamily(id, now);
        },
      }),
    },
  );
});
afterAll(() => s.close());

describe("a reuse racing the newest refresh token", () => {
  it("never answers 200 with tokens of a family already revoked (20 rounds)", async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const key = await generateDeviceKey("ec-p256");
      const d = await deviceWithTokens(s, { key, keyType: "x509" });
      const rotated = d.tokens.body.refresh_token as string;
      const second = await refresh(s, d, rotated);
      expect(second.status, second.text).toBe(200);
      const newest = second.body.refresh_token as string;
      // Its family, as the server recorded it for that 200.
      const family = events.filter((e) => e.kind === "issued").at(-1)!.family;
      const from = events.length;

      // The reuse and the legitimate newest token, together (in both orders).
      const arrived: string[] = [];
      const reuseReq = () =>
        refresh(s, d, rotated).then((r) => {
          arrived.push("reuse");
          return r;
        });
      const legitReq = () =>
        refresh(s, d, newest).then(async (r) => {
          arrived.push("legit");
          // /me right after the 200 arrives.
          const check = r.status === 200 ? await me(s, r.body.access_token, d.dpop) : undefined;
          return { r, check };
        });
      const [reuse, legit] =
        round % 2 === 0
          ? await Promise.all([reuseReq(), legitReq()])
          : await Promise.all([legitReq(), reuseReq()]).then(([l, r]) => [r, l] as const);

      expect(reuse.status, reuse.text).toBe(400);
      expect(reuse.body.error).toBe("invalid_grant");
      outcomes.push(legit.r.status === 200 ? "200" : legit.r.body.error);
      if (legit.r.status !== 200) {
        expect(legit.r.body.error).toBe("invalid_grant");
        continue;
      }
      // The server's order: the 200 before the revocation of its family.
      const mine = events.slice(from).filter((e) => e.family === family);
      const issued = mine.findIndex((e) => e.kind === "issued");
      const revoked = mine.findIndex((e) => e.kind === "revoked");
      expect(revoked === -1 || issued < revoked, `round ${round}: ${JSON.stringify(mine)}`).toBe(
        true,
      );
      // From the outside: not after the reuse's answer; /me accepted it unless revoked since.
      expect(arrived[0], `round ${round}: the 200 arrived after the reuse's 400`).toBe("legit");
      if (legit.check!.status !== 200)
        expect(
          revoked,
          `round ${round}: /me refused the fresh token: ${legit.check!.text}`,
        ).not.toBe(-1);
    }
    console.log(`newest-token outcomes over 20 rounds: ${outcomes.join(" ")}`);
  });
});
