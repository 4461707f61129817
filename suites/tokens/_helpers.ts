/**
 * The tokens suite's readers: the JWK of a `kid`, the RFC 6749 §3.3 scope syntax. The token
 * responses themselves come from src/client/kit (`tokenKinds`, `deviceIssued`, …).
 */
import type { JSONWebKeySet, JWK } from "jose";

/** The JWK named `kid` in the set, if exactly one. */
export function keyById(jwks: JSONWebKeySet, kid: unknown): JWK | undefined {
  if (typeof kid !== "string") return undefined;
  const found = jwks.keys.filter((k) => k.kid === kid);
  return found.length === 1 ? found[0] : undefined;
}

/** RFC 6749 §3.3: scope-token *( SP scope-token ), scope-token = 1*NQCHAR. */
export const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;
