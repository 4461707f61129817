/**
 * JWK helpers: RFC 7638 thumbprints, key kinds and the JWS algorithms each kind may use.
 */
import { createHash } from "node:crypto";
import type { JWK } from "jose";

/** The key kinds DTP accepts for devices. */
export type KeyKind = "rsa" | "ec-p256" | "ed25519";

/** JWS algorithms per key kind (DPoP proofs, RFC 9449). */
const JWS_ALGS: Readonly<Record<KeyKind, readonly string[]>> = {
  rsa: ["RS256", "PS256"],
  "ec-p256": ["ES256"],
  // jose 6 supports the fully-specified "Ed25519" (RFC 9864) next to "EdDSA".
  ed25519: ["EdDSA", "Ed25519"],
};

/** JWK members that only private (or symmetric) keys carry. */
export const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"] as const;

/**
 * The JWS algorithms a key of this kind may sign with, preferred first.
 *
 * @example
 * algsForKey("rsa"); // ["RS256", "PS256"]
 */
export function algsForKey(kind: KeyKind): readonly string[] {
  return JWS_ALGS[kind];
}

/** The kind of a public JWK, or `undefined` when DTP does not accept it. */
export function kindOfJwk(jwk: JWK): KeyKind | undefined {
  if (jwk.kty === "RSA" && typeof jwk.n === "string" && typeof jwk.e === "string") return "rsa";
  if (
    jwk.kty === "EC" &&
    jwk.crv === "P-256" &&
    typeof jwk.x === "string" &&
    typeof jwk.y === "string"
  )
    return "ec-p256";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && typeof jwk.x === "string") return "ed25519";
  return undefined;
}

/** True when the JWK carries any private or symmetric key member. */
export function hasPrivateMembers(jwk: object): boolean {
  return PRIVATE_JWK_MEMBERS.some((m) => Object.hasOwn(jwk, m));
}

/** The public members of a JWK (drops private members and everything but key material). */
export function publicJwk(jwk: JWK): JWK {
  switch (jwk.kty) {
    case "RSA":
      return { kty: "RSA", n: jwk.n!, e: jwk.e! };
    case "EC":
      return { kty: "EC", crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
    case "OKP":
      return { kty: "OKP", crv: jwk.crv!, x: jwk.x! };
    default:
      throw new TypeError(`unsupported JWK kty ${String(jwk.kty)}`);
  }
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): the DTP `jkt`. Synchronous, for RSA, EC
 * and OKP keys; throws `TypeError` on a JWK missing its required members.
 *
 * @example
 * const jkt = jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
 */
export function jwkThumbprint(jwk: JWK): string {
  const need = (name: "crv" | "e" | "n" | "x" | "y"): string => {
    const v = jwk[name];
    if (typeof v !== "string") throw new TypeError(`JWK member "${name}" is required`);
    return v;
  };
  // Required members in lexicographic order, no whitespace (RFC 7638 §3.2).
  let canonical: string;
  switch (jwk.kty) {
    case "RSA":
      canonical = JSON.stringify({ e: need("e"), kty: "RSA", n: need("n") });
      break;
    case "EC":
      canonical = JSON.stringify({ crv: need("crv"), kty: "EC", x: need("x"), y: need("y") });
      break;
    case "OKP":
      canonical = JSON.stringify({ crv: need("crv"), kty: "OKP", x: need("x") });
      break;
    default:
      throw new TypeError(`unsupported JWK kty ${String(jwk.kty)}`);
  }
  return createHash("sha256").update(canonical, "utf8").digest("base64url");
}

/** Modulus length in bits of an RSA JWK (0 when `n` is missing or malformed). */
export function rsaJwkModulusBits(jwk: JWK): number {
  if (typeof jwk.n !== "string") return 0;
  const n = Buffer.from(jwk.n, "base64url");
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}
