/**
 * RFC 9421 HTTP Message Signatures for signed re-registration: create (kit, here, with every
 * parameter settable so that a test can make one wrong) and verify (server,
 * http-signature-verify.ts). Supported algorithms: `ed25519`, `rsa-pss-sha512`,
 * `rsa-v1_5-sha256`, `ecdsa-p256-sha256` (raw r||s, RFC 9421 §3.3.4).
 */
import { constants, type KeyObject, sign, type webcrypto } from "node:crypto";
import { contentDigest } from "./content-digest.ts";
import { getHeader, type HeaderInput } from "./headers.ts";
import {
  DEFAULT_COMPONENTS,
  type HttpSignatureAlg,
  httpSignatureAlgsForKey,
  kindOfKeyObject,
  type MessageInput,
  signatureBase,
  toKeyObject,
} from "./http-signature-base.ts";
import { randomToken } from "./random.ts";
import {
  type BareItem,
  type InnerList,
  type Parameters,
  serializeDictionary,
  serializeInnerList,
} from "./structured-fields.ts";

export * from "./http-signature-base.ts";
export * from "./http-signature-verify.ts";

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
