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
import { rememberNonce } from "../../src/client/legacy/index.ts";
import { randomToken } from "../../src/protocol/index.ts";
import {
  asksNonce,
  type DpopDevice,
  expectAccepted,
  expectDpopChallenge,
  expectTokenError,
  htuSpellingArb,
  keyedDevice,
  readTokensInto,
  refreshDevice,
  refreshRequest,
  resourceUrl,
  sendWithProof,
  spellHtu,
  tokenUrl,
  validProof,
  withFreshToken,
} from "./_dpop-helpers.ts";

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

/** GET the resource with exactly `proof` (no rebuild, no retry). */
async function getWith(
  ctx: CheckContext,
  dev: DpopDevice,
  proof: string,
  label: string,
): Promise<HttpResponse> {
  const url = resourceUrl(ctx);
  const res = await ctx.http.request({
    method: "GET",
    url,
    headers: { authorization: `DPoP ${dev.tokens.accessToken}`, dpop: proof },
    label,
  });
  rememberNonce(dev.session, url, res);
  return res;
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
    const dev = await keyedDevice(ctx, ID, { label: "dpop-jti", kind: "ec-p256" });
    const token = tokenUrl(ctx);
    const resource = resourceUrl(ctx);
    const origin = new URL(resource).origin;

    // 1. /token: replay of an accepted proof on the next refresh.
    let accepted: { proof: string; nonce: string | undefined } | undefined;
    const first = await sendWithProof(
      ctx,
      dev.session,
      refreshRequest(ctx, dev, "refresh with proof P"),
      (nonce) => {
        const proof = validProof(dev.session, "POST", token, nonce);
        accepted = { proof, nonce };
        return proof;
      },
    );
    expectAccepted(first, 200, ID, "a refresh with a valid proof");
    readTokensInto(ctx, dev, first, ID);
    const replayReq = refreshRequest(ctx, dev, "refresh (new refresh token) replaying proof P");
    const replayed = await ctx.http.request({
      ...replayReq,
      headers: { ...replayReq.headers, dpop: accepted!.proof },
    });
    rememberNonce(dev.session, token, replayed);
    if (replayed.status === 200) readTokensInto(ctx, dev, replayed, ID);
    expectTokenError(replayed, replayErrors(ctx, replayed, accepted!.nonce), ID);
    await refreshDevice(ctx, dev, ID);

    // 2. Resource: the same proof twice.
    let nonceQ: string | undefined;
    const [r1, r2] = await withFreshToken(ctx, dev, ID, async () => {
      const at = dev.tokens.accessToken;
      let proofQ = "";
      const first = await sendWithProof(
        ctx,
        dev.session,
        { method: "GET", url: resource, label: "GET /me with proof Q" },
        (nonce) => {
          nonceQ = nonce;
          proofQ = validProof(dev.session, "GET", resource, nonce, at);
          return proofQ;
        },
        { accessToken: at },
      );
      return [first, await getWith(ctx, dev, proofQ, "GET /me replaying proof Q")];
    });
    expectAccepted(r1, 200, ID, "a valid proof");
    expectDpopChallenge(ctx, r2, replayErrors(ctx, r2, nonceQ), ID);

    // 3. Same jti, another spelling of the same htu.
    await fc.assert(
      fc.asyncProperty(htuSpellingArb(resource), fc.boolean(), async (spelling, spelledFirst) => {
        const spelled = spellHtu(resource, spelling);
        const [firstHtu, secondHtu] = spelledFirst ? [spelled, resource] : [resource, spelled];
        let nonceB: string | undefined;
        const [a, b] = await withFreshToken(ctx, dev, ID, async () => {
          const at = dev.tokens.accessToken;
          const jti = randomToken(16);
          const a = await sendWithProof(
            ctx,
            dev.session,
            { method: "GET", url: resource, label: `GET /me, jti J, htu ${firstHtu}` },
            (nonce) =>
              validProof(dev.session, "GET", resource, nonce, at, { jti, htuClaim: firstHtu }),
            { accessToken: at },
          );
          nonceB = dev.session.nonces.get(origin);
          const b = await getWith(
            ctx,
            dev,
            validProof(dev.session, "GET", resource, nonceB, at, { jti, htuClaim: secondHtu }),
            `GET /me, same jti J, htu ${secondHtu}`,
          );
          return [a, b];
        });
        expectAccepted(a, 200, ID, `a proof with htu ${JSON.stringify(firstHtu)} (DTP-DPOP-008)`);
        expectDpopChallenge(ctx, b, replayErrors(ctx, b, nonceB), ID);
      }),
      { ...ctx.fc, numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );

    // 4. Race: N parallel requests with one proof → exactly one success.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), async (n) => {
        const race = (): Promise<HttpResponse[]> => {
          const nonce = dev.session.nonces.get(origin);
          const proof = validProof(dev.session, "GET", resource, nonce, dev.tokens.accessToken);
          return Promise.all(
            Array.from({ length: n }, (_, i) =>
              getWith(ctx, dev, proof, `race ${i + 1}/${n}: GET /me, one proof`),
            ),
          );
        };
        let results = await withFreshToken(ctx, dev, ID, race);
        // A nonce rotated under the race: run it again once with the new nonce.
        if (results.some(asksNonce)) results = await withFreshToken(ctx, dev, ID, race);
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
      { ...ctx.fc, numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 10)) },
    );
  },
};
