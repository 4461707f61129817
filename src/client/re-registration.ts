/**
 * Signed re-registration (DTP, RFC 9421 + RFC 9530): a device that registered a key sends
 * `POST /register` again with an HTTP Message Signature over `@method @target-uri
 * content-digest content-type` (`created`, `expires`, `nonce`, `keyid` = its `jkt`), and is
 * approved at once. Every parameter of the signature can be set (`SignKnobs`) so that a
 * check can make one of them wrong.
 */
import type { KeyObject } from "node:crypto";
import type { HttpResponse } from "../check/http.ts";
import {
  type HttpSignatureAlg,
  httpSignatureAlgsForKey,
  signRequest,
} from "../protocol/http-signature.ts";
import { randomToken } from "../protocol/random.ts";
import type { Device, Registration } from "./device.ts";
import { readRegistration } from "./device.ts";
import { declaredList, endpoint } from "./metadata.ts";
import { ownerOf } from "./owners.ts";

export type { HttpSignatureAlg };

export const FORM_TYPE = "application/x-www-form-urlencoded";

/** Every knob of a signed re-registration; omitted = the valid value. */
export interface SignKnobs {
  /** `null` omits the parameter. */
  created?: number | null;
  expires?: number | null;
  nonce?: string | null;
  keyid?: string | null;
  /** The declared `alg` parameter (any string, for mutations); `null` omits it. */
  alg?: string | null;
  /** The algorithm the signature bytes are actually made with. */
  signWith?: HttpSignatureAlg;
  /** The signature label (default `sig1`). */
  label?: string;
  components?: readonly string[];
  /** Sign with this private key instead of the device's. */
  key?: KeyObject;
  /** The method / target URI / content type / Content-Digest that are signed. */
  method?: string;
  url?: string;
  contentType?: string;
  contentDigest?: string;
}

export interface SignedRequest {
  body: string;
  /** authorization (or none), content-type, content-digest, signature-input, signature. */
  headers: Record<string, string>;
  nonce: string | null;
}

/** A form body exactly as it is sent (and signed). */
export function encodeForm(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return params.toString();
}

/** The HTTP signature algorithms the server declares for the device's key, preferred first. */
export function signatureAlgsFor(device: Device): HttpSignatureAlg[] {
  if (!device.key) return [];
  const declared = declaredList(device.ctx.target, "dtp_http_signature_algs_supported");
  return httpSignatureAlgsForKey(device.key.kind).filter((a) => declared.includes(a));
}

/**
 * The re-registration request of `device` before it is signed: `form` (default: the form
 * it registered with, key fields included) encoded, with the device's client authentication.
 */
export async function unsignedReRegistration(
  device: Device,
  form?: Record<string, string | undefined>,
): Promise<{ body: string; headers: Record<string, string> }> {
  const fields = { ...(form ?? (await device.registrationForm())) };
  const headers: Record<string, string> = {};
  device.auth.apply({ headers, form: fields }, device.ctx.target, nowSeconds(device));
  return { body: encodeForm(fields), headers };
}

/**
 * Signs `req` (its body as it will be sent, unless a knob signs something else) as a
 * re-registration of `device`, with `knobs` applied: the request with the signature headers.
 */
export function signBody(
  device: Device,
  req: { body: string; headers: Record<string, string> },
  knobs: SignKnobs = {},
): SignedRequest {
  const { ctx } = device;
  if (!device.key) throw new Error(`${device.clientId} has no key to sign with`);
  const now = nowSeconds(device);
  const alg = signatureAlgsFor(device)[0] ?? httpSignatureAlgsForKey(device.key.kind)[0]!;
  const created = knobs.created === undefined ? now : knobs.created;
  const expires = knobs.expires === undefined ? Math.max(now, created ?? now) + 60 : knobs.expires;
  const nonce = knobs.nonce === undefined ? randomToken(16) : knobs.nonce;
  const signHeaders: Record<string, string> = { "content-type": knobs.contentType ?? FORM_TYPE };
  if (knobs.contentDigest !== undefined) signHeaders["content-digest"] = knobs.contentDigest;
  const sig = signRequest({
    method: knobs.method ?? "POST",
    url: knobs.url ?? endpoint(ctx.target, "device_authorization_endpoint"),
    headers: signHeaders,
    body: req.body,
    key: knobs.key ?? device.key.privateKey,
    keyid: knobs.keyid === undefined ? device.key.jkt : knobs.keyid,
    // Mutations declare arbitrary algorithm names; the bytes are made with `signWith`.
    alg: (knobs.alg === undefined ? alg : knobs.alg) as HttpSignatureAlg | null,
    signWith: knobs.signWith ?? alg,
    created,
    expires,
    nonce,
    ...(knobs.label !== undefined ? { label: knobs.label } : {}),
    ...(knobs.components !== undefined ? { components: knobs.components } : {}),
  });
  return {
    body: req.body,
    nonce,
    headers: {
      ...req.headers,
      "content-type": FORM_TYPE,
      "content-digest": sig["content-digest"],
      "signature-input": sig["signature-input"],
      signature: sig.signature,
    },
  };
}

/**
 * Signs a re-registration of `device`: `form` (default: the form it registered with, key
 * fields included) with `knobs` applied, and the device's client authentication.
 */
export async function signReRegistration(
  device: Device,
  knobs: SignKnobs = {},
  form?: Record<string, string | undefined>,
): Promise<SignedRequest> {
  return signBody(device, await unsignedReRegistration(device, form), knobs);
}

function nowSeconds(device: Device): number {
  return Math.floor(device.ctx.clock.now() / 1000);
}

/** Sends a (signed, or deliberately damaged) re-registration as is. */
export function sendSigned(
  device: Device,
  req: { body: string; headers: Record<string, string> },
  label = "signed re-registration",
): Promise<HttpResponse> {
  return device.ctx.http.request({
    method: "POST",
    url: endpoint(device.ctx.target, "device_authorization_endpoint"),
    headers: req.headers,
    body: req.body,
    label,
  });
}

/**
 * Re-registers with a valid signature; fails the signed re-registration's owner (or
 * `requirement`) unless it is accepted at once. Poll it with `device.waitForTokens(reg)`.
 *
 * @example
 * const reg = await reRegister(printer);
 * const tokens = await printer.waitForTokens(reg); // approved without an administrator
 */
export async function reRegister(
  device: Device,
  options: { requirement?: string; label?: string; knobs?: SignKnobs } = {},
): Promise<Registration> {
  const signed = await signReRegistration(device, options.knobs);
  const res = await sendSigned(device, signed, options.label);
  const reg = readRegistration(
    res,
    device.clientId,
    ownerOf("signedReRegistration", options.requirement),
  );
  return { ...reg, signed: true };
}
