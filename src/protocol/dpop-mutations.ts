/**
 * The catalogue of DPoP proof mutations for negative tests (RFC 9449 §4.3, RFC 8725): every
 * way a proof can be wrong that a server must refuse — malformed JWS, several proofs, wrong
 * `typ`, `alg` none / HMAC / not allowed / not the key's, a bad `jwk`, a proof by another
 * key, a flipped bit, wrong `htm` / `htu` / `iat` / `ath`. {@link mutationArb} draws them,
 * {@link mutationExamples} lists one of each, `mutateProof` (dpop-mutate.ts) builds them.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import fc from "fast-check";
import type { JWK } from "jose";
import { algsForKey } from "./jwk.ts";
import { type DeviceKey, generateDeviceKey } from "./keys.ts";

/** The keys a mutation may use besides the registered one (generated once per test). */
export interface MutationKeys {
  /** The registered key (signs the valid proofs). */
  key: DeviceKey;
  alg: string;
  /** Another key of a DTP kind (wrong key, or whose jwk replaces the real one). */
  other: DeviceKey;
  /** A P-384 key (not a DTP kind) signing ES384. */
  p384: { privateKey: KeyObject; jwk: JWK };
  /** The server's proof window (seconds): how far `iat` must be off to be wrong. */
  window: { maxAge: number; skew: number };
}

/** The keys for `mutateProof`: `other` is Ed25519 for an Ed25519 key, else EC P-256. */
export async function mutationKeys(
  key: DeviceKey,
  alg: string,
  window: { maxAge: number; skew: number },
): Promise<MutationKeys> {
  const other = await generateDeviceKey(key.kind === "ed25519" ? "ed25519" : "ec-p256");
  const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const jwk = pair.publicKey.export({ format: "jwk" }) as JWK;
  return { key, alg, other, p384: { privateKey: pair.privateKey, jwk }, window };
}

export const MALFORMED_SHAPES = [
  "garbage",
  "two-parts",
  "four-parts",
  "five-parts",
  "padded",
  "std-base64",
  "space",
  "raw-json-header",
  "header-not-json",
  "payload-not-json",
] as const;
export const WRONG_TYPS = [
  "jwt",
  "JWT",
  "at+jwt",
  "dpop",
  "dpop+jws",
  "secevent+jwt",
  "",
  1,
  null,
] as const;
export const HMAC_SECRETS = ["jwk-json", "spki-der", "spki-pem", "jkt"] as const;
export const BAD_JWKS = [
  "absent",
  "null",
  "string",
  "array",
  "private",
  "other-key",
  "symmetric",
] as const;
export const BAD_HTUS = [
  "absent",
  "relative",
  "other-path",
  "trailing-slash",
  "path-case",
  "other-host",
  "other-port",
  "other-scheme",
] as const;
export const BAD_ATHS = ["absent", "other-token", "hex", "empty", "token-itself"] as const;

export type Mutation =
  | { t: "malformed"; shape: (typeof MALFORMED_SHAPES)[number] }
  | { t: "multiple"; count: number; same: boolean }
  | { t: "typ"; typ: string | number | null }
  | { t: "alg-none"; emptyAlgCase: boolean }
  | { t: "hmac"; alg: "HS256" | "HS384" | "HS512"; secret: (typeof HMAC_SECRETS)[number] }
  | { t: "alg-not-allowed"; alg: string }
  | { t: "alg-mismatch"; alg: string }
  | { t: "jwk"; how: (typeof BAD_JWKS)[number] }
  | { t: "wrong-key" }
  | { t: "flip"; part: "header" | "payload" | "signature"; bit: number }
  | { t: "htm"; htm: string | null }
  | { t: "htu"; how: (typeof BAD_HTUS)[number] }
  | { t: "iat"; how: "old" | "future"; by: number }
  | { t: "iat"; how: "absent" }
  | { t: "ath"; how: (typeof BAD_ATHS)[number] };

/** Where the proof is sent: the token endpoint (`POST`) or a resource (`GET`, with `ath`). */
export type ProofPlace = "token" | "resource";

/** The values the mutations of a place draw from, given the key and the declared algs. */
function catalogue(where: ProofPlace, keys: MutationKeys, declaredAlgs: readonly string[]) {
  const method = where === "token" ? "POST" : "GET";
  const kindAlgs = algsForKey(keys.key.kind);
  const undeclared = (
    keys.key.kind === "rsa"
      ? ["RS384", "RS512", "PS384", "PS512"]
      : keys.key.kind === "ed25519"
        ? ["Ed25519"]
        : []
  ).filter((a) => !declaredAlgs.includes(a));
  return {
    wrongHtms: [
      ...["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"].filter((m) => m !== method),
      method.toLowerCase(),
      null,
    ],
    otherAlgs: ["ES256", "RS256", "PS256", "EdDSA"].filter(
      (a) => declaredAlgs.includes(a) && !kindAlgs.includes(a),
    ),
    notAllowed: [...undeclared, "ES384"],
  };
}

/**
 * Arbitrary mutations of a proof at `where`. `wrong-key` only at the token endpoint (at a
 * resource, a proof by another key is a token binding failure with its own error); `ath`
 * only at a resource.
 */
export function mutationArb(
  where: ProofPlace,
  keys: MutationKeys,
  declaredAlgs: readonly string[],
): fc.Arbitrary<Mutation> {
  const c = catalogue(where, keys, declaredAlgs);
  const arbs: fc.Arbitrary<Mutation>[] = [
    fc.record({
      t: fc.constant("malformed" as const),
      shape: fc.constantFrom(...MALFORMED_SHAPES),
    }),
    fc.record({
      t: fc.constant("multiple" as const),
      count: fc.integer({ min: 2, max: 3 }),
      same: fc.boolean(),
    }),
    fc.record({ t: fc.constant("typ" as const), typ: fc.constantFrom(...WRONG_TYPS) }),
    fc.record({ t: fc.constant("alg-none" as const), emptyAlgCase: fc.boolean() }),
    fc.record({
      t: fc.constant("hmac" as const),
      alg: fc.constantFrom("HS256" as const, "HS384" as const, "HS512" as const),
      secret: fc.constantFrom(...HMAC_SECRETS),
    }),
    fc.record({
      t: fc.constant("alg-not-allowed" as const),
      alg: fc.constantFrom(...c.notAllowed),
    }),
    fc.record({ t: fc.constant("jwk" as const), how: fc.constantFrom(...BAD_JWKS) }),
    fc.record({
      t: fc.constant("flip" as const),
      part: fc.constantFrom("header" as const, "payload" as const, "signature" as const),
      bit: fc.nat({ max: 4095 }),
    }),
    fc.record({ t: fc.constant("htm" as const), htm: fc.constantFrom(...c.wrongHtms) }),
    fc.record({ t: fc.constant("htu" as const), how: fc.constantFrom(...BAD_HTUS) }),
    fc.record({
      t: fc.constant("iat" as const),
      how: fc.constantFrom("old" as const, "future" as const),
      by: fc.integer({ min: 5, max: 1_000_000 }),
    }),
    fc.constant({ t: "iat" as const, how: "absent" as const }),
  ];
  if (c.otherAlgs.length > 0) {
    arbs.push(
      fc.record({ t: fc.constant("alg-mismatch" as const), alg: fc.constantFrom(...c.otherAlgs) }),
    );
  }
  if (where === "token") arbs.push(fc.constant({ t: "wrong-key" as const }));
  if (where === "resource") {
    arbs.push(fc.record({ t: fc.constant("ath" as const), how: fc.constantFrom(...BAD_ATHS) }));
  }
  return fc.oneof(...arbs);
}

/**
 * One of every mutation {@link mutationArb} can draw (each value of each kind; a bit flip
 * per part, one distance per `iat` direction), to run as explicit examples.
 */
export function mutationExamples(
  where: ProofPlace,
  keys: MutationKeys,
  declaredAlgs: readonly string[],
): Mutation[] {
  const c = catalogue(where, keys, declaredAlgs);
  const hmacAlgs = ["HS256", "HS384", "HS512"] as const;
  return [
    ...MALFORMED_SHAPES.map((shape): Mutation => ({ t: "malformed", shape })),
    { t: "multiple", count: 2, same: true },
    { t: "multiple", count: 3, same: false },
    ...WRONG_TYPS.map((typ): Mutation => ({ t: "typ", typ })),
    { t: "alg-none", emptyAlgCase: false },
    { t: "alg-none", emptyAlgCase: true },
    ...hmacAlgs.flatMap((alg) =>
      HMAC_SECRETS.map((secret): Mutation => ({ t: "hmac", alg, secret })),
    ),
    ...c.notAllowed.map((alg): Mutation => ({ t: "alg-not-allowed", alg })),
    ...BAD_JWKS.map((how): Mutation => ({ t: "jwk", how })),
    ...(["header", "payload", "signature"] as const).map(
      (part): Mutation => ({ t: "flip", part, bit: 13 }),
    ),
    ...c.wrongHtms.map((htm): Mutation => ({ t: "htm", htm })),
    ...BAD_HTUS.map((how): Mutation => ({ t: "htu", how })),
    { t: "iat", how: "old", by: 5 },
    { t: "iat", how: "future", by: 5 },
    { t: "iat", how: "absent" },
    ...c.otherAlgs.map((alg): Mutation => ({ t: "alg-mismatch", alg })),
    ...(where === "token" ? [{ t: "wrong-key" } as Mutation] : []),
    ...(where === "resource" ? BAD_ATHS.map((how): Mutation => ({ t: "ath", how })) : []),
  ];
}

// ——— htu spellings that normalisation makes equal ———

/** Ways to write a URL that RFC 3986 §6.2.2.1 / §6.2.3 normalisation makes equal. */
export type HtuSpelling = { schemeCase: boolean[]; hostCase: boolean[]; defaultPort: boolean };

/** Arbitrary spellings of `url` that differ from it only by normalisable parts (never identical). */
export function htuSpellingArb(url: string): fc.Arbitrary<HtuSpelling> {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  const host = u.hostname;
  const hasLetters = /[a-z]/.test(host);
  const canAddPort = u.port === "" && (scheme === "http" || scheme === "https");
  const hostLength = hasLetters ? host.length : 0;
  return fc
    .record({
      schemeCase: fc.array(fc.boolean(), { minLength: scheme.length, maxLength: scheme.length }),
      hostCase: fc.array(fc.boolean(), { minLength: hostLength, maxLength: hostLength }),
      defaultPort: canAddPort ? fc.boolean() : fc.constant(false),
    })
    .map((s) =>
      spellHtu(url, s) === url ? { ...s, schemeCase: s.schemeCase.map(() => true) } : s,
    );
}

/** `url` written as `s` says: scheme/host letters upper-cased where true, `:80`/`:443` added. */
export function spellHtu(url: string, s: HtuSpelling): string {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  const up = (text: string, mask: boolean[]) =>
    [...text].map((ch, i) => (mask[i] ? ch.toUpperCase() : ch)).join("");
  const port =
    u.port !== "" ? `:${u.port}` : s.defaultPort ? (scheme === "https" ? ":443" : ":80") : "";
  const host = u.hostname.includes(":") ? u.hostname : up(u.hostname, s.hostCase);
  return `${up(scheme, s.schemeCase)}://${host}${port}${u.pathname}`;
}
