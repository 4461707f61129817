/**
 * Forgeries of a genuine JWT access token for negative tests (RFC 8725 §2.1, §3.1; RFC
 * 9068 §4): a flipped bit, an unknown b64token, `alg` none (any case), HS256 keyed with the
 * server's public key (PEM, DER, JWK JSON, raw point), changed claims or `typ` with the
 * original signature, an ES256 signature by another key (with the server's `kid`, or the
 * attacker's key in a `jwk` or `jku` header). A resource must refuse every one.
 */
import { createPublicKey, type JsonWebKey } from "node:crypto";
import fc from "fast-check";
import type { JWK } from "jose";
import {
  decodeJwsJson,
  encodeCompactJws,
  flipJwsBit,
  hmacSigner,
  keySigner,
  noneSigner,
} from "./jws.ts";
import type { DeviceKey } from "./keys.ts";

export type ForgeryKind = "flip" | "unknown" | "alg-none" | "hmac" | "claim" | "typ" | "other-key";

export interface Forgery {
  kind: ForgeryKind;
  /** For messages: "alg \"none\" without a signature", … */
  what: string;
  token: string;
  /** The changed claim (kind "claim"). */
  claim?: string;
}

export interface ForgeryInputs {
  /** A genuine access token (a compact JWS). */
  genuine: string;
  /** The server's public signing key (from its JWK Set), if any. */
  serverKey?: JsonWebKey | undefined;
  /** A key of the attacker (EC P-256). */
  attacker: DeviceKey;
  issuer: string;
}

/**
 * The fixed forgeries (each one of every kind; a bit flip per part) and an arbitrary that
 * also draws random bit flips and unknown tokens. Undefined when `genuine` is not a JWT.
 */
export function tokenForgeries(
  inputs: ForgeryInputs,
): { fixed: Forgery[]; arb: fc.Arbitrary<Forgery> } | undefined {
  const { genuine, attacker, issuer } = inputs;
  const [h = "", p = "", sig = ""] = genuine.split(".");
  const header = decodeJwsJson(h);
  const claims = decodeJwsJson(p);
  if (!header || !claims) return undefined;
  const flip = (part: "header" | "payload" | "signature", bit: number): Forgery => ({
    kind: "flip",
    what: `one bit flipped in the ${part}`,
    token: flipJwsBit(genuine, part, bit),
  });
  const unsigned = ["none", "None", "NONE"].map(
    (alg): Forgery => ({
      kind: "alg-none",
      what: `alg "${alg}" without a signature`,
      token: encodeCompactJws({ ...header, alg }, claims, noneSigner),
    }),
  );
  const hmac = publicKeySecrets(inputs.serverKey).map(
    ([name, secret]): Forgery => ({
      kind: "hmac",
      what: `HS256 keyed with the server's public key (${name})`,
      token: encodeCompactJws({ ...header, alg: "HS256" }, claims, hmacSigner(secret)),
    }),
  );
  const changes: [string, Record<string, unknown>][] = [
    ["iss", { iss: `${issuer}/other` }],
    ["iss", { iss: "https://attacker.example" }],
    ["aud", { aud: "https://attacker.example" }],
    ["aud", { aud: [issuer, "https://attacker.example"] }],
    ["exp", { exp: Number(claims.exp) + 3600 }],
    ["sub", { sub: "someone-else" }],
    ["scope", { scope: "me login tokens service" }],
    ["dtp_kind", { dtp_kind: "service" }],
  ];
  const changedClaims = changes.map(
    ([name, change]): Forgery => ({
      kind: "claim",
      claim: name,
      // A stable label (a case is replayed by it): the new exp depends on the token.
      what: `"${name}" changed to ${name === "exp" ? "one hour later" : JSON.stringify(change[name])}, original signature kept`,
      token: `${h}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString("base64url")}.${sig}`,
    }),
  );
  const changedTyp = ["JWT", "dpop+jwt", "jwt", undefined].map(
    (typ): Forgery => ({
      kind: "typ",
      what: `header typ ${JSON.stringify(typ) ?? "absent"}, original signature kept`,
      token: `${Buffer.from(JSON.stringify({ ...header, typ })).toString("base64url")}.${p}.${sig}`,
    }),
  );
  const otherKey = (
    [
      ["the server's kid", { kid: header.kid }],
      ["the attacker's key in a jwk header", { kid: undefined, jwk: attacker.jwk as JWK }],
      ["a jku header", { jku: "https://attacker.example/jwks" }],
    ] as [string, Record<string, unknown>][]
  ).map(
    ([name, extra]): Forgery => ({
      kind: "other-key",
      what: `signed by another ES256 key (${name})`,
      token: encodeCompactJws(
        { ...header, alg: "ES256", ...extra },
        claims,
        keySigner(attacker.privateKey, "ES256"),
      ),
    }),
  );
  const arb = fc.oneof(
    fc
      .tuple(fc.constantFrom("header" as const, "payload" as const, "signature" as const), fc.nat())
      .map(([part, bit]) => flip(part, bit)),
    fc
      .stringMatching(/^[A-Za-z0-9._~+/-]{1,120}=*$/)
      .map((token): Forgery => ({ kind: "unknown", what: "an unknown b64token", token })),
    fc.constantFrom(...unsigned),
    ...(hmac.length > 0 ? [fc.constantFrom(...hmac)] : []),
    fc.constantFrom(...changedClaims),
    fc.constantFrom(...changedTyp),
    fc.constantFrom(...otherKey),
  );
  const fixed = [
    ...(["header", "payload", "signature"] as const).map((part) => flip(part, 13)),
    ...unsigned,
    ...hmac,
    ...changedClaims,
    ...changedTyp,
    ...otherKey,
  ];
  return { fixed, arb };
}

/** The server's public key in every encoding an HMAC attack might use as the secret. */
function publicKeySecrets(key: JsonWebKey | undefined): [string, Uint8Array | string][] {
  if (!key) return [];
  const pub = createPublicKey({ key, format: "jwk" });
  const out: [string, Uint8Array | string][] = [
    ["PEM", pub.export({ type: "spki", format: "pem" }) as string],
    ["DER", pub.export({ type: "spki", format: "der" })],
    ["JWK JSON", JSON.stringify(key)],
  ];
  if (key.x && key.y) {
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(key.x, "base64url"),
      Buffer.from(key.y, "base64url"),
    ]);
    out.push(["raw EC point", point]);
  }
  return out;
}
