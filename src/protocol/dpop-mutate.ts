/**
 * Builds a mutated DPoP proof (dpop-mutations.ts): an otherwise valid proof by the
 * registered key for `htm` / `htu` (with `ath` for an access token) carrying the server's
 * nonce, with exactly one thing wrong.
 */
import type { JWK } from "jose";
import { createDpopProof } from "./dpop.ts";
import type { Mutation, MutationKeys } from "./dpop-mutations.ts";
import { algsForKey, publicJwk } from "./jwk.ts";
import {
  anySigner,
  encodeCompactJws,
  flipJwsBit,
  hmacSigner,
  keySigner,
  noneSigner,
} from "./jws.ts";
import { randomToken, sha256b64url } from "./random.ts";

/** A mutated proof and the errors a server may answer it with. */
export interface MutatedProof {
  value: string;
  /** `invalid_dpop_proof`, plus `use_dpop_nonce` when the nonce itself was damaged. */
  errors: string[];
}

export interface ProofBase {
  htm: string;
  htu: string;
  accessToken?: string;
  nonce: string | undefined;
}

const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");

/** The `DPoP` header value for mutation `m` (see the file header). */
export function mutateProof(m: Mutation, keys: MutationKeys, base: ProofBase): MutatedProof {
  const { key, alg } = keys;
  const invalid = ["invalid_dpop_proof"];
  const common = {
    key: { privateKey: key.privateKey, jwk: key.jwk },
    alg,
    htm: base.htm,
    htu: base.htu,
    ...(base.accessToken !== undefined ? { accessToken: base.accessToken } : {}),
    ...(base.nonce !== undefined ? { nonce: base.nonce } : {}),
  };
  const valid = () => createDpopProof(common);
  const claims = () => {
    const c: Record<string, unknown> = {
      jti: randomToken(16),
      htm: base.htm,
      htu: base.htu,
      iat: Math.floor(Date.now() / 1000),
    };
    if (base.accessToken !== undefined) c.ath = sha256b64url(base.accessToken);
    if (base.nonce !== undefined) c.nonce = base.nonce;
    return c;
  };
  const header = { typ: "dpop+jwt", jwk: publicJwk(key.jwk) };
  const proof = (value: string): MutatedProof => ({ value, errors: invalid });
  switch (m.t) {
    case "malformed":
      return proof(malformed(m.shape, valid(), alg, header, keys));
    case "multiple": {
      const first = valid();
      const list = [first];
      for (let i = 1; i < m.count; i++) list.push(m.same ? first : valid());
      return proof(list.join(", "));
    }
    case "typ":
      return proof(createDpopProof({ ...common, extraHeader: { typ: m.typ ?? undefined } }));
    case "alg-none":
      return proof(
        encodeCompactJws(
          { ...header, ...(m.emptyAlgCase ? { alg: "None" } : {}) },
          claims(),
          noneSigner,
        ),
      );
    case "hmac": {
      const secret =
        m.secret === "jwk-json"
          ? JSON.stringify(publicJwk(key.jwk))
          : m.secret === "spki-der"
            ? key.publicKey.export({ format: "der", type: "spki" })
            : m.secret === "spki-pem"
              ? (key.publicKey.export({ format: "pem", type: "spki" }) as string)
              : key.jkt;
      return proof(encodeCompactJws(header, claims(), hmacSigner(secret, m.alg)));
    }
    case "alg-not-allowed":
      if (m.alg === "ES384") {
        return proof(
          encodeCompactJws(
            { typ: "dpop+jwt", jwk: publicJwk(keys.p384.jwk) },
            claims(),
            anySigner(keys.p384.privateKey, "ES384"),
          ),
        );
      }
      return proof(encodeCompactJws(header, claims(), anySigner(key.privateKey, m.alg)));
    case "alg-mismatch":
      // An allowed alg that does not belong to the key: the signature cannot verify with it.
      return proof(
        createDpopProof({ ...common, alg: m.alg, signer: keySigner(key.privateKey, alg) }),
      );
    case "jwk":
      return proof(createDpopProof({ ...common, extraHeader: { jwk: badJwk(m.how, keys) } }));
    case "wrong-key":
      return proof(
        createDpopProof({
          ...common,
          key: { privateKey: keys.other.privateKey, jwk: keys.other.jwk },
          alg: algsForKey(keys.other.kind)[0]!,
        }),
      );
    case "flip": {
      const flipped = flipJwsBit(valid(), m.part, m.bit);
      if (m.part !== "payload" || base.nonce === undefined) return proof(flipped);
      // A flipped bit inside the nonce makes the proof stale as well as invalid: either
      // answer is then right.
      let nonce: unknown;
      try {
        nonce = JSON.parse(Buffer.from(flipped.split(".")[1]!, "base64url").toString("utf8")).nonce;
      } catch {
        nonce = undefined;
      }
      return {
        value: flipped,
        errors: nonce === base.nonce ? invalid : ["invalid_dpop_proof", "use_dpop_nonce"],
      };
    }
    case "htm":
      return proof(createDpopProof({ ...common, extraClaims: { htm: m.htm ?? undefined } }));
    case "htu":
      return proof(createDpopProof({ ...common, extraClaims: { htu: badHtu(m.how, base.htu) } }));
    case "iat": {
      const now = Math.floor(Date.now() / 1000);
      const w = keys.window;
      const iat =
        m.how === "old"
          ? now - w.maxAge - w.skew - m.by
          : m.how === "future"
            ? now + w.skew + m.by
            : undefined;
      return proof(createDpopProof({ ...common, extraClaims: { iat } }));
    }
    case "ath": {
      const token = base.accessToken ?? "";
      const ath =
        m.how === "absent"
          ? undefined
          : m.how === "other-token"
            ? sha256b64url(`${token}x`)
            : m.how === "hex"
              ? Buffer.from(sha256b64url(token), "base64url").toString("hex")
              : m.how === "empty"
                ? ""
                : token;
      return proof(createDpopProof({ ...common, extraClaims: { ath } }));
    }
  }
}

function malformed(
  shape: Extract<Mutation, { t: "malformed" }>["shape"],
  valid: string,
  alg: string,
  header: Record<string, unknown>,
  keys: MutationKeys,
): string {
  const [h, p, s] = valid.split(".") as [string, string, string];
  switch (shape) {
    case "garbage":
      return "not-a-jws";
    case "two-parts":
      return `${h}.${p}`;
    case "four-parts":
      return `${h}.${p}.${s}.${s}`;
    case "five-parts":
      return `${h}.${p}.${b64url("key")}.${b64url("iv")}.${s}`;
    case "padded":
      return `${h}.${p}.${s}==`;
    case "std-base64":
      return `${[h, p, s].map((x) => Buffer.from(x, "base64url").toString("base64")).join(".")}+/`;
    case "space":
      return `${h}.${p} .${s}`;
    case "raw-json-header":
      return `${JSON.stringify({ alg, ...header })}.${p}.${s}`;
    case "header-not-json": {
      const input = `${b64url("dpop+jwt")}.${p}`;
      return `${input}.${b64url(keySigner(keys.key.privateKey, alg).sign(Buffer.from(input)))}`;
    }
    case "payload-not-json":
      return encodeCompactJws(header, "not json", keySigner(keys.key.privateKey, alg));
  }
}

function badJwk(how: Extract<Mutation, { t: "jwk" }>["how"], keys: MutationKeys): unknown {
  const { key } = keys;
  switch (how) {
    case "absent":
      return undefined;
    case "null":
      return null;
    case "string":
      return JSON.stringify(publicJwk(key.jwk));
    case "array":
      return [publicJwk(key.jwk)];
    case "private":
      return key.privateKey.export({ format: "jwk" }) as JWK;
    case "symmetric":
      return { ...publicJwk(key.jwk), k: b64url("secret") };
    case "other-key":
      return publicJwk(keys.other.jwk);
  }
}

function badHtu(how: Extract<Mutation, { t: "htu" }>["how"], htu: string): string | undefined {
  const u = new URL(htu);
  const origin = `${u.protocol}//${u.host}`;
  const path = u.pathname;
  const out = {
    absent: undefined,
    relative: path,
    "other-path": `${origin}${path.replace(/\/?$/, "")}-other`,
    "trailing-slash": `${origin}${path}/`,
    "path-case": `${origin}${path === path.toUpperCase() ? path.toLowerCase() : path.toUpperCase()}`,
    "other-host": `${u.protocol}//dpop-elsewhere.example${u.port ? `:${u.port}` : ""}${path}`,
    "other-port": `${u.protocol}//${u.hostname}:${u.port ? Number(u.port) + 1 : 8443}${path}`,
    "other-scheme": `${u.protocol === "https:" ? "http" : "https"}://${u.host}${path}`,
  }[how];
  // path-case on a path without letters would not differ: another path then.
  return out === htu ? `${origin}${path}-other` : out;
}
