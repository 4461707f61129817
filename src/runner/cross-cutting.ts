/**
 * Failures whose cause is a rule every request depends on, not the requirement of the step
 * that met it. A server whose OAuth endpoints refuse `application/x-www-form-urlencoded`
 * (415) fails every check at its first token request; reported under each check's own
 * requirement, one deviation would read as a dozen ("expected authorization_pending; got
 * 415"). The failure is charged to the rule instead, so the verdict counts one root cause
 * and the checks it stopped show as blocked by it. Likewise a `use_dpop_nonce` refusal of a
 * proof that carried a nonce (the kit only sends nonces the target handed out): the target's
 * nonces are the cause, whatever step met it.
 */
import type { Exchange } from "../check/http.ts";

/** DTP-ERR-052: the OAuth endpoints accept form-encoded POST bodies (RFC 6749 §3.2 etc.). */
export const FORM_BODIES = "DTP-ERR-052";
/** DTP-DPOP-017: a server nonce the target handed out is accepted (RFC 9449 §8). */
export const SERVER_NONCES = "DTP-DPOP-017";

/**
 * The requirement a failure is really about when its last exchange shows a cross-cutting
 * cause, or undefined: a form-encoded POST answered 415 Unsupported Media Type.
 */
export function crossCuttingCause(exchange: Exchange | undefined): string | undefined {
  if (!exchange?.response || exchange.request.method !== "POST") return undefined;
  const type = Object.entries(exchange.request.headers).find(
    ([k]) => k.toLowerCase() === "content-type",
  )?.[1];
  if (
    exchange.response.status === 415 &&
    type?.split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded"
  ) {
    return FORM_BODIES;
  }
  if (refusesItsOwnNonce(exchange)) return SERVER_NONCES;
  return undefined;
}

function refusesItsOwnNonce(exchange: Exchange): boolean {
  const body = exchange.response?.body ?? "";
  if (!/"error"\s*:\s*"use_dpop_nonce"/.test(body)) return false;
  const proof = Object.entries(exchange.request.headers).find(
    ([k]) => k.toLowerCase() === "dpop",
  )?.[1];
  const payload = proof?.split(".")[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      nonce?: unknown;
    };
    return typeof claims.nonce === "string";
  } catch {
    return false;
  }
}
