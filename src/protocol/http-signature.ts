/**
 * RFC 9421 HTTP Message Signatures for signed re-registration: create (kit) and verify
 * (server). Supported algorithms: `ed25519`, `rsa-pss-sha512`, `rsa-v1_5-sha256`,
 * `ecdsa-p256-sha256` (raw r||s, RFC 9421 §3.3.4).
 */
import { constants, KeyObject, sign, verify, type webcrypto } from "node:crypto";
import { contentDigest, verifyContentDigest } from "./content-digest.ts";
import { getHeader, type HeaderInput } from "./headers.ts";
import type { KeyKind } from "./jwk.ts";
import type { ParsedKey } from "./keys.ts";
import { randomToken } from "./random.ts";
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  isByteSequence,
  isInnerList,
  type Parameters,
  parseDictionary,
  serializeDictionary,
  serializeInnerList,
} from "./structured-fields.ts";

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

const ALG_KIND: Readonly<Record<HttpSignatureAlg, KeyKind>> = {
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

// --- Signing (kit) --------------------------------------------------------------------

export interface SignRequestOptions extends MessageInput {
  readonly body: Uint8Array | string;
  /** The private key (node KeyObject or WebCrypto CryptoKey). */
  readonly key: KeyObject | webcrypto.CryptoKey;
  /** `keyid`; DTP uses the key's `jkt`. `null` omits it. */
  readonly keyid: string | null;
  /** Defaults to the first algorithm for the key; `null` omits the parameter. */
  readonly alg?: HttpSignatureAlg | null;
  /** Signing algorithm actually used, when it must differ from `alg` (mutation tests). */
  readonly signWith?: HttpSignatureAlg;
  /** Defaults to now; `null` omits the parameter. */
  readonly created?: number | null;
  /** Defaults to `created + 60`; `null` omits the parameter. */
  readonly expires?: number | null;
  /** Defaults to a random value; `null` omits the parameter. */
  readonly nonce?: string | null;
  readonly label?: string;
  readonly components?: readonly string[];
}

export interface SignedHeaders {
  "signature-input": string;
  signature: string;
  "content-digest": string;
}

function toKeyObject(key: KeyObject | webcrypto.CryptoKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

function kindOfKeyObject(key: KeyObject): KeyKind | undefined {
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

function signBytes(alg: HttpSignatureAlg, key: KeyObject, data: Buffer): Buffer {
  switch (alg) {
    case "ed25519":
      return sign(null, data, key);
    case "rsa-pss-sha512":
      return sign("sha512", data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 64,
      });
    case "rsa-v1_5-sha256":
      return sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING });
    case "ecdsa-p256-sha256":
      return sign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
  }
}

function verifyBytes(
  alg: HttpSignatureAlg,
  key: KeyObject,
  data: Buffer,
  signature: Uint8Array,
): boolean {
  try {
    switch (alg) {
      case "ed25519":
        return verify(null, data, key, signature);
      case "rsa-pss-sha512":
        return verify(
          "sha512",
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
          signature,
        );
      case "rsa-v1_5-sha256":
        return verify("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case "ecdsa-p256-sha256":
        return (
          signature.length === 64 &&
          verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature)
        );
    }
  } catch {
    return false;
  }
}

/**
 * Signs a request: returns the `Signature-Input`, `Signature` and `Content-Digest` field
 * values to send. A `content-digest` already in `headers` is used as is (so a test can
 * sign a wrong digest); otherwise it is computed from `body`.
 *
 * @example
 * const sig = signRequest({ method: "POST", url: `${issuer}/register`,
 *   headers: { "content-type": "application/x-www-form-urlencoded" }, body,
 *   key: device.privateKey, keyid: device.jkt });
 * await fetch(url, { method: "POST", body, headers: { ...sig, "content-type": ... } });
 */
export function signRequest(options: SignRequestOptions): SignedHeaders {
  const key = toKeyObject(options.key);
  const kind = kindOfKeyObject(key);
  if (kind === undefined) throw new TypeError("unsupported key for HTTP message signatures");
  const alg = options.alg === undefined ? httpSignatureAlgsForKey(kind)[0]! : options.alg;
  const signWith = options.signWith ?? alg ?? httpSignatureAlgsForKey(kind)[0]!;
  const created = options.created === undefined ? Math.floor(Date.now() / 1000) : options.created;
  const expires =
    options.expires === undefined
      ? (created ?? Math.floor(Date.now() / 1000)) + 60
      : options.expires;
  const nonce = options.nonce === undefined ? randomToken(16) : options.nonce;
  const label = options.label ?? "sig1";
  const components = options.components ?? DEFAULT_COMPONENTS;

  const digest = getHeader(options.headers, "content-digest") ?? contentDigest(options.body);
  const headers: HeaderInput = {
    ...headerRecord(options.headers, components),
    "content-digest": digest,
  };

  const params: Parameters = new Map<string, BareItem>();
  if (created !== null) params.set("created", created);
  if (expires !== null) params.set("expires", expires);
  if (nonce !== null) params.set("nonce", nonce);
  if (options.keyid !== null) params.set("keyid", options.keyid);
  if (alg !== null) params.set("alg", alg);
  const list: InnerList = {
    items: components.map((c) => ({ value: c, params: new Map() })),
    params,
  };
  const signatureParams = serializeInnerList(list);

  const base = signatureBase(
    { method: options.method, url: options.url, headers },
    components,
    signatureParams,
  );
  if (!base.ok) throw new TypeError(base.reason);
  const signature = signBytes(signWith, key, Buffer.from(base.base, "utf8"));
  return {
    "signature-input": serializeDictionary(new Map([[label, list]])),
    signature: serializeDictionary(
      new Map([[label, { value: new Uint8Array(signature), params: new Map() }]]),
    ),
    "content-digest": digest,
  };
}

function headerRecord(headers: HeaderInput, components: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of components) {
    if (name.startsWith("@")) continue;
    const value = getHeader(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

// --- Parsing and verifying (server) -----------------------------------------------------

export interface ParsedSignature {
  readonly label: string;
  readonly components: string[];
  /** The raw signature parameters (`created`, `expires`, `nonce`, `keyid`, `alg`, ...). */
  readonly params: Parameters;
  /** The serialised `@signature-params` value. */
  readonly signatureParams: string;
  readonly signature: Uint8Array;
}

export type ParseSignatureResult = ({ ok: true } & ParsedSignature) | { ok: false; reason: string };

/**
 * Parses `Signature-Input` and `Signature`. Without `label`, the first label of
 * `Signature-Input` is used.
 */
export function parseSignatureHeaders(headers: HeaderInput, label?: string): ParseSignatureResult {
  const inputValue = getHeader(headers, "signature-input");
  const sigValue = getHeader(headers, "signature");
  if (inputValue === undefined) return { ok: false, reason: "Signature-Input is missing" };
  if (sigValue === undefined) return { ok: false, reason: "Signature is missing" };
  let inputs: Dictionary;
  let signatures: Dictionary;
  try {
    inputs = parseDictionary(inputValue);
  } catch (e) {
    return {
      ok: false,
      reason: `Signature-Input is not a structured dictionary: ${(e as Error).message}`,
    };
  }
  try {
    signatures = parseDictionary(sigValue);
  } catch (e) {
    return {
      ok: false,
      reason: `Signature is not a structured dictionary: ${(e as Error).message}`,
    };
  }
  const chosen = label ?? inputs.keys().next().value;
  if (chosen === undefined) return { ok: false, reason: "Signature-Input is empty" };
  const input = inputs.get(chosen);
  const sig = signatures.get(chosen);
  if (input === undefined) return { ok: false, reason: `Signature-Input has no "${chosen}"` };
  if (sig === undefined) return { ok: false, reason: `Signature has no "${chosen}"` };
  if (!isInnerList(input))
    return { ok: false, reason: `Signature-Input "${chosen}" is not an inner list` };
  if (isInnerList(sig) || !isByteSequence(sig.value))
    return { ok: false, reason: `Signature "${chosen}" is not a byte sequence` };
  const components: string[] = [];
  for (const item of input.items) {
    if (typeof item.value !== "string")
      return { ok: false, reason: "Signature-Input components must be strings" };
    if (item.params.size > 0)
      return { ok: false, reason: `component parameters are not supported ("${item.value}")` };
    components.push(item.value);
  }
  return {
    ok: true,
    label: chosen,
    components,
    params: input.params,
    signatureParams: serializeInnerList(input),
    signature: sig.value,
  };
}

export interface VerifyRequestOptions extends MessageInput {
  readonly body: Uint8Array | string;
  /** The registered key. */
  readonly key: Pick<ParsedKey, "kind" | "keyObject">;
  /** Current time, seconds. */
  readonly now: number;
  /** `signature_max_age`, seconds. */
  readonly maxAge: number;
  /** `dtp_clock_skew`, seconds. */
  readonly skew: number;
  readonly requiredComponents?: readonly string[];
  /** Require a `nonce` parameter (default true, as DTP does). */
  readonly requireNonce?: boolean;
  readonly label?: string;
}

export interface VerifiedSignatureParams {
  readonly label: string;
  readonly components: string[];
  readonly created: number;
  readonly expires: number;
  readonly nonce: string | undefined;
  readonly keyid: string;
  readonly alg: HttpSignatureAlg;
}

export type VerifyRequestResult =
  | { ok: true; params: VerifiedSignatureParams }
  | { ok: false; reason: string };

/**
 * Verifies a signed request against the registered key. Checks, in order: the headers
 * parse; the required components are covered; `created`, `expires`, `keyid` (and `nonce`)
 * are present and typed; the times are in range; `alg` suits the key (when absent, it is
 * derived from an Ed25519 or EC key; RSA keys need it); `Content-Digest` matches the
 * body; the signature verifies. It does NOT check that `keyid` names the device's key
 * nor that the nonce is unused: the caller does both with the returned params.
 */
export function verifyRequestSignature(options: VerifyRequestOptions): VerifyRequestResult {
  const parsed = parseSignatureHeaders(options.headers, options.label);
  if (!parsed.ok) return parsed;
  const fail = (reason: string): VerifyRequestResult => ({ ok: false, reason });

  for (const required of options.requiredComponents ?? DEFAULT_COMPONENTS) {
    if (!parsed.components.includes(required))
      return fail(`signature does not cover "${required}"`);
  }
  const p = parsed.params;
  const created = p.get("created");
  const expires = p.get("expires");
  const keyid = p.get("keyid");
  const nonce = p.get("nonce");
  const algParam = p.get("alg");
  if (created === undefined) return fail('"created" is missing');
  if (typeof created !== "number") return fail('"created" is not an integer');
  if (expires === undefined) return fail('"expires" is missing');
  if (typeof expires !== "number") return fail('"expires" is not an integer');
  if (keyid === undefined) return fail('"keyid" is missing');
  if (typeof keyid !== "string") return fail('"keyid" is not a string');
  if (nonce !== undefined && typeof nonce !== "string") return fail('"nonce" is not a string');
  if (nonce === undefined && options.requireNonce !== false) return fail('"nonce" is missing');

  const { now, maxAge, skew } = options;
  if (created > now + skew) return fail('"created" is in the future');
  if (created < now - maxAge - skew) return fail('"created" is too old');
  if (expires <= now - skew) return fail("signature has expired");

  let alg: HttpSignatureAlg;
  if (algParam === undefined) {
    if (options.key.kind === "rsa") return fail('"alg" is required for RSA keys');
    alg = httpSignatureAlgsForKey(options.key.kind)[0]!;
  } else if (!isHttpSignatureAlg(algParam)) {
    return fail(`"alg" ${typeof algParam === "string" ? `"${algParam}" ` : ""}is not supported`);
  } else if (ALG_KIND[algParam] !== options.key.kind) {
    return fail(`"alg" ${algParam} does not match the ${options.key.kind} key`);
  } else {
    alg = algParam;
  }

  if (parsed.components.includes("content-digest")) {
    const digest = verifyContentDigest(getHeader(options.headers, "content-digest"), options.body);
    if (!digest.ok) return fail(digest.reason);
  }

  const base = signatureBase(options, parsed.components, parsed.signatureParams);
  if (!base.ok) return fail(base.reason);
  if (!verifyBytes(alg, options.key.keyObject, Buffer.from(base.base, "utf8"), parsed.signature))
    return fail("signature is invalid");

  return {
    ok: true,
    params: {
      label: parsed.label,
      components: parsed.components,
      created,
      expires,
      nonce,
      keyid,
      alg,
    },
  };
}
