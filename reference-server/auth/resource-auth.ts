/**
 * Authentication at protected resources (RFC 6750 §2.1, §3; RFC 9449 §7): the access token
 * (or personal token) from `Authorization: Bearer|DPoP`, the DPoP proof for bound tokens,
 * then the required scope. Errors are challenges (401/403) with problem+json bodies.
 */
import type { App, RequestContext } from "../context.ts";
import { checkDpopProof } from "../dpop/check.ts";
import { dpopNonceHeader } from "../dpop/nonces.ts";
import { ChallengeError } from "../errors.ts";
import type { TokenKind } from "../store/types.ts";
import { activeAccessToken, activePersonalToken, PERSONAL_TOKEN_PREFIX } from "../tokens/active.ts";
import { scopeList } from "../tokens/issue.ts";

export interface Principal {
  kind: TokenKind | "personal";
  sub: string;
  clientId: string;
  deviceUid: string | null;
  scope: string[];
  /** The DPoP key the token is bound to. */
  jkt: string | null;
}

type Scheme = "Bearer" | "DPoP";

/** The scheme and token of the Authorization header, or undefined when it has none of ours. */
export function resourceCredentials(
  ctx: RequestContext,
): { scheme: Scheme; token: string } | undefined {
  const header = ctx.headers.authorization;
  const m = header === undefined ? null : /^(bearer|dpop)(?: +(.*))?$/i.exec(header);
  if (!m) return undefined;
  const scheme: Scheme = m[1]!.toLowerCase() === "dpop" ? "DPoP" : "Bearer";
  const token = (m[2] ?? "").trim();
  // RFC 6750 §2.1 b64token; anything else cannot be a token we issued.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
    throw new ChallengeError(scheme, "invalid_token", "the access token is malformed");
  return { scheme, token };
}

/**
 * 1. No credentials → 401, challenges for Bearer and DPoP without `error`.
 * 2. Personal token (`dtp_pat_…`, Bearer only) or JWT access token: active, not revoked.
 * 3. DPoP-bound token: the DPoP scheme and a valid proof with `ath`; a bound token sent
 *    as Bearer, or an unbound one sent as DPoP → `invalid_token`.
 * 4. Required scope → 403 `insufficient_scope`.
 */
export async function authenticateResource(
  ctx: RequestContext,
  requiredScope: string,
): Promise<Principal> {
  const { app } = ctx;
  const creds = resourceCredentials(ctx);
  if (!creds)
    throw new ChallengeError("Bearer", undefined, "an access token is required", {
      offer: ["Bearer", "DPoP"],
    });
  const deny = async (reason: string) =>
    new ChallengeError(creds.scheme, "invalid_token", reason, {
      headers: await nonceFor(app, creds.scheme),
    });

  let principal: Principal;
  if (creds.token.startsWith(PERSONAL_TOKEN_PREFIX)) {
    if (creds.scheme !== "Bearer") throw await deny("personal tokens are Bearer tokens");
    const pat = await activePersonalToken(app, creds.token);
    if (!pat.ok) throw await deny(pat.reason);
    const r = pat.record;
    principal = {
      kind: "personal",
      sub: r.sub,
      clientId: r.clientId,
      deviceUid: r.deviceUid,
      scope: scopeList(r.scope),
      jkt: null,
    };
  } else {
    const active = await activeAccessToken(app, creds.token);
    if (!active.ok) throw await deny(active.reason);
    const r = active.record;
    if (r.jkt !== null && creds.scheme !== "DPoP")
      throw await deny("this token is DPoP-bound: use the DPoP scheme");
    if (r.jkt === null && creds.scheme === "DPoP")
      throw await deny("this token is not DPoP-bound: use the Bearer scheme");
    if (r.jkt !== null) {
      const proof = await checkDpopProof(ctx, { jkt: r.jkt, accessToken: creds.token });
      // A valid proof made with another key: the token is not usable by this client.
      if (!proof.ok)
        throw new ChallengeError(
          "DPoP",
          proof.error === "key_mismatch" ? "invalid_token" : proof.error,
          proof.reason,
          { headers: await dpopNonceHeader(app) },
        );
    }
    principal = {
      kind: r.kind,
      sub: r.sub,
      clientId: r.clientId,
      deviceUid: r.deviceUid,
      scope: scopeList(r.scope),
      jkt: r.jkt,
    };
  }
  if (!principal.scope.includes(requiredScope))
    throw new ChallengeError(
      creds.scheme,
      "insufficient_scope",
      `scope "${requiredScope}" is required`,
      {
        scope: requiredScope,
      },
    );
  return principal;
}

async function nonceFor(app: App, scheme: Scheme): Promise<Record<string, string>> {
  return scheme === "DPoP" ? dpopNonceHeader(app) : {};
}
