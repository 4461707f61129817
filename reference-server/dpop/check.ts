/**
 * Server-side DPoP proof checks (RFC 9449 §4.3, §8, §11.1) around src/protocol's
 * `verifyDpopProof`: the key must be the one the token or device is bound to, the nonce
 * one of ours, and the `jti` unused (recorded atomically, so a replayed proof fails).
 */
import { decodeJwsJson } from "../../src/protocol/jws.ts";
import type { RequestContext } from "../context.ts";
import { isValidDpopNonce } from "./nonces.ts";

export const DPOP_ALGS = ["ES256", "EdDSA", "RS256", "PS256"] as const;

export type DpopCheck =
  | { ok: true; jkt: string }
  | {
      ok: false;
      /** `key_mismatch`: a valid proof made with another key than the bound one. */
      error: "invalid_dpop_proof" | "use_dpop_nonce" | "key_mismatch";
      reason: string;
    };

/** True when the request carries a `DPoP` header at all. */
export const hasDpopHeader = (ctx: RequestContext) => ctx.headers.dpop !== undefined;

/**
 * 1. Exactly one `DPoP` header.
 * 2. `verifyDpopProof`: typ, alg allowlist, public jwk, signature, htm, htu, iat window,
 *    `ath` (when an access token is presented).
 * 3. The proof key is the bound key (`jkt`), when there is one.
 * 4. Nonce: when required, one the server issued and that is still valid.
 * 5. `jti` single-use within the proof window (consumed only by an otherwise valid proof).
 */
export async function checkDpopProof(
  ctx: RequestContext,
  expected: { jkt?: string | null; accessToken?: string },
): Promise<DpopCheck> {
  const { app } = ctx;
  const raw = ctx.headers.dpop;
  if (raw === undefined || raw === "")
    return { ok: false, error: "invalid_dpop_proof", reason: "a DPoP proof is required" };
  if (Array.isArray(raw) || raw.includes(","))
    return { ok: false, error: "invalid_dpop_proof", reason: "exactly one DPoP header is allowed" };
  const now = app.now();
  const { dpopProofMaxAge: maxAge } = app.options.lifetimes;
  const skew = app.options.clockSkew;
  const result = await app.verifiers.dpopProof(raw, {
    htm: ctx.method,
    htu: ctx.url.href,
    allowedAlgs: DPOP_ALGS,
    now,
    maxAge,
    skew,
    ...(expected.accessToken === undefined ? {} : { accessToken: expected.accessToken }),
  });
  if (!result.ok) return result;
  if (expected.jkt != null && result.jkt !== expected.jkt)
    return {
      ok: false,
      error: "key_mismatch",
      reason: "the DPoP key is not the key bound to this client or token",
    };
  if (app.options.dpopNonceRequired) {
    const claims = decodeJwsJson(raw.split(".")[1] ?? "") ?? {};
    if (claims.nonce === undefined)
      return { ok: false, error: "use_dpop_nonce", reason: "the DPoP proof has no nonce" };
    if (!(await isValidDpopNonce(app, claims.nonce)))
      return { ok: false, error: "use_dpop_nonce", reason: "the DPoP nonce is stale or unknown" };
  }
  if (!(await app.store.consumeOnce("dpop_jti", result.jti, now + maxAge + 2 * skew)))
    return {
      ok: false,
      error: "invalid_dpop_proof",
      reason: "the DPoP proof jti was already used",
    };
  return { ok: true, jkt: result.jkt };
}
