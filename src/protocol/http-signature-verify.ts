/**
 * RFC 9421 HTTP Message Signatures, the server's side: parsing `Signature-Input` and
 * `Signature`, and verifying a re-registration signature (RFC 9421 §3.2).
 */
import { constants, type KeyObject, verify } from "node:crypto";
import { verifyContentDigest } from "./content-digest.ts";
import { getHeader, type HeaderInput } from "./headers.ts";
import {
  ALG_KIND,
  DEFAULT_COMPONENTS,
  type HttpSignatureAlg,
  httpSignatureAlgsForKey,
  isHttpSignatureAlg,
  type MessageInput,
  signatureBase,
} from "./http-signature-base.ts";
import type { ParsedKey } from "./keys.ts";
import {
  type Dictionary,
  isByteSequence,
  isInnerList,
  type Parameters,
  parseDictionary,
  serializeInnerList,
} from "./structured-fields.ts";

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
