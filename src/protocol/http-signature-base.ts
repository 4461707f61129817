/**
 * RFC 9421 HTTP Message Signatures, what signing (http-signature.ts) and verifying
 * (http-signature-verify.ts) share: the algorithms DTP allows, the components a
 * re-registration signature covers, and the signature base (RFC 9421 §2.5).
 */
import { KeyObject, type webcrypto } from "node:crypto";
import { getHeader, type HeaderInput } from "./headers.ts";
import type { KeyKind } from "./jwk.ts";

export type HttpSignatureAlg =
  | "ed25519"
  | "rsa-pss-sha512"
  | "rsa-v1_5-sha256"
  | "ecdsa-p256-sha256";
export const HTTP_SIGNATURE_ALGS: readonly HttpSignatureAlg[] = [
  "ed25519",
  "rsa-pss-sha512",
  "rsa-v1_5-sha256",
  "ecdsa-p256-sha256",
];

/** The components DTP requires a re-registration signature to cover. */
export const DEFAULT_COMPONENTS: readonly string[] = [
  "@method",
  "@target-uri",
  "content-digest",
  "content-type",
];

export const ALG_KIND: Readonly<Record<HttpSignatureAlg, KeyKind>> = {
  ed25519: "ed25519",
  "rsa-pss-sha512": "rsa",
  "rsa-v1_5-sha256": "rsa",
  "ecdsa-p256-sha256": "ec-p256",
};

/** The HTTP signature algorithms a key of this kind may use, preferred first. */
export function httpSignatureAlgsForKey(kind: KeyKind): HttpSignatureAlg[] {
  return HTTP_SIGNATURE_ALGS.filter((alg) => ALG_KIND[alg] === kind);
}

export function isHttpSignatureAlg(value: unknown): value is HttpSignatureAlg {
  return typeof value === "string" && (HTTP_SIGNATURE_ALGS as readonly string[]).includes(value);
}

// --- Signature base (RFC 9421 §2.5) ---------------------------------------------------

export interface MessageInput {
  readonly method: string;
  /** The full target URI (`https://host/register`). */
  readonly url: string;
  readonly headers: HeaderInput;
}

/** The value of one covered component, or `undefined` when the message lacks it. */
export function componentValue(message: MessageInput, name: string): string | undefined {
  if (name.startsWith("@")) {
    let url: URL;
    try {
      url = new URL(message.url);
    } catch {
      return undefined;
    }
    switch (name) {
      case "@method":
        return message.method;
      case "@target-uri":
        return url.href;
      case "@authority":
        return url.host;
      case "@scheme":
        return url.protocol.slice(0, -1);
      case "@path":
        return url.pathname === "" ? "/" : url.pathname;
      case "@query":
        return url.search === "" ? "?" : url.search;
      default:
        return undefined;
    }
  }
  const value = getHeader(message.headers, name);
  if (value === undefined) return undefined;
  // RFC 9421 §2.1: strip leading/trailing whitespace, replace obsolete line folding.
  return value
    .split(/\r?\n[ \t]+/)
    .join(" ")
    .trim();
}

export type SignatureBaseResult = { ok: true; base: string } | { ok: false; reason: string };

/**
 * Builds the signature base (RFC 9421 §2.5) for covered `components` and the serialised
 * `@signature-params` value (`("@method" ...);created=...`).
 */
export function signatureBase(
  message: MessageInput,
  components: readonly string[],
  signatureParams: string,
): SignatureBaseResult {
  const seen = new Set<string>();
  let base = "";
  for (const name of components) {
    if (seen.has(name)) return { ok: false, reason: `component "${name}" is covered twice` };
    seen.add(name);
    if (name === "@signature-params")
      return { ok: false, reason: '"@signature-params" cannot be covered' };
    if (name !== name.toLowerCase())
      return { ok: false, reason: `component "${name}" is not lowercase` };
    const value = componentValue(message, name);
    if (value === undefined)
      return { ok: false, reason: `component "${name}" is missing from the request` };
    base += `"${name}": ${value}\n`;
  }
  base += `"@signature-params": ${signatureParams}`;
  return { ok: true, base };
}

export function toKeyObject(key: KeyObject | webcrypto.CryptoKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

export function kindOfKeyObject(key: KeyObject): KeyKind | undefined {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return "rsa";
    case "ec":
      return key.asymmetricKeyDetails?.namedCurve === "prime256v1" ? "ec-p256" : undefined;
    case "ed25519":
      return "ed25519";
    default:
      return undefined;
  }
}
