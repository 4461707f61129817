/** DPoP at the token endpoint (RFC 9449 §5): errors are 400 OAuth errors with a fresh nonce. */
import type { RequestContext } from "../context.ts";
import { checkDpopProof } from "../dpop/check.ts";
import { dpopNonceHeader } from "../dpop/nonces.ts";
import { OAuthError } from "../errors.ts";

/** Checks the proof for key `jkt`; returns the `DPoP-Nonce` header for the response. */
export async function requireDpop(
  ctx: RequestContext,
  jkt: string,
): Promise<Record<string, string>> {
  const proof = await checkDpopProof(ctx, { jkt });
  const nonce = dpopNonceHeader(ctx.app);
  if (!proof.ok) throw new OAuthError(proof.error, proof.reason, 400, nonce);
  return nonce;
}
