/**
 * Broken protocol verifiers (for the fixture's `verifiers`): each one is the real verifier
 * with one check missing, so that a fault breaks exactly one thing.
 *
 * "Accepting an unsigned or HMAC-signed JWT" is modelled by re-signing the claims with a
 * throwaway key and handing that to the real verifier (every other check still runs), then
 * reporting the original key: what a JWT library that trusts the header's `alg` does.
 */
import {
  constants,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  verify,
} from "node:crypto";
import type { JWK } from "jose";
import {
  type VerifyClientAssertionOptions,
  verifyClientAssertion,
} from "../../../src/protocol/assertion.ts";
import { type VerifyDpopResult, verifyDpopProof } from "../../../src/protocol/dpop.ts";
import {
  parseSignatureHeaders,
  signatureBase,
  type VerifyRequestOptions,
  type VerifyRequestResult,
  verifyRequestSignature,
} from "../../../src/protocol/http-signature.ts";
import { jwkThumbprint } from "../../../src/protocol/jwk.ts";
import { encodeCompactJws, keySigner } from "../../../src/protocol/jws.ts";
import { jwtHeader, jwtPayload } from "./_lib.ts";

const throwaway = generateKeyPairSync("ec", { namedCurve: "P-256" });
const throwawayJwk = throwaway.publicKey.export({ format: "jwk" }) as JWK;

/** The claims of `jwt` re-signed ES256 by the throwaway key, header members kept. */
function resign(jwt: string, claimsPatch: Record<string, unknown> = {}): string | undefined {
  const header = jwtHeader(jwt);
  const claims = jwtPayload(jwt);
  if (!header || !claims) return undefined;
  return encodeCompactJws(
    { ...header, alg: "ES256", jwk: header.jwk === undefined ? undefined : throwawayJwk },
    { ...claims, ...claimsPatch },
    keySigner(throwaway.privateKey, "ES256"),
  );
}

/** True when the HS256 signature of `jwt` verifies with `secret`. */
function hmacVerifies(jwt: string, secret: string | Buffer): boolean {
  const [h, p, s] = jwt.split(".");
  if (h === undefined || p === undefined || s === undefined) return false;
  const mac = createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  return mac === s;
}

/** The PEM of a JWK's public key (the classic HS256 key-confusion secret), or undefined. */
function pemOfJwk(jwk: unknown): string | undefined {
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    return key.export({ format: "pem", type: "spki" }) as string;
  } catch {
    return undefined;
  }
}

// ——— DPoP proofs ———

type DpopVerifier = typeof verifyDpopProof;

/** Trusts the proof when `trust(header, proof)`; every claim check still applies. */
function dpopTrusting(
  trust: (header: Record<string, unknown>, proof: string) => boolean,
): DpopVerifier {
  return async (proof, options): Promise<VerifyDpopResult> => {
    const header = jwtHeader(proof);
    if (!header || !trust(header, proof)) return verifyDpopProof(proof, options);
    const jwk = header.jwk as JWK | undefined;
    const resigned = resign(proof);
    if (!jwk || typeof jwk !== "object" || !resigned) return verifyDpopProof(proof, options);
    const result = await verifyDpopProof(resigned, options);
    if (!result.ok) return result;
    let jkt: string;
    try {
      jkt = jwkThumbprint(jwk);
    } catch {
      return { ok: false, error: "invalid_dpop_proof", reason: '"jwk" is not a public key' };
    }
    return { ...result, jkt, jwk, alg: String(header.alg) };
  };
}

/** Accepts unsigned proofs (`alg: none`, any case). */
export const dpopAcceptingNone: DpopVerifier = dpopTrusting(
  (h) => typeof h.alg === "string" && h.alg.toLowerCase() === "none",
);

/** Accepts HS256 proofs whose HMAC key is the PEM of the proof's own `jwk`. */
export const dpopAcceptingHs256: DpopVerifier = dpopTrusting((h, proof) => {
  const pem = h.alg === "HS256" ? pemOfJwk(h.jwk) : undefined;
  return pem !== undefined && hmacVerifies(proof, pem);
});

/** Does not compare `htm` with the request method. */
export const dpopIgnoringHtm: DpopVerifier = (proof, options) => {
  const htm = jwtPayload(proof)?.htm;
  return verifyDpopProof(proof, { ...options, htm: typeof htm === "string" ? htm : options.htm });
};

/** Does not check `iat` against the clock. */
export const dpopIgnoringIat: DpopVerifier = (proof, options) => {
  const iat = jwtPayload(proof)?.iat;
  return verifyDpopProof(proof, { ...options, now: typeof iat === "number" ? iat : options.now });
};

/** Compares `htu` byte for byte (query and fragment dropped): no RFC 3986 normalisation. */
export const dpopHtuByteForByte: DpopVerifier = (proof, options) => {
  const htu = jwtPayload(proof)?.htu;
  const bare = (u: string) => u.split(/[?#]/)[0];
  if (typeof htu === "string" && bare(htu) !== bare(options.htu)) {
    return Promise.resolve({ ok: false, error: "invalid_dpop_proof", reason: '"htu" differs' });
  }
  return verifyDpopProof(proof, options);
};

/** Accepts proofs an hour older than `dpop_proof_max_age` plus skew (its own wider window). */
export const dpopWideWindow: DpopVerifier = (proof, options) =>
  verifyDpopProof(proof, { ...options, maxAge: options.maxAge + 3600 });

/** Does not check `ath` (the proof is not bound to the access token). */
export const dpopIgnoringAth: DpopVerifier = (proof, options) => {
  const { accessToken: _ignored, ...rest } = options;
  return verifyDpopProof(proof, rest);
};

// ——— client assertions ———

type AssertionVerifier = typeof verifyClientAssertion;

function throwawayParsedKey(): VerifyClientAssertionOptions["key"] {
  return { kind: "ec-p256", keyObject: throwaway.publicKey };
}

/** Trusts the assertion when `trust(header, jwt, options)`; the claim checks still apply. */
function assertionTrusting(
  trust: (header: Record<string, unknown>, jwt: string, o: VerifyClientAssertionOptions) => boolean,
): AssertionVerifier {
  return (jwt, options) => {
    const header = jwtHeader(jwt);
    const resigned = header && trust(header, jwt, options) ? resign(jwt) : undefined;
    return resigned
      ? verifyClientAssertion(resigned, { ...options, key: throwawayParsedKey() })
      : verifyClientAssertion(jwt, options);
  };
}

/** Accepts unsigned assertions (`alg: none`, any case). */
export const assertionAcceptingNone: AssertionVerifier = assertionTrusting(
  (h) => typeof h.alg === "string" && h.alg.toLowerCase() === "none",
);

/** Accepts HS256 assertions keyed with the PEM of the client's registered public key. */
export const assertionAcceptingHs256: AssertionVerifier = assertionTrusting(
  (h, jwt, o) =>
    h.alg === "HS256" &&
    hmacVerifies(jwt, o.key.keyObject.export({ format: "pem", type: "spki" }) as string),
);

/** Takes the assertion's own `aud` (a string, or an array's first value) as the audience. */
export const assertionIgnoringAud: AssertionVerifier = (jwt, options) => {
  const aud = jwtPayload(jwt)?.aud;
  const first = Array.isArray(aud) ? aud[0] : aud;
  return verifyClientAssertion(jwt, {
    ...options,
    issuer: typeof first === "string" ? first : options.issuer,
  });
};

/** Checks `iss` but not `sub`. */
export const assertionIgnoringSub: AssertionVerifier = async (jwt, options) => {
  const result = await verifyClientAssertion(jwt, options);
  if (result.ok || !result.reason.startsWith('"sub"')) return result;
  // The signature verified (it is checked before the claims): only `sub` was wrong.
  const resigned = resign(jwt, { sub: options.clientId });
  return resigned
    ? verifyClientAssertion(resigned, { ...options, key: throwawayParsedKey() })
    : result;
};

/** Accepts RS256 / PS256 assertions unverified (an allow-list of algs with a key fallback). */
export const assertionAcceptingRsa: AssertionVerifier = assertionTrusting(
  (h) => h.alg === "RS256" || h.alg === "PS256",
);

/** Checks `sub` but not `iss`. */
export const assertionIgnoringIss: AssertionVerifier = async (jwt, options) => {
  const result = await verifyClientAssertion(jwt, options);
  if (result.ok || !result.reason.startsWith('"iss"')) return result;
  const resigned = resign(jwt, { iss: options.clientId });
  return resigned
    ? verifyClientAssertion(resigned, { ...options, key: throwawayParsedKey() })
    : result;
};

/** Also takes a URL under the issuer (the token endpoint URL) as the audience. */
export const assertionAcceptingUrlUnderIssuer: AssertionVerifier = (jwt, options) => {
  const aud = jwtPayload(jwt)?.aud;
  const under = typeof aud === "string" && aud.startsWith(`${options.issuer}/`);
  return verifyClientAssertion(jwt, { ...options, issuer: under ? aud : options.issuer });
};

/** Accepts an assertion without `jti` (the signature and every other claim still checked). */
export const assertionWithoutJti: AssertionVerifier = async (jwt, options) => {
  const result = await verifyClientAssertion(jwt, options);
  if (result.ok || result.reason !== '"jti" is missing') return result;
  const resigned = resign(jwt, { jti: `no-jti-${Date.now()}-${Math.random()}` });
  return resigned
    ? verifyClientAssertion(resigned, { ...options, key: throwawayParsedKey() })
    : result;
};

/** Judges expiry from the assertion's own `iat` (so an expired assertion is still valid). */
export const assertionIgnoringExpiry: AssertionVerifier = (jwt, options) => {
  const iat = jwtPayload(jwt)?.iat;
  return verifyClientAssertion(jwt, {
    ...options,
    now: typeof iat === "number" ? iat : options.now,
  });
};

// ——— HTTP message signatures ———

type SignatureVerifier = typeof verifyRequestSignature;

const HASH = {
  "rsa-pss-sha512": "sha512",
  "rsa-v1_5-sha256": "sha256",
  "ecdsa-p256-sha256": "sha256",
  ed25519: null,
} as const;

/** The signature alone over the received headers (no Content-Digest against the body). */
function signatureVerifies(options: VerifyRequestOptions, alg: keyof typeof HASH): boolean {
  const parsed = parseSignatureHeaders(options.headers, options.label);
  if (!parsed.ok) return false;
  const base = signatureBase(options, parsed.components, parsed.signatureParams);
  if (!base.ok) return false;
  const data = Buffer.from(base.base, "utf8");
  const key = options.key.keyObject;
  try {
    if (alg === "ed25519") return verify(null, data, key, parsed.signature);
    if (alg === "ecdsa-p256-sha256")
      return verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, parsed.signature);
    if (alg === "rsa-pss-sha512")
      return verify(
        "sha512",
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
        parsed.signature,
      );
    return verify(HASH[alg], data, key, parsed.signature);
  } catch {
    return false;
  }
}

/** Verifies the signature over the `Content-Digest` header but never re-hashes the body. */
export const signatureTrustingDigest: SignatureVerifier = (options): VerifyRequestResult => {
  const result = verifyRequestSignature(options);
  if (result.ok || !/Content-Digest .*does not match the body/.test(result.reason)) return result;
  // Every check before the digest passed; check the signature alone.
  const parsed = parseSignatureHeaders(options.headers, options.label);
  if (!parsed.ok) return parsed;
  const p = parsed.params;
  const alg = p.get("alg");
  if (typeof alg !== "string" || !(alg in HASH)) return result;
  if (!signatureVerifies(options, alg as keyof typeof HASH))
    return { ok: false, reason: "signature is invalid" };
  const nonce = p.get("nonce");
  return {
    ok: true,
    params: {
      label: parsed.label,
      components: parsed.components,
      created: p.get("created") as number,
      expires: p.get("expires") as number,
      nonce: typeof nonce === "string" ? nonce : undefined,
      keyid: p.get("keyid") as string,
      alg: alg as keyof typeof HASH,
    },
  };
};

/** Reports the registered key's own thumbprint as `keyid`, whatever the request said. */
export const signatureIgnoringKeyid: SignatureVerifier = (options) => {
  const result = verifyRequestSignature(options);
  if (!result.ok) return result;
  const jwk = options.key.keyObject.export({ format: "jwk" }) as JWK;
  return { ok: true, params: { ...result.params, keyid: jwkThumbprint(jwk) } };
};

/** Judges `created` / `expires` from the signature's own `created` (no time window). */
export const signatureIgnoringTimes: SignatureVerifier = (options) => {
  const parsed = parseSignatureHeaders(options.headers, options.label);
  const created = parsed.ok ? parsed.params.get("created") : undefined;
  return verifyRequestSignature(
    typeof created === "number" ? { ...options, now: created } : options,
  );
};

/** `expires` up to 60 s in the past is still accepted (whatever skew the server declares). */
export const signatureExpiresLate: SignatureVerifier = (options) => {
  const parsed = parseSignatureHeaders(options.headers, options.label);
  const expires = parsed.ok ? parsed.params.get("expires") : undefined;
  const late =
    typeof expires === "number" &&
    expires <= options.now - options.skew &&
    expires > options.now - 60;
  return verifyRequestSignature(late ? { ...options, now: expires + options.skew - 1 } : options);
};
