/**
 * DTP-DPOP-010 (MUST, RFC 9449 §11.1):
 * "A proof whose `jti` was already used in an accepted proof within the proof's acceptance
 * window MUST be rejected as an invalid proof (replay)."
 *
 * One device with an EC P-256 key:
 * 1. `/token`: a refresh with proof P is accepted; the next refresh (with the new, valid
 *    refresh token) sending P again gets 400 `invalid_dpop_proof`; a fresh proof then works.
 * 2. Resource: the same proof twice → 200, then 401 `DPoP error="invalid_dpop_proof"`.
 * 3. Property: the replay key is the `jti`, not the spelling of `htu`: a proof accepted with
 *    one spelling of the resource URL, then a new proof with the same `jti` and an
 *    equivalent spelling (upper-case scheme/host, explicit default port: accepted per
 *    DTP-DPOP-008), in either order → the second is rejected.
 * 4. Race (property over N = 2…8): N parallel resource requests with one proof → exactly one
 *    200, the others 401 `invalid_dpop_proof`.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { absoluteEndpoint, asksForNonce, readTokens } from "../../src/client/index.ts";
import { approvedDevice } from "../../src/client/kit/index.ts";
import { htuSpellingArb, spellHtu } from "../../src/protocol/dpop-mutations.ts";
import { randomToken } from "../../src/protocol/index.ts";
import { expectAccepted, expectDpopChallenge, expectTokenError } from "./_dpop.ts";

const ID = "DTP-DPOP-010";

/**
 * The errors acceptable for a replayed proof: use_dpop_nonce too if the nonce it carries was
 * rotated since. Outside DTP also the grant's or the token's error (invalid_grant at
 * /token, invalid_token at a resource): RFC 9449 §11.1 has the server decline a replayed
 * proof but names no error code for it (replay is not among the §4.3 proof checks).
 */
function replayErrors(
  ctx: CheckContext,
  res: HttpResponse,
  usedNonce: string | undefined,
): string[] {
  const rotated =
    res.headers["dpop-nonce"] !== undefined && res.headers["dpop-nonce"] !== usedNonce;
  const errors = rotated ? ["invalid_dpop_proof", "use_dpop_nonce"] : ["invalid_dpop_proof"];
  if (!ctx.target.features.has("dtp"))
    errors.push(res.status === 401 ? "invalid_token" : "invalid_grant");
  return errors;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title: "A DPoP proof jti is single-use (replays, re-spelled htu and parallel reuse rejected)",
    specRef: "RFC 9449 §11.1",
    requires: ["dpop", "device_code", "refresh_token", "admin", "resource"],
    property: true,
  },
  async run(ctx) {
    const { device, tokens } = await approvedDevice(ctx, { label: "dpop-jti", kind: "ec-p256" });
    const session = device.dpop!;
    const token = absoluteEndpoint(ctx.target, "token_endpoint");
    const resource = absoluteEndpoint(ctx.target, "dtp_resource_endpoint");
    const origin = new URL(resource).origin;
    /** GET the resource with exactly `proof` (no rebuild, no retry). */
    const getWith = (proof: string, accessToken: string, label: string) =>
      session.sendOnce(ctx, { method: "GET", url: resource, label }, proof, { accessToken });

    await ctx.case("/token: a replayed proof on the next refresh", async () => {
      let accepted: { proof: string; nonce: string | undefined } | undefined;
      const first = await device.refresh(
        tokens.tokens.refreshToken ?? "",
        {},
        {
          label: "refresh with proof P",
          proof: (nonce) => {
            const proof = session.proof("POST", token, { nonce });
            accepted = { proof, nonce };
            return proof;
          },
        },
      );
      expectAccepted(first, 200, ID, "a refresh with a valid proof");
      tokens.tokens = readTokens(ctx, first);
      const replayed = await device.refresh(
        tokens.tokens.refreshToken ?? "",
        {},
        { label: "refresh (new refresh token) replaying proof P", proof: accepted!.proof },
      );
      if (replayed.status === 200) tokens.tokens = readTokens(ctx, replayed);
      expectTokenError(replayed, replayErrors(ctx, replayed, accepted!.nonce), ID);
      tokens.tokens = await device.refreshed(tokens.tokens, { requirement: ID });
    });

    await ctx.case("resource: the same proof twice", async () => {
      let nonceQ: string | undefined;
      const [r1, r2] = await tokens.use(async (t) => {
        let proofQ = "";
        const first = await session.send(
          ctx,
          { method: "GET", url: resource, label: "GET /me with proof Q" },
          {
            accessToken: t.accessToken,
            build: (nonce) => {
              nonceQ = nonce;
              proofQ = session.proof("GET", resource, { nonce, accessToken: t.accessToken });
              return proofQ;
            },
          },
        );
        return [first, await getWith(proofQ, t.accessToken, "GET /me replaying proof Q")];
      });
      expectAccepted(r1, 200, ID, "a valid proof");
      expectDpopChallenge(ctx, r2, replayErrors(ctx, r2, nonceQ), ID);
    });

    // 3. Same jti, another spelling of the same htu.
    await ctx.property(
      "the same jti with another spelling of the htu",
      fc.asyncProperty(htuSpellingArb(resource), fc.boolean(), async (spelling, spelledFirst) => {
        const spelled = spellHtu(resource, spelling);
        const [firstHtu, secondHtu] = spelledFirst ? [spelled, resource] : [resource, spelled];
        let nonceB: string | undefined;
        const [a, b] = await tokens.use(async (t) => {
          const at = t.accessToken;
          const jti = randomToken(16);
          const a = await session.send(
            ctx,
            { method: "GET", url: resource, label: `GET /me, jti J, htu ${firstHtu}` },
            {
              accessToken: at,
              build: (nonce) =>
                session.proof("GET", resource, { nonce, accessToken: at, jti, htuClaim: firstHtu }),
            },
          );
          nonceB = session.nonces.get(origin);
          const b = await getWith(
            session.proof("GET", resource, {
              nonce: nonceB,
              accessToken: at,
              jti,
              htuClaim: secondHtu,
            }),
            at,
            `GET /me, same jti J, htu ${secondHtu}`,
          );
          return [a, b];
        });
        expectAccepted(a, 200, ID, `a proof with htu ${JSON.stringify(firstHtu)} (DTP-DPOP-008)`);
        expectDpopChallenge(ctx, b, replayErrors(ctx, b, nonceB), ID);
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );

    // 4. Race: N parallel requests with one proof → exactly one success.
    await ctx.property(
      "N parallel requests with one proof",
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), async (n) => {
        const race = (at: string): Promise<HttpResponse[]> => {
          const nonce = session.nonces.get(origin);
          const proof = session.proof("GET", resource, { nonce, accessToken: at });
          return Promise.all(
            Array.from({ length: n }, (_, i) =>
              getWith(proof, at, `race ${i + 1}/${n}: GET /me, one proof`),
            ),
          );
        };
        let results = await tokens.use((t) => race(t.accessToken));
        // A nonce rotated under the race: run it again once with the new nonce.
        if (results.some(asksForNonce)) results = await tokens.use((t) => race(t.accessToken));
        const ok = results.filter((r) => r.status === 200);
        if (ok.length !== 1) {
          fail(
            ID,
            `exactly one of ${n} parallel requests with the same proof accepted`,
            `${ok.length} accepted (statuses ${results.map((r) => r.status).join(", ")})`,
            results,
          );
        }
        for (const r of results) {
          if (r.status !== 200) {
            const errors = ctx.target.features.has("dtp")
              ? "invalid_dpop_proof"
              : ["invalid_dpop_proof", "invalid_token"];
            expectDpopChallenge(ctx, r, errors, ID);
          }
        }
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 10)) },
    );
  },
};
