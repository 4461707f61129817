/**
 * DPoP at the token endpoint (RFC 9449 §5): errors are 400 OAuth errors with a fresh nonce.
 * A bound client (registered key, or a DPoP-bound token family) must send a proof made with
 * that key; any other client that sends a valid proof gets tokens bound to its key.
 */
import type { RequestContext } from "../context.ts";
import { checkDpopProof, hasDpopHeader } from "../dpop/check.ts";
import { dpopNonceHeader } from "../dpop/nonces.ts";
import { OAuthError } from "../errors.ts";

export interface DpopBinding {
  /** The key the issued tokens are bound to (null: Bearer). */
  jkt: string | null;
  /** Headers for the response (`DPoP-Nonce`). */
  headers: Record<string, string>;
}

export async function dpopForToken(
  ctx: RequestContext,
  boundJkt: string | null,
): Promise<DpopBinding> {
  if (boundJkt === null && !hasDpopHeader(ctx)) return { jkt: null, headers: {} };
  const proof = await checkDpopProof(ctx, { jkt: boundJkt });
  const headers = await dpopNonceHeader(ctx.app);
  if (!proof.ok)
    throw new OAuthError(
      proof.error === "key_mismatch" ? "invalid_dpop_proof" : proof.error,
      proof.reason,
      400,
      headers,
    );
  return { jkt: proof.jkt, headers };
}
