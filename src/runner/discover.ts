/**
 * Discovery: fetch the target's RFC 8414 metadata and derive the features it offers.
 * An unreachable target or unusable metadata is a {@link TargetError} (exit code 2): the run
 * cannot start, which is different from a discovery check failing.
 */
import type { Dispatcher } from "undici";
import { TargetError } from "../check/failure.ts";
import type { Exchange } from "../check/http.ts";
import type { Feature, Profile, Target } from "../check/target.ts";
import { DEVICE_CODE_GRANT } from "../client/device.ts";
import {
  acceptsAt,
  endpointAuthGap,
  offeredAuthMethods,
  usableOAuthClients,
} from "../client/kit/auth.ts";
import { issuerFromWellKnown, wellKnownUrl } from "../client/metadata.ts";
import type { TargetConfig } from "../config/schema.ts";
import { createHttpClient } from "../http/client.ts";
import { TransportError } from "../http/errors.ts";
import type { Redactor } from "../http/redact.ts";

export { DEVICE_CODE_GRANT } from "../client/device.ts";
export { issuerFromWellKnown, WELL_KNOWN, wellKnownUrl } from "../client/metadata.ts";

/** The base URL without trailing slashes (issuer form). */
export function normalizeBaseUrl(url: string): string {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  return u.toString().replace(/\/+$/, "");
}

export interface DiscoverOptions {
  /** Base URL (issuer) of the target; or give `discoveryUrl`. */
  baseUrl?: string;
  discoveryUrl?: string;
  config: TargetConfig;
  timeoutMs?: number;
  redactor?: Redactor;
  dispatcher?: Dispatcher;
  /** Extra headers for requests to the target's origin. */
  extraHeaders?: Record<string, string>;
  embedded?: boolean;
  /** The run's profile (default "dtp"). */
  profile?: Profile;
}

export interface Discovery {
  target: Target;
  /** The metadata exchange (redacted). */
  exchanges: Exchange[];
}

/** Fetches the metadata and builds the {@link Target}. */
export async function discover(opts: DiscoverOptions): Promise<Discovery> {
  const base = opts.baseUrl ? normalizeBaseUrl(opts.baseUrl) : undefined;
  const discoveryUrl = opts.discoveryUrl ?? (base ? wellKnownUrl(base) : undefined);
  if (!discoveryUrl) {
    throw new TargetError(
      "DTP_TARGET_UNREACHABLE",
      "no target: give a URL, or baseUrl in the config",
    );
  }
  const http = createHttpClient({
    baseUrl: base ?? discoveryUrl,
    timeoutMs: opts.timeoutMs ?? 10_000,
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  });
  try {
    let res: Awaited<ReturnType<typeof http.request>>;
    try {
      res = await http.request({
        method: "GET",
        url: discoveryUrl,
        headers: { accept: "application/json" },
        label: "discovery",
      });
    } catch (err) {
      if (err instanceof TransportError) {
        // A TLS 1.3 server that demands a client certificate closes the connection
        // without a word the client can read.
        const hint =
          discoveryUrl.startsWith("https:") && err.actual.includes("closed the connection")
            ? "; a server that wants a client certificate does this: pass --cert and --key"
            : "";
        throw new TargetError(
          "DTP_TARGET_UNREACHABLE",
          `cannot fetch the target's metadata from ${discoveryUrl}: ${err.actual}${hint}`,
          http.exchanges(),
          { cause: err },
        );
      }
      throw err;
    }
    const where = `metadata at ${discoveryUrl}`;
    if (res.status !== 200) {
      throw new TargetError(
        "DTP_TARGET_METADATA",
        `${where}: status ${res.status} (expected 200); is this a DTP / OAuth authorization server?`,
        http.exchanges(),
      );
    }
    const body = res.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      const ct = res.headers["content-type"] ?? "none";
      throw new TargetError(
        "DTP_TARGET_METADATA",
        `${where} is not a JSON object (Content-Type ${ct}): ${res.text.slice(0, 120).replace(/\s+/g, " ")}`,
        http.exchanges(),
      );
    }
    const metadata = body as Record<string, unknown>;
    const issuer = typeof metadata.issuer === "string" ? metadata.issuer : undefined;
    const baseUrl =
      base ??
      issuerFromWellKnown(discoveryUrl) ??
      (issuer && isHttpUrl(issuer) ? issuer : new URL(discoveryUrl).origin);
    const target: Target = {
      baseUrl,
      discoveryUrl,
      metadata,
      features: deriveFeatures(metadata, opts.config, opts.profile),
      config: opts.config,
      embedded: opts.embedded ?? false,
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    };
    return { target, exchanges: http.exchanges() };
  } finally {
    await http.close();
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

const str = (m: Record<string, unknown>, k: string) => typeof m[k] === "string" && m[k] !== "";
const list = (m: Record<string, unknown>, k: string): unknown[] =>
  Array.isArray(m[k]) ? (m[k] as unknown[]) : [];

/**
 * The features a target offers, from its metadata and the config. Under the OAuth profile
 * the kit is a plain OAuth client: no DTP extension counts (dtp_* metadata is ignored),
 * the resource is `oauth.resourceUrl`, client credentials need a private_key_jwt client
 * and the "api_key" feature means a pre-registered client with a secret.
 */
export function deriveFeatures(
  metadata: Record<string, unknown>,
  config: TargetConfig,
  profile?: Profile,
): Set<Feature> {
  if (profile === "oauth") return deriveOAuthFeatures(metadata, config);
  const f = new Set<Feature>();
  const grants = list(metadata, "grant_types_supported");
  if (str(metadata, "dtp_version")) f.add("dtp");
  if (str(metadata, "device_authorization_endpoint") && grants.includes(DEVICE_CODE_GRANT))
    f.add("device_code");
  if (grants.includes("refresh_token")) f.add("refresh_token");
  if (str(metadata, "revocation_endpoint")) f.add("revocation");
  if (str(metadata, "introspection_endpoint")) f.add("introspection");
  if (list(metadata, "dpop_signing_alg_values_supported").length > 0) f.add("dpop");
  if (
    grants.includes("client_credentials") &&
    list(metadata, "token_endpoint_auth_methods_supported").includes("private_key_jwt")
  )
    f.add("client_credentials");
  if (list(metadata, "dtp_http_signature_algs_supported").length > 0) f.add("http_signatures");
  if (str(metadata, "dtp_login_endpoint")) f.add("login");
  if (str(metadata, "dtp_personal_tokens_endpoint")) f.add("personal_tokens");
  if (str(metadata, "dtp_resource_endpoint")) f.add("resource");
  if (approvalAvailable(metadata, config)) f.add("admin");
  if (config.user) f.add("user_credentials");
  if (config.apiKey) f.add("api_key");
  return f;
}

function deriveOAuthFeatures(
  metadata: Record<string, unknown>,
  config: TargetConfig,
): Set<Feature> {
  const f = new Set<Feature>();
  const grants = list(metadata, "grant_types_supported");
  const clients = config.oauth?.clients ?? [];
  const pool = usableOAuthClients(metadata, clients);
  /** The endpoint is named and one of the kit's clients may authenticate there. */
  const usable = (e: "revocation" | "introspection") =>
    str(metadata, `${e}_endpoint`) &&
    (pool.length === 0 || pool.some((c) => acceptsAt(metadata, c.authMethod, e)));
  if (str(metadata, "device_authorization_endpoint") && grants.includes(DEVICE_CODE_GRANT))
    f.add("device_code");
  if (grants.includes("refresh_token")) f.add("refresh_token");
  if (usable("revocation")) f.add("revocation");
  if (usable("introspection")) f.add("introspection");
  if (list(metadata, "dpop_signing_alg_values_supported").length > 0) f.add("dpop");
  if (
    grants.includes("client_credentials") &&
    list(metadata, "token_endpoint_auth_methods_supported").includes("private_key_jwt") &&
    clients.some((c) => c.authMethod === "private_key_jwt")
  )
    f.add("client_credentials");
  if (config.oauth?.resourceUrl) f.add("resource");
  const method = effectiveApproval(config)?.method;
  if (method === "command" || method === "webhook") f.add("admin");
  if (pool.length > 0) f.add("api_key");
  return f;
}

/**
 * The features the target's metadata claims, whatever the config gives: a check that needs
 * one of these but is missing it for want of configuration (credentials, a client of the
 * right kind, a way to approve) is untested, not "not claimed".
 */
export function claimedFeatures(
  metadata: Record<string, unknown>,
  profile?: Profile,
): Set<Feature> {
  const full: TargetConfig = {
    apiKey: "x",
    clientIdPrefix: "x",
    admin: { token: "x" },
    user: { username: "x", password: "x" },
    ...(profile === "oauth"
      ? {
          oauth: {
            clients: [
              { clientId: "x", clientSecret: "x", authMethod: "client_secret_basic" },
              { clientId: "y", authMethod: "private_key_jwt", privateKey: "x" },
            ],
          },
        }
      : {}),
  } as TargetConfig;
  const f = deriveFeatures(metadata, full, profile);
  // Claimed by naming the endpoint, whichever client authentication it takes.
  if (str(metadata, "revocation_endpoint")) f.add("revocation");
  if (str(metadata, "introspection_endpoint")) f.add("introspection");
  f.add("admin");
  f.add("user_credentials");
  f.add("api_key");
  return f;
}

/**
 * Polls the metadata URL until it answers 200 (at most `waitMs`; every 250 ms), for a target
 * that is still starting. Returns when it answers or the time is up (discovery then reports
 * what is wrong).
 */
export async function waitForTarget(opts: {
  baseUrl?: string;
  discoveryUrl?: string;
  waitMs: number;
  dispatcher?: Dispatcher;
  /** Extra headers for the target's origin (a gateway may answer 401 without them). */
  extraHeaders?: Record<string, string>;
  signal?: AbortSignal;
}): Promise<void> {
  const url =
    opts.discoveryUrl ?? (opts.baseUrl ? wellKnownUrl(normalizeBaseUrl(opts.baseUrl)) : undefined);
  if (!url) return;
  const deadline = Date.now() + opts.waitMs;
  const http = createHttpClient({
    baseUrl: url,
    timeoutMs: 2_000,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  });
  try {
    while (Date.now() < deadline && !opts.signal?.aborted) {
      const res = await http
        .request({ method: "GET", url, label: "wait for the target" })
        .catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  } finally {
    await http.close();
  }
}

function approvalAvailable(metadata: Record<string, unknown>, config: TargetConfig): boolean {
  const method = effectiveApproval(config)?.method;
  if (method === "command" || method === "webhook") return true;
  if (method === "admin-api") return str(metadata, "dtp_admin_endpoint");
  return false;
}

/** The approval method in effect: the configured one, or the admin API when a token is given. */
export function effectiveApproval(config: TargetConfig): TargetConfig["approval"] {
  if (config.approval) return config.approval;
  if (config.admin) return { method: "admin-api" };
  return undefined;
}

/** Why a feature is missing, in words a vendor can act on. */
export function missingFeatureReason(feature: Feature, target: Target): string {
  const m = target.metadata;
  if (target.profile === "oauth") {
    const reason = missingOAuthFeatureReason(feature, target);
    if (reason !== undefined) return reason;
  }
  switch (feature) {
    case "dtp":
      return "target metadata has no dtp_version (not a DTP server)";
    case "device_code":
      return !str(m, "device_authorization_endpoint")
        ? "target metadata has no device_authorization_endpoint"
        : `target metadata does not list ${DEVICE_CODE_GRANT} in grant_types_supported`;
    case "refresh_token":
      return "target metadata does not list refresh_token in grant_types_supported";
    case "revocation":
      return "target metadata has no revocation_endpoint";
    case "introspection":
      return "target metadata has no introspection_endpoint";
    case "dpop":
      return "target metadata has no dpop_signing_alg_values_supported";
    case "client_credentials":
      return "target metadata does not offer client_credentials with private_key_jwt";
    case "http_signatures":
      return "target metadata has no dtp_http_signature_algs_supported";
    case "login":
      return "target metadata has no dtp_login_endpoint";
    case "personal_tokens":
      return "target metadata has no dtp_personal_tokens_endpoint";
    case "resource":
      return "target metadata has no dtp_resource_endpoint";
    case "admin": {
      const a = effectiveApproval(target.config);
      if (a?.method === "admin-api") {
        return !target.config.admin
          ? 'approval "admin-api" needs "admin": { "token": … } in the config'
          : "target metadata has no dtp_admin_endpoint; configure approval by command or webhook";
      }
      return 'no way to approve registrations: add "approval" (admin-api, command or webhook) to the config';
    }
    case "user_credentials":
      return 'the config has no "user" to log in with';
    case "api_key":
      return 'no API key: pass --config <file> with "apiKey"';
  }
}

/** The OAuth profile's own reasons (features that come from the config there). */
function missingOAuthFeatureReason(feature: Feature, target: Target): string | undefined {
  switch (feature) {
    case "dtp":
    case "http_signatures":
    case "login":
    case "personal_tokens":
      return "a DTP extension: the OAuth profile does not use it";
    case "resource":
      return 'OAuth profile: no protected resource; add "oauth": { "resourceUrl": … } to the config';
    case "client_credentials":
      return target.config.oauth?.clients.some((c) => c.authMethod === "private_key_jwt")
        ? "target metadata does not offer client_credentials with private_key_jwt"
        : 'OAuth profile: no private_key_jwt client in "oauth": { "clients": … }';
    case "revocation":
    case "introspection":
      return str(target.metadata, `${feature}_endpoint`)
        ? endpointAuthGap(target, feature)
        : undefined;
    case "admin":
      return 'OAuth profile: no way to approve device codes: add "approval" (command or webhook) to the config';
    case "api_key": {
      const offered = offeredAuthMethods(target.metadata).filter((m) =>
        ["client_secret_basic", "client_secret_post", "none"].includes(m),
      );
      const configured = [
        ...new Set((target.config.oauth?.clients ?? []).map((c) => c.authMethod)),
      ];
      const first = offered[0] ?? "client_secret_basic";
      const example =
        first === "none"
          ? `{ "clientId", "authMethod": "none" }`
          : `{ "clientId", "clientSecret", "authMethod": "${first}" }`;
      return `OAuth profile: no pre-registered client the target accepts (its token_endpoint_auth_methods_supported: ${offered.join(", ") || "none the kit can use"}${configured.length ? `; configured: ${configured.join(", ")}` : ""}): add "oauth": { "clients": [${example}] } to the config`;
    }
    default:
      return undefined;
  }
}
