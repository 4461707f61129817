/**
 * DTP-DPOP-017 (MUST, RFC 9449 §8):
 * "When `dtp_dpop_nonce_required` is true, a `/token` request whose proof has no `nonce` or
 * a stale one MUST be answered 400 OAuth error `use_dpop_nonce` with a `DPoP-Nonce` header,
 * and the same request retried with a fresh proof carrying that nonce MUST succeed."
 *
 * DTP-DPOP-018 (MUST, RFC 9449 §9):
 * "When `dtp_dpop_nonce_required` is true, a protected-resource request whose proof has no
 * `nonce` or a stale one MUST be answered 401 with `WWW-Authenticate: DPoP
 * error="use_dpop_nonce"` and a `DPoP-Nonce` header."
 *
 * DTP-DPOP-020 (MAY, RFC 9449 §8.2):
 * "The server MAY send a new nonce in a `DPoP-Nonce` header on any response; a client MUST
 * then use the latest nonce it received in its next proof."
 *
 * Reads `dtp_dpop_nonce_required`; SKIP when it is not `true` (DTP-DPOP-019 covers `false`).
 * First a proof without a nonce, then a property over nonce values the server never issued
 * (stale or unknown). A refresh with such a proof → 400 `use_dpop_nonce` + `DPoP-Nonce`; the same
 * refresh with a fresh proof carrying that nonce → 200. A resource call with such a proof →
 * 401 `DPoP error="use_dpop_nonce"` (with the declared algs) + `DPoP-Nonce`; the same call
 * with that nonce → 200. Then requests alternating `/token` and the resource, each proof
 * carrying the latest nonce the server sent (on any response), must be accepted (020, a
 * WARN: a server that rotates its nonce in between may ask once more with a new one).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectHeader } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  absoluteEndpoint,
  asksForNonce,
  nonceRequired,
  readTokens,
} from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { expectAccepted, expectDpopChallenge, expectTokenError, failAt } from "./_dpop.ts";

const ID = "DTP-DPOP-017";

/** RFC 9449 §8.1 nonce syntax (NQCHAR), never one the server issued. */
const staleNonce = fc.stringMatching(/^[!#-[\]-~]{1,48}$/);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-DPOP-018", "DTP-DPOP-020"],
    level: "MUST",
    area: "signing",
    title:
      "Required server nonce: use_dpop_nonce + DPoP-Nonce at /token and the resource, retry works",
    specRef: "RFC 9449 §8, §9",
    requires: ["dtp", "dpop", "device_code", "refresh_token", "admin", "resource"],
    property: true,
  },
  async run(ctx) {
    if (nonceRequired(ctx.target) !== true) {
      ctx.notClaimed(
        `the target declares "dtp_dpop_nonce_required": ${JSON.stringify(ctx.target.metadata.dtp_dpop_nonce_required) ?? "(absent)"}; this check needs true (DTP-DPOP-019 covers false)`,
      );
    }
    const { device, tokens } = await approvedDevice(ctx, { label: "dpop-nonce", kind: "ed25519" });
    const session = device.dpop!;
    const token = absoluteEndpoint(ctx.target, "token_endpoint");
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");

    /** One refresh with exactly this nonce (no automatic retry). */
    const refreshWith = async (nonce: string | undefined, label: string) => {
      const res = await device.refresh(
        tokens.tokens.refreshToken ?? "",
        {},
        { label, proof: session.proof("POST", token, { nonce }) },
      );
      if (res.status === 200) tokens.tokens = readTokens(ctx, res, ID);
      return res;
    };
    /** One resource call with exactly this nonce. */
    const getWith = (accessToken: string, nonce: string | undefined, label: string) =>
      session.sendOnce(
        ctx,
        { method: "GET", url: resource, label },
        session.proof("GET", resource, { nonce, accessToken }),
        { accessToken },
      );
    const newNonce = (res: HttpResponse, requirement: string) =>
      expectHeader(
        res,
        "dpop-nonce",
        (v) => v.trim().length > 0,
        requirement,
        "a DPoP-Nonce header",
      );

    /** A proof with nonce `bad` (none, or stale) is turned away with a nonce; the retry with it works. */
    const roundTrip = async (bad: string | undefined) => {
      const what = bad === undefined ? "no nonce" : `nonce ${JSON.stringify(bad)}`;
      // /token
      const asked = await refreshWith(bad, `refresh, proof with ${what}`);
      expectTokenError(asked, "use_dpop_nonce", ID);
      const given = newNonce(asked, ID);
      const retried = await refreshWith(given, "the same refresh, proof with the DPoP-Nonce");
      expectAccepted(retried, 200, ID, "the retry with the nonce from DPoP-Nonce");

      // resource
      const [challenged, again] = await tokens.use(async (t) => {
        const first = await getWith(t.accessToken, bad, `GET /me, proof with ${what}`);
        const offered = first.headers["dpop-nonce"];
        if (!asksForNonce(first) || offered === undefined) return [first, first];
        return [first, await getWith(t.accessToken, offered, "GET /me, proof with the DPoP-Nonce")];
      });
      expectDpopChallenge(ctx, challenged, "use_dpop_nonce", "DTP-DPOP-018");
      newNonce(challenged, "DTP-DPOP-018");
      expectAccepted(again, 200, "DTP-DPOP-018", "the retry with the nonce from DPoP-Nonce");
    };
    await ctx.case("no nonce", () => roundTrip(undefined));
    await ctx.property("a stale nonce", fc.asyncProperty(staleNonce, roundTrip), {
      numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)),
    });

    // 020: always the latest nonce received, alternating /token and the resource.
    for (let i = 0; i < 4; i++) {
      const res =
        i % 2 === 0
          ? await device.refresh(
              tokens.tokens.refreshToken ?? "",
              {},
              { label: "refresh with the latest nonce" },
            )
          : await tokens.use((t) =>
              session.send(
                ctx,
                { method: "GET", url: resource, label: "GET /me with the latest nonce" },
                { accessToken: t.accessToken },
              ),
            );
      if (res.status !== 200) {
        failAt(
          "MAY",
          "DTP-DPOP-020",
          "a proof with the latest DPoP-Nonce received accepted (200)",
          `status ${res.status}: ${res.text.slice(0, 160)}`,
          res,
        );
      }
      if (i % 2 === 0) tokens.tokens = readTokens(ctx, res, ID);
    }
  },
};
