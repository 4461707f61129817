/**
 * Shared pieces of the DTP-DPOP checks: keyed devices with DPoP-bound tokens, sending a
 * request with a hand-made proof (server nonces handled as a client would), the
 * expectations at `/token` (400 OAuth error) and at a resource (401 `DPoP` challenge, with
 * the `algs` of DTP-DPOP-016), and the catalogue of proof mutations the properties draw from.
 */
import { constants, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import fc from "fast-check";
import type { JWK } from "jose";
import type { CheckContext } from "../../src/check/check.ts";
import {
  expectOAuthError,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import {
  applyClientAuth,
  DEVICE_CODE_GRANT,
  type DpopSession,
  dpopSession,
  endpoint,
  introspect,
  oauthPublicClient,
  peekJwt,
  pollUntilFinal,
  readTokens,
  refresh,
  register,
  rememberNonce,
  type TokenSet,
} from "../../src/client/legacy/index.ts";
import {
  algsForKey,
  createDpopProof,
  type DeviceKey,
  encodeCompactJws,
  flipJwsBit,
  generateDeviceKey,
  hmacSigner,
  type JwsSigner,
  type KeyKind,
  type KeyType,
  keySigner,
  noneSigner,
  publicJwk,
  randomToken,
  sha256b64url,
} from "../../src/protocol/index.ts";
import { parseChallenges } from "../../src/protocol/www-authenticate.ts";

// ——— what the target declares ———

/** `dpop_signing_alg_values_supported` as declared (strings only). */
export function dpopAlgs(ctx: CheckContext): string[] {
  const v = ctx.target.metadata.dpop_signing_alg_values_supported;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * The proof acceptance window: `dtp_lifetimes.dpop_proof_max_age` and `dtp_clock_skew` as
 * declared. A target that declares neither (a plain RFC 9449 server) gets generous values
 * (1 h, 5 min) so that a proof called "too old" or "in the future" surely is.
 */
export function proofWindow(ctx: CheckContext): { maxAge: number; skew: number } {
  const lifetimes = ctx.target.metadata.dtp_lifetimes as Record<string, unknown> | undefined;
  const maxAge = lifetimes?.dpop_proof_max_age;
  const skew = ctx.target.metadata.dtp_clock_skew;
  return {
    maxAge: typeof maxAge === "number" && Number.isFinite(maxAge) ? maxAge : 3600,
    skew: typeof skew === "number" && Number.isFinite(skew) ? skew : 300,
  };
}

/** `dtp_dpop_nonce_required`, or undefined when the target does not declare it. */
export function nonceRequired(ctx: CheckContext): boolean | undefined {
  const v = ctx.target.metadata.dtp_dpop_nonce_required;
  return typeof v === "boolean" ? v : undefined;
}

/** The token endpoint and the resource as absolute, normalised URLs (what `htu` names). */
export function tokenUrl(ctx: CheckContext): string {
  return new URL(endpoint(ctx.target, "token_endpoint"), ctx.target.baseUrl).href;
}
export function resourceUrl(ctx: CheckContext): string {
  return new URL(endpoint(ctx.target, "dtp_resource_endpoint"), ctx.target.baseUrl).href;
}

// ——— devices ———

/** A device whose tokens are DPoP-bound to `key`. */
export interface DpopDevice {
  clientId: string;
  key: DeviceKey;
  session: DpopSession;
  tokens: TokenSet;
}

/** Anything holding a token pair: a keyed device, or a keyless one (no session: Bearer tokens). */
export interface TokenHolder {
  clientId: string;
  session?: DpopSession;
  tokens: TokenSet;
}

/** Key kind → how it is registered (`key_type`), with raw Ed25519 as an option. */
export interface KeyedDeviceOptions {
  label: string;
  key?: DeviceKey;
  kind?: KeyKind;
  keyType?: KeyType;
  rawEd25519?: boolean;
  /** The proof alg (default: the first of the key kind). */
  alg?: string;
}

/**
 * Registers a device with a key, gets it approved and polls (with proofs) for its tokens.
 * Fails `requirement` when the token response is not a success.
 */
export async function keyedDevice(
  ctx: CheckContext,
  requirement: string,
  options: KeyedDeviceOptions,
): Promise<DpopDevice> {
  const kind = declaredKind(ctx, options.kind ?? "ed25519", options.alg);
  const key = options.key ?? (await generateDeviceKey(kind.kind));
  const reg = await register(ctx, requirement, {
    key,
    clientId: keyedClientId(ctx, options.label),
    ...(options.keyType !== undefined ? { keyType: options.keyType } : {}),
    ...(options.rawEd25519 !== undefined ? { rawEd25519: options.rawEd25519 } : {}),
  });
  const session = dpopSession(key, kind.alg);
  reg.dpop = session;
  await ctx.approval.approve(reg.userCode);
  const res = await pollUntilFinal(ctx, reg, requirement);
  return { clientId: reg.clientId, key, session, tokens: readTokens(ctx, res, requirement) };
}

/**
 * The key kind (and proof alg) to use: the one asked for, unless the target does not
 * declare any alg for it (a plain RFC 9449 server may support only some); then the first
 * kind it declares an alg for, in the order EC P-256, Ed25519, RSA. A DTP target declares
 * them all (DTP-DISC-007), so nothing changes there.
 */
export function declaredKind(
  ctx: CheckContext,
  kind: KeyKind,
  alg: string | undefined,
): { kind: KeyKind; alg?: string } {
  const declared = dpopAlgs(ctx);
  const asked = alg ?? algsForKey(kind)[0]!;
  if (declared.length === 0 || declared.includes(asked)) {
    return alg === undefined ? { kind } : { kind, alg };
  }
  for (const k of [kind, "ec-p256", "ed25519", "rsa"] as const) {
    const a = algsForKey(k).find((x) => declared.includes(x));
    if (a !== undefined) {
      ctx.note(
        `proofs by a ${k} key with ${a}: the target does not declare ${asked} in dpop_signing_alg_values_supported`,
      );
      return { kind: k, alg: a };
    }
  }
  ctx.skip(
    `dpop_signing_alg_values_supported (${declared.join(", ")}) lists no alg the kit can sign with`,
  );
}

/**
 * The client_id of a keyed device: a fresh one (DTP), or under the OAuth profile the
 * public client, whose refresh tokens RFC 9449 §5 binds to the DPoP key as DTP binds a keyed
 * device's (a confidential client's are not bound: the DPoP checks would not hold).
 */
export function keyedClientId(ctx: CheckContext, label: string): string {
  if (ctx.target.profile !== "oauth") return ctx.clientId(label);
  const client = oauthPublicClient(ctx.target);
  if (!client) {
    ctx.skip(
      'OAuth profile: the DPoP checks need a public client ("authMethod": "none") in oauth.clients, whose refresh tokens RFC 9449 §5 binds to the DPoP key',
    );
  }
  return client.clientId;
}

/** Fails `requirement` unless the token response says `token_type: DPoP` (RFC 6749 §7.1: case-insensitive). */
export function expectDpopTokenType(tokens: TokenSet, requirement: string): void {
  if (tokens.tokenType.toLowerCase() !== "dpop") {
    fail(
      requirement,
      '"token_type": "DPoP"',
      `"token_type": ${JSON.stringify(tokens.tokenType)}`,
      tokens.res,
    );
  }
}

/**
 * The `cnf.jkt` the access token is bound to: from the JWT's claims, or (for an opaque
 * token) from introspection when the target offers it. `undefined` when absent.
 */
export async function boundJkt(
  ctx: CheckContext,
  clientId: string,
  accessToken: string,
): Promise<{ jkt: unknown; from: string; res?: HttpResponse }> {
  const claims = peekJwt(accessToken);
  if (claims !== undefined) {
    const cnf = claims.cnf as Record<string, unknown> | undefined;
    return { jkt: cnf?.jkt, from: "the access token's claims" };
  }
  if (ctx.target.features.has("introspection")) {
    const res = await introspect(ctx, { clientId }, accessToken);
    const body = res.body as Record<string, unknown> | undefined;
    const cnf = body?.cnf as Record<string, unknown> | undefined;
    return { jkt: cnf?.jkt, from: "introspection", res };
  }
  return { jkt: undefined, from: "the access token (not a JWT, and no introspection)" };
}

/** Fails `requirement` unless the tokens are DPoP-bound to `jkt` (token_type and cnf.jkt). */
export async function expectBoundTo(
  ctx: CheckContext,
  clientId: string,
  tokens: TokenSet,
  jkt: string,
  requirement: string,
): Promise<void> {
  expectDpopTokenType(tokens, requirement);
  const bound = await boundJkt(ctx, clientId, tokens.accessToken);
  if (bound.jkt !== jkt) {
    fail(
      requirement,
      `cnf.jkt = ${jkt} (RFC 7638 thumbprint of the proof key)`,
      `cnf.jkt in ${bound.from} = ${JSON.stringify(bound.jkt) ?? "absent"}`,
      bound.res ?? tokens.res,
    );
  }
}

/**
 * Until when (check clock, ms) the access token is surely still valid: its declared
 * `expires_in` counted from when the request that got it was sent, less 1 s for a server
 * that truncates `iat` to whole seconds. Infinity when no lifetime was declared.
 */
export function tokenValidUntil(tokens: TokenSet): number {
  if (!(tokens.expiresIn > 0)) return Number.POSITIVE_INFINITY;
  return tokens.receivedAt - tokens.res.durationMs - 1000 + tokens.expiresIn * 1000;
}

/**
 * Makes sure the device's access token has a good part of its life left (so that a
 * rejection means the proof, not an expired token): refreshes it, with a valid proof, when
 * less than half its declared lifetime (or 1.5 s) surely remains.
 */
export async function ensureFresh(
  ctx: CheckContext,
  dev: TokenHolder,
  requirement: string,
): Promise<void> {
  const left = tokenValidUntil(dev.tokens) - ctx.clock.now();
  if (left > Math.max(1500, (dev.tokens.expiresIn * 1000) / 2)) return;
  await refreshDevice(ctx, dev, requirement);
}

/** True when `res` is a 401 whose challenge says `invalid_token`. */
export function isInvalidToken(res: HttpResponse): boolean {
  if (res.status !== 401) return false;
  try {
    return parseChallenges(res.headers["www-authenticate"] ?? "").some(
      (c) => c.params.error === "invalid_token",
    );
  } catch {
    return false;
  }
}

/**
 * Runs `attempt` (which must read `dev.tokens` when called) with a fresh access token. When
 * its answer is `invalid_token` and arrived after the token may have expired (short
 * lifetimes, a slow moment), the answer proves nothing: the token is refreshed and the
 * attempt made again (at most twice more).
 */
export async function withFreshToken<T extends HttpResponse | HttpResponse[]>(
  ctx: CheckContext,
  dev: TokenHolder,
  requirement: string,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let i = 0; ; i++) {
    await ensureFresh(ctx, dev, requirement);
    const out = await attempt();
    const list: HttpResponse[] = Array.isArray(out) ? out : [out];
    const inconclusive =
      list.some(isInvalidToken) && ctx.clock.now() >= tokenValidUntil(dev.tokens);
    if (!inconclusive || i >= 2) return out;
    ctx.note(
      "an answer came after the access token may have expired: tried again with a fresh one",
    );
    await refreshDevice(ctx, dev, requirement);
  }
}

/** Refreshes with a valid proof; the device keeps the new pair. */
export async function refreshDevice(
  ctx: CheckContext,
  dev: TokenHolder,
  requirement: string,
): Promise<HttpResponse> {
  const rt = dev.tokens.refreshToken;
  if (rt === undefined) {
    fail(requirement, "a refresh_token in the token response", "none", dev.tokens.res);
  }
  const holder = dev.session
    ? { clientId: dev.clientId, dpop: dev.session }
    : { clientId: dev.clientId };
  const res = await refresh(ctx, holder, rt);
  dev.tokens = readTokens(ctx, res, requirement);
  return res;
}

// ——— sending hand-made proofs ———

/** Builds the `DPoP` header value for a nonce (undefined: send no `DPoP` header). */
export type ProofBuilder = (nonce: string | undefined) => string | undefined;

/** True when the response asks for a nonce (400 use_dpop_nonce, or a 401 challenge). */
export function asksNonce(res: HttpResponse): boolean {
  const body = res.body as { error?: unknown } | undefined;
  if (res.status === 400 && body?.error === "use_dpop_nonce") return true;
  return res.status === 401 && /use_dpop_nonce/.test(res.headers["www-authenticate"] ?? "");
}

/**
 * Sends `req` with the `DPoP` header `build(nonce)` gives for the session's latest nonce
 * (and `Authorization: <scheme> <token>` when `accessToken` is given). When the server
 * answers use_dpop_nonce with a nonce other than the one used, the proof is rebuilt with it
 * and sent once more, as a real client would: the answer to the retry is returned.
 */
export async function sendWithProof(
  ctx: CheckContext,
  session: DpopSession,
  req: HttpRequest,
  build: ProofBuilder,
  auth?: { accessToken: string; scheme?: "DPoP" | "Bearer" },
): Promise<HttpResponse> {
  const url = new URL(req.url, ctx.target.baseUrl).href;
  const origin = new URL(url).origin;
  const send = async (retry: boolean) => {
    const nonce = session.nonces.get(origin);
    const headers: Record<string, string> = { ...req.headers };
    const proof = build(nonce);
    if (proof !== undefined) headers.dpop = proof;
    if (auth) headers.authorization = `${auth.scheme ?? "DPoP"} ${auth.accessToken}`;
    const label = req.label ?? `${req.method} ${new URL(url).pathname}`;
    const res = await ctx.http.request({
      ...req,
      url,
      headers,
      label: retry ? `${label} (with the new nonce)` : label,
    });
    rememberNonce(session, url, res);
    return { res, nonce };
  };
  const first = await send(false);
  if (asksNonce(first.res) && first.res.headers["dpop-nonce"] !== first.nonce) {
    return (await send(true)).res;
  }
  return first.res;
}

/** A refresh request (client auth as the device) without a proof yet. */
export function refreshRequest(ctx: CheckContext, dev: DpopDevice, label: string): HttpRequest {
  const headers: Record<string, string> = {};
  const form = { grant_type: "refresh_token", refresh_token: dev.tokens.refreshToken };
  applyClientAuth(ctx.target, dev.clientId, headers, form);
  return { method: "POST", url: tokenUrl(ctx), headers, form, label };
}

/** A device-code poll request (client auth as the device) without a proof yet. */
export function pollRequest(
  ctx: CheckContext,
  clientId: string,
  deviceCode: string,
  label: string,
): HttpRequest {
  const headers: Record<string, string> = {};
  const form = { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId };
  applyClientAuth(ctx.target, clientId, headers, form);
  return { method: "POST", url: tokenUrl(ctx), headers, form, label };
}

/** A valid proof by `session`'s key for `htm`/`htu` (with `ath` for `accessToken`). */
export function validProof(
  session: DpopSession,
  htm: string,
  htu: string,
  nonce: string | undefined,
  accessToken?: string,
  extra: { jti?: string; htuClaim?: string } = {},
): string {
  return createDpopProof({
    key: { privateKey: session.key.privateKey, jwk: session.key.jwk },
    alg: session.alg,
    htm,
    htu: extra.htuClaim ?? htu,
    ...(accessToken !== undefined ? { accessToken } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    ...(extra.jti !== undefined ? { jti: extra.jti } : {}),
  });
}

// ——— expectations ———

/** RFC 9449 §7.1 `algs`: every `DPoP` challenge must list the declared algorithms (DTP-DPOP-016). */
export function expectDpopAlgs(ctx: CheckContext, res: HttpResponse): void {
  const header = res.headers["www-authenticate"];
  if (header === undefined) return;
  let challenges: ReturnType<typeof parseChallenges>;
  try {
    challenges = parseChallenges(header);
  } catch {
    return; // reported by the challenge assertions themselves
  }
  const want = dpopAlgs(ctx);
  for (const c of challenges) {
    if (c.scheme.toLowerCase() !== "dpop") continue;
    const algs = c.params.algs;
    const got = algs === undefined ? [] : algs.split(" ").filter((a) => a !== "");
    const same =
      got.length === want.length &&
      new Set(got).size === got.length &&
      want.every((a) => got.includes(a));
    if (!same) {
      fail(
        "DTP-DPOP-016",
        `the DPoP challenge with algs="${want.join(" ")}" (dpop_signing_alg_values_supported)`,
        algs === undefined ? `no algs parameter: ${JSON.stringify(header)}` : `algs="${algs}"`,
        res,
      );
    }
  }
}

/** At a resource: 401 with a `DPoP` challenge whose `error` is one of `errors` (and the algs). */
export function expectDpopChallenge(
  ctx: CheckContext,
  res: HttpResponse,
  errors: string | readonly string[],
  requirement: string,
): void {
  expectWwwAuthenticate(res, { scheme: "DPoP", error: errors }, requirement);
  expectDpopAlgs(ctx, res);
}

/** At `/token`: 400 with OAuth error one of `errors`. */
export function expectTokenError(
  res: HttpResponse,
  errors: string | readonly string[],
  requirement: string,
): void {
  expectOAuthError(res, { status: 400, error: errors }, requirement);
}

/** 401 with a challenge (of any scheme) whose `error` is `invalid_token` (RFC 6750 §3.1). */
export function expectInvalidToken(
  ctx: CheckContext,
  res: HttpResponse,
  requirement: string,
): void {
  expectStatus(res, 401, requirement);
  const header = res.headers["www-authenticate"];
  let challenges: ReturnType<typeof parseChallenges> = [];
  try {
    challenges = header === undefined ? [] : parseChallenges(header);
  } catch {
    challenges = [];
  }
  if (!challenges.some((c) => c.params.error === "invalid_token")) {
    fail(
      requirement,
      'status 401 with a WWW-Authenticate challenge error="invalid_token"',
      header === undefined ? "no WWW-Authenticate header" : `WWW-Authenticate: ${header}`,
      res,
    );
  }
  expectDpopAlgs(ctx, res);
}

/** Fails `requirement` unless `res` is a success (`status`), with `what` in the message. */
export function expectAccepted(
  res: HttpResponse,
  status: number,
  requirement: string,
  what: string,
): void {
  if (res.status !== status) {
    fail(requirement, `${what} accepted (status ${status})`, describeRes(res), res);
  }
}

function describeRes(res: HttpResponse): string {
  const body = res.text.replace(/\s+/g, " ").trim().slice(0, 160);
  const www = res.headers["www-authenticate"];
  return `status ${res.status}${www ? `, WWW-Authenticate: ${www}` : ""}${body ? `: ${body}` : ""}`;
}

// ——— htu spellings ———

/** Ways to write a URL that RFC 3986 §6.2.2.1 / §6.2.3 normalisation makes equal. */
export type HtuSpelling = { schemeCase: boolean[]; hostCase: boolean[]; defaultPort: boolean };

/** Arbitrary spellings of `url` that differ from it only by normalisable parts (never identical). */
export function htuSpellingArb(url: string): fc.Arbitrary<HtuSpelling> {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  const host = u.hostname;
  const hasLetters = /[a-z]/.test(host);
  const canAddPort = u.port === "" && (scheme === "http" || scheme === "https");
  return fc
    .record({
      schemeCase: fc.array(fc.boolean(), { minLength: scheme.length, maxLength: scheme.length }),
      hostCase: fc.array(fc.boolean(), {
        minLength: hasLetters ? host.length : 0,
        maxLength: hasLetters ? host.length : 0,
      }),
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

// ——— mutations ———

/** Other keys a mutation may use (generated once per check). */
export interface MutationKeys {
  /** The registered key (signs the valid proofs). */
  key: DeviceKey;
  alg: string;
  /** Another key of a DTP kind (wrong key, or whose jwk replaces the real one). */
  other: DeviceKey;
  /** A P-384 key (not a DTP kind) signing ES384. */
  p384: { privateKey: KeyObject; jwk: JWK };
  /** The declared proof window (seconds). */
  window: { maxAge: number; skew: number };
}

/** The keys for {@link mutateProof}: `other` is Ed25519 for an Ed25519 key, else EC P-256. */
export async function mutationKeys(
  ctx: CheckContext,
  key: DeviceKey,
  alg: string,
): Promise<MutationKeys> {
  const other = await generateDeviceKey(key.kind === "ed25519" ? "ed25519" : "ec-p256");
  const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const jwk = pair.publicKey.export({ format: "jwk" }) as JWK;
  return { key, alg, other, p384: { privateKey: pair.privateKey, jwk }, window: proofWindow(ctx) };
}

export type Mutation =
  | {
      t: "malformed";
      shape:
        | "garbage"
        | "two-parts"
        | "four-parts"
        | "five-parts"
        | "padded"
        | "std-base64"
        | "space"
        | "raw-json-header"
        | "header-not-json"
        | "payload-not-json";
    }
  | { t: "multiple"; count: number; same: boolean }
  | { t: "typ"; typ: string | number | null }
  | { t: "alg-none"; emptyAlgCase: boolean }
  | {
      t: "hmac";
      alg: "HS256" | "HS384" | "HS512";
      secret: "jwk-json" | "spki-der" | "spki-pem" | "jkt";
    }
  | { t: "alg-not-allowed"; alg: string }
  | { t: "alg-mismatch"; alg: string }
  | {
      t: "jwk";
      how: "absent" | "null" | "string" | "array" | "private" | "other-key" | "symmetric";
    }
  | { t: "wrong-key" }
  | { t: "flip"; part: "header" | "payload" | "signature"; bit: number }
  | { t: "htm"; htm: string | null }
  | {
      t: "htu";
      how:
        | "absent"
        | "relative"
        | "other-path"
        | "trailing-slash"
        | "path-case"
        | "other-host"
        | "other-port"
        | "other-scheme";
    }
  | { t: "iat"; how: "old" | "future"; by: number }
  | { t: "iat"; how: "absent" }
  | { t: "ath"; how: "absent" | "other-token" | "hex" | "empty" | "token-itself" };

/** The requirement a mutation tests. */
export function requirementOf(m: Mutation): string {
  switch (m.t) {
    case "malformed":
    case "multiple":
      return "DTP-DPOP-003";
    case "typ":
      return "DTP-DPOP-004";
    case "alg-none":
    case "hmac":
    case "alg-not-allowed":
      return "DTP-DPOP-005";
    case "alg-mismatch":
    case "jwk":
    case "flip":
      return "DTP-DPOP-006";
    case "wrong-key":
      return "DTP-DPOP-002";
    case "htm":
      return "DTP-DPOP-007";
    case "htu":
      return "DTP-DPOP-008";
    case "iat":
      return "DTP-DPOP-009";
    case "ath":
      return "DTP-DPOP-012";
  }
}

/** Allowed-list algs a registered key of this kind could sign with but that are not declared. */
function undeclaredAlgsFor(key: DeviceKey, declared: readonly string[]): string[] {
  const candidates =
    key.kind === "rsa"
      ? ["RS384", "RS512", "PS384", "PS512"]
      : key.kind === "ed25519"
        ? ["Ed25519"]
        : [];
  return candidates.filter((a) => !declared.includes(a));
}

/**
 * The mutations for a proof at `/token` (`POST`) or at a resource (`GET`, with `ath`).
 * `wrong-key` only at `/token`: at a resource, DTP-DPOP-002 and DTP-DPOP-013 disagree on
 * the error for a keyed device (see the notes), so DTP-DPOP-013 has its own check.
 */
export function mutationArb(
  where: "token" | "resource",
  keys: MutationKeys,
  declaredAlgs: readonly string[],
): fc.Arbitrary<Mutation> {
  const method = where === "token" ? "POST" : "GET";
  const wrongMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"].filter(
    (m) => m !== method,
  );
  const otherAlgs = ["ES256", "RS256", "PS256", "EdDSA"].filter(
    (a) => declaredAlgs.includes(a) && !algsForKey(keys.key.kind).includes(a),
  );
  const notAllowed = [...undeclaredAlgsFor(keys.key, declaredAlgs), "ES384"];
  const arbs: fc.Arbitrary<Mutation>[] = [
    fc.record({
      t: fc.constant("malformed" as const),
      shape: fc.constantFrom(
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
      ),
    }),
    fc.record({
      t: fc.constant("multiple" as const),
      count: fc.integer({ min: 2, max: 3 }),
      same: fc.boolean(),
    }),
    fc.record({
      t: fc.constant("typ" as const),
      typ: fc.constantFrom("jwt", "JWT", "at+jwt", "dpop", "dpop+jws", "secevent+jwt", "", 1, null),
    }),
    fc.record({ t: fc.constant("alg-none" as const), emptyAlgCase: fc.boolean() }),
    fc.record({
      t: fc.constant("hmac" as const),
      alg: fc.constantFrom("HS256", "HS384", "HS512"),
      secret: fc.constantFrom("jwk-json", "spki-der", "spki-pem", "jkt"),
    }),
    fc.record({ t: fc.constant("alg-not-allowed" as const), alg: fc.constantFrom(...notAllowed) }),
    fc.record({
      t: fc.constant("jwk" as const),
      how: fc.constantFrom(
        "absent",
        "null",
        "string",
        "array",
        "private",
        "other-key",
        "symmetric",
      ),
    }),
    fc.record({
      t: fc.constant("flip" as const),
      part: fc.constantFrom("header", "payload", "signature"),
      bit: fc.nat({ max: 4095 }),
    }),
    fc.record({
      t: fc.constant("htm" as const),
      htm: fc.constantFrom(...wrongMethods, method.toLowerCase(), null),
    }),
    fc.record({
      t: fc.constant("htu" as const),
      how: fc.constantFrom(
        "absent",
        "relative",
        "other-path",
        "trailing-slash",
        "path-case",
        "other-host",
        "other-port",
        "other-scheme",
      ),
    }),
    fc.record({
      t: fc.constant("iat" as const),
      how: fc.constantFrom("old", "future"),
      by: fc.integer({ min: 5, max: 1_000_000 }),
    }),
    fc.constant({ t: "iat" as const, how: "absent" as const }),
  ];
  if (otherAlgs.length > 0) {
    arbs.push(
      fc.record({ t: fc.constant("alg-mismatch" as const), alg: fc.constantFrom(...otherAlgs) }),
    );
  }
  if (where === "token") arbs.push(fc.constant({ t: "wrong-key" as const }));
  if (where === "resource") {
    arbs.push(
      fc.record({
        t: fc.constant("ath" as const),
        how: fc.constantFrom("absent", "other-token", "hex", "empty", "token-itself"),
      }),
    );
  }
  return fc.oneof(...arbs);
}

/**
 * One of every mutation {@link mutationArb} can generate (each value of each kind; a bit
 * flip per part, one distance per iat direction), run as explicit examples.
 */
export function mutationExamples(
  where: "token" | "resource",
  keys: MutationKeys,
  declaredAlgs: readonly string[],
): Mutation[] {
  const method = where === "token" ? "POST" : "GET";
  const wrongMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"].filter(
    (m) => m !== method,
  );
  const otherAlgs = ["ES256", "RS256", "PS256", "EdDSA"].filter(
    (a) => declaredAlgs.includes(a) && !algsForKey(keys.key.kind).includes(a),
  );
  const notAllowed = [...undeclaredAlgsFor(keys.key, declaredAlgs), "ES384"];
  const shapes = [
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
  const out: Mutation[] = [
    ...shapes.map((shape): Mutation => ({ t: "malformed", shape })),
    { t: "multiple", count: 2, same: true },
    { t: "multiple", count: 3, same: false },
    ...(["jwt", "JWT", "at+jwt", "dpop", "dpop+jws", "secevent+jwt", "", 1, null] as const).map(
      (typ): Mutation => ({ t: "typ", typ }),
    ),
    { t: "alg-none", emptyAlgCase: false },
    { t: "alg-none", emptyAlgCase: true },
    ...(["HS256", "HS384", "HS512"] as const).flatMap((alg) =>
      (["jwk-json", "spki-der", "spki-pem", "jkt"] as const).map(
        (secret): Mutation => ({ t: "hmac", alg, secret }),
      ),
    ),
    ...notAllowed.map((alg): Mutation => ({ t: "alg-not-allowed", alg })),
    ...(["absent", "null", "string", "array", "private", "other-key", "symmetric"] as const).map(
      (how): Mutation => ({ t: "jwk", how }),
    ),
    ...(["header", "payload", "signature"] as const).map(
      (part): Mutation => ({ t: "flip", part, bit: 13 }),
    ),
    ...[...wrongMethods, method.toLowerCase(), null].map((htm): Mutation => ({ t: "htm", htm })),
    ...(
      [
        "absent",
        "relative",
        "other-path",
        "trailing-slash",
        "path-case",
        "other-host",
        "other-port",
        "other-scheme",
      ] as const
    ).map((how): Mutation => ({ t: "htu", how })),
    { t: "iat", how: "old", by: 5 },
    { t: "iat", how: "future", by: 5 },
    { t: "iat", how: "absent" },
    ...otherAlgs.map((alg): Mutation => ({ t: "alg-mismatch", alg })),
  ];
  if (where === "token") out.push({ t: "wrong-key" });
  if (where === "resource") {
    for (const how of ["absent", "other-token", "hex", "empty", "token-itself"] as const)
      out.push({ t: "ath", how });
  }
  return out;
}

/** What a mutated proof is and how the server may answer it. */
export interface MutatedProof {
  value: string;
  /** Error codes acceptable for it: invalid_dpop_proof, plus use_dpop_nonce when the nonce itself was damaged. */
  errors: string[];
}

const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");

function otherSigner(privateKey: KeyObject, alg: string): JwsSigner {
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith("RS"))
    return {
      alg,
      sign: (i) => sign(hash, i, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
    };
  if (alg.startsWith("PS"))
    return {
      alg,
      sign: (i) =>
        sign(hash, i, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: Number(alg.slice(2)) / 8,
        }),
    };
  if (alg === "ES384")
    return { alg, sign: (i) => sign("sha384", i, { key: privateKey, dsaEncoding: "ieee-p1363" }) };
  return keySigner(privateKey, alg);
}

/**
 * Builds the `DPoP` header value for mutation `m` of an otherwise valid proof by the
 * registered key for `htm`/`htu` (with `ath` for `accessToken`) carrying `nonce`.
 */
export function mutateProof(
  m: Mutation,
  keys: MutationKeys,
  base: { htm: string; htu: string; accessToken?: string; nonce: string | undefined },
): MutatedProof {
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
    case "malformed": {
      const [h, p, s] = valid().split(".") as [string, string, string];
      switch (m.shape) {
        case "garbage":
          return proof("not-a-jws");
        case "two-parts":
          return proof(`${h}.${p}`);
        case "four-parts":
          return proof(`${h}.${p}.${s}.${s}`);
        case "five-parts":
          return proof(`${h}.${p}.${b64url("key")}.${b64url("iv")}.${s}`);
        case "padded":
          return proof(`${h}.${p}.${s}==`);
        case "std-base64":
          return proof(
            `${[h, p, s].map((x) => Buffer.from(x, "base64url").toString("base64")).join(".")}+/`,
          );
        case "space":
          return proof(`${h}.${p} .${s}`);
        case "raw-json-header":
          return proof(`${JSON.stringify({ alg, ...header })}.${p}.${s}`);
        case "header-not-json": {
          const input = `${b64url("dpop+jwt")}.${p}`;
          return proof(
            `${input}.${b64url(keySigner(key.privateKey, alg).sign(Buffer.from(input)))}`,
          );
        }
        case "payload-not-json":
          return proof(encodeCompactJws(header, "not json", keySigner(key.privateKey, alg)));
      }
      break;
    }
    case "multiple": {
      const first = valid();
      const list = [first];
      for (let i = 1; i < m.count; i++) list.push(m.same ? first : valid());
      return proof(list.join(", "));
    }
    case "typ":
      return proof(
        createDpopProof({ ...common, extraHeader: { typ: m.typ === null ? undefined : m.typ } }),
      );
    case "alg-none":
      return proof(
        encodeCompactJws(
          { ...header, ...(m.emptyAlgCase ? { alg: "None" } : {}) },
          claims(),
          noneSigner,
        ),
      );
    case "hmac": {
      const spki = key.publicKey.export({ format: "der", type: "spki" });
      const secret =
        m.secret === "jwk-json"
          ? JSON.stringify(publicJwk(key.jwk))
          : m.secret === "spki-der"
            ? spki
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
            otherSigner(keys.p384.privateKey, "ES384"),
          ),
        );
      }
      return proof(encodeCompactJws(header, claims(), otherSigner(key.privateKey, m.alg)));
    case "alg-mismatch":
      // An allowed alg that does not belong to the key: the signature cannot verify with it.
      return proof(
        createDpopProof({ ...common, alg: m.alg, signer: keySigner(key.privateKey, alg) }),
      );
    case "jwk": {
      const jwk =
        m.how === "absent"
          ? undefined
          : m.how === "null"
            ? null
            : m.how === "string"
              ? JSON.stringify(publicJwk(key.jwk))
              : m.how === "array"
                ? [publicJwk(key.jwk)]
                : m.how === "private"
                  ? (key.privateKey.export({ format: "jwk" }) as JWK)
                  : m.how === "symmetric"
                    ? { ...publicJwk(key.jwk), k: b64url("secret") }
                    : publicJwk(keys.other.jwk);
      return proof(createDpopProof({ ...common, extraHeader: { jwk } }));
    }
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
      // answer is then right (DTP-DPOP-006 and DTP-DPOP-017 both apply).
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
      return proof(
        createDpopProof({ ...common, extraClaims: { htm: m.htm === null ? undefined : m.htm } }),
      );
    case "htu": {
      const u = new URL(base.htu);
      const scheme = u.protocol.slice(0, -1);
      const origin = `${u.protocol}//${u.host}`;
      const htu =
        m.how === "absent"
          ? undefined
          : m.how === "relative"
            ? u.pathname
            : m.how === "other-path"
              ? `${origin}${u.pathname.replace(/\/?$/, "")}-other`
              : m.how === "trailing-slash"
                ? `${origin}${u.pathname}/`
                : m.how === "path-case"
                  ? `${origin}${u.pathname === u.pathname.toUpperCase() ? u.pathname.toLowerCase() : u.pathname.toUpperCase()}`
                  : m.how === "other-host"
                    ? `${u.protocol}//dpop-elsewhere.example${u.port ? `:${u.port}` : ""}${u.pathname}`
                    : m.how === "other-port"
                      ? `${u.protocol}//${u.hostname}:${u.port ? Number(u.port) + 1 : 8443}${u.pathname}`
                      : `${scheme === "https" ? "http" : "https"}://${u.host}${u.pathname}`;
      // path-case on a path without letters would not differ: use another path then.
      const final = htu === base.htu ? `${origin}${u.pathname}-other` : htu;
      return proof(createDpopProof({ ...common, extraClaims: { htu: final } }));
    }
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
  throw new Error(`unknown mutation ${JSON.stringify(m)}`);
}

/**
 * The mutation property at `/token` (refresh grant of `dev`) or at the resource (`dev`'s
 * access token): every mutated proof, carrying the current nonce, must be rejected with
 * the exact error (400 `invalid_dpop_proof`, or 401 `DPoP error="invalid_dpop_proof"` with
 * the declared `algs`). A wrongly accepted refresh keeps its new pair, so that shrinking
 * replays against live tokens.
 */
export async function assertMutationsRejected(
  ctx: CheckContext,
  dev: DpopDevice,
  where: "token" | "resource",
  keys: MutationKeys,
  requirement: string,
  numRuns = ctx.fc.numRuns,
): Promise<void> {
  const htu = where === "token" ? tokenUrl(ctx) : resourceUrl(ctx);
  const htm = where === "token" ? "POST" : "GET";
  const examples = mutationExamples(where, keys, dpopAlgs(ctx)).map((m): [Mutation] => [m]);
  await fc.assert(
    fc.asyncProperty(mutationArb(where, keys, dpopAlgs(ctx)), async (m) => {
      let last: MutatedProof | undefined;
      const label = `proof mutation ${JSON.stringify(m)}`;
      const attempt = () => {
        const accessToken = where === "resource" ? dev.tokens.accessToken : undefined;
        const build: ProofBuilder = (nonce) => {
          last = mutateProof(m, keys, {
            htm,
            htu,
            nonce,
            ...(accessToken !== undefined ? { accessToken } : {}),
          });
          return last.value;
        };
        const req: HttpRequest =
          where === "token" ? refreshRequest(ctx, dev, label) : { method: "GET", url: htu, label };
        return sendWithProof(
          ctx,
          dev.session,
          req,
          build,
          accessToken !== undefined ? { accessToken } : undefined,
        );
      };
      const res =
        where === "resource"
          ? await withFreshToken(ctx, dev, requirement, attempt)
          : await attempt();
      if (where === "token" && res.status === 200) dev.tokens = readTokens(ctx, res, requirement);
      const errors = last?.errors ?? ["invalid_dpop_proof"];
      // RFC 9449 §5 binds a (public client's) refresh token to its key but names no error for
      // a proof by another key: outside DTP, invalid_grant (RFC 6749 §5.2) is as right.
      if (m.t === "wrong-key" && !ctx.target.features.has("dtp")) errors.push("invalid_grant");
      if (where === "token") expectTokenError(res, errors, requirementOf(m));
      else expectDpopChallenge(ctx, res, errors, requirementOf(m));
    }),
    // Every mutation kind and value once, then `numRuns` random ones (fast-check counts the
    // examples in numRuns): a rare kind (alg none, HS256 keyed with one encoding of the key)
    // is never left to chance.
    { ...ctx.fc, numRuns: examples.length + numRuns, examples },
  );
}

/** Keeps the pair of a successful token response on the device. */
export function readTokensInto(
  ctx: CheckContext,
  dev: DpopDevice,
  res: HttpResponse,
  requirement: string,
): void {
  dev.tokens = readTokens(ctx, res, requirement);
}

/** Ends the check with a failure of a MAY/SHOULD requirement inside a MUST check (a WARN). */
export function failAt(
  level: "SHOULD" | "MAY",
  requirement: string,
  expected: string,
  actual: string,
  res: HttpResponse,
): never {
  throw new CheckFailure({ requirement, expected, actual, level, evidence: [res.exchange] });
}
