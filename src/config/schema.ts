/**
 * The target config: how the kit talks to a server under test (credentials, how to approve
 * a pending registration, time settings). The file format is defined here with zod and
 * published as JSON Schema in `schemas/dtp-config.schema.json` (a test fails on drift).
 *
 * Secrets are either a literal string or `{ "env": "NAME" }`, resolved when the file is
 * loaded (a missing variable is a config error naming it).
 *
 * @example
 * {
 *   "$schema": "https://dtp.dev/schemas/dtp-config.schema.json",
 *   "baseUrl": "https://as.example.com",
 *   "apiKey": { "env": "DTP_API_KEY" },
 *   "admin": { "token": { "env": "DTP_ADMIN_TOKEN" } },
 *   "approval": { "method": "admin-api" },
 *   "user": { "username": "alice", "password": { "env": "DTP_USER_PASSWORD" } }
 * }
 */
import { z } from "zod";
import type { TransportFiles } from "../http/transport.ts";
import { DURATION_PATTERN } from "./duration.ts";

export const secretSchema = z
  .union([
    z.string().min(1),
    z
      .strictObject({
        env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
          .describe("Name of the environment variable holding the secret"),
      })
      .describe("Read the secret from an environment variable"),
  ])
  .describe('A secret: the value itself, or { "env": "NAME" } to read it from the environment');

export const durationSchema = z
  .string()
  .regex(new RegExp(DURATION_PATTERN))
  .describe('A duration: "500ms", "10s", "2m", "1h", "90d" (a bare number means seconds)');

const httpUrl = z.url({ protocol: /^https?$/ }).describe("An absolute http(s) URL");

export const approvalSchema = z
  .discriminatedUnion("method", [
    z
      .strictObject({ method: z.literal("admin-api") })
      .describe("Approve through the DTP admin API (needs admin.token)"),
    z
      .strictObject({
        method: z.literal("command"),
        approve: z
          .string()
          .min(1)
          .describe(
            "Shell command that approves a registration. Gets the user code in the DTP_USER_CODE environment variable; {user_code} is substituted too",
          ),
        deny: z.string().min(1).optional().describe("Shell command that denies a registration"),
      })
      .describe("Approve by running a shell command"),
    z
      .strictObject({
        method: z.literal("webhook"),
        url: httpUrl
          .optional()
          .describe(
            'One URL for both decisions; it gets the body with the action in it (default body: {"action": "approve"|"deny", "user_code": "..."} as JSON)',
          ),
        approveUrl: httpUrl
          .optional()
          .describe("URL that approves (instead of url); {user_code} in it is substituted"),
        denyUrl: httpUrl
          .optional()
          .describe(
            "URL that denies (with approveUrl); without it, checks that need a denial are untested",
          ),
        body: z
          .union([z.string(), z.record(z.string(), z.unknown())])
          .optional()
          .describe(
            'Body template: a string, or a JSON object whose string values are templates; {user_code} and {action} are substituted (escaped for the content type). Default: {"action": "{action}", "user_code": "{user_code}"}',
          ),
        contentType: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Content-Type of the body (default application/json; application/x-www-form-urlencoded escapes substitutions as form values)",
          ),
        headers: z
          .record(z.string(), secretSchema)
          .optional()
          .describe("Extra request headers (for example Authorization), secrets allowed"),
      })
      .describe("Approve by calling a webhook"),
  ])
  .describe("How the kit gets a pending registration approved or denied");

export const OAUTH_CLIENT_AUTH_METHODS = [
  "client_secret_basic",
  "client_secret_post",
  "none",
  "private_key_jwt",
] as const;
export type OAuthClientAuthMethod = (typeof OAUTH_CLIENT_AUTH_METHODS)[number];

export const oauthClientSchema = z
  .strictObject({
    clientId: z.string().min(1).describe("The client_id registered at the server"),
    clientSecret: secretSchema
      .optional()
      .describe(
        "Its client secret (client_secret_basic / _post); default: apiKey (one of the two is required for those methods)",
      ),
    authMethod: z
      .enum(OAUTH_CLIENT_AUTH_METHODS)
      .describe("Its token_endpoint_auth_method (RFC 7591 §2)"),
    privateKey: secretSchema
      .optional()
      .describe(
        "private_key_jwt: the client's EC P-256 private key, as a PKCS#8 PEM or a private JWK (JSON)",
      ),
  })
  .describe("A client pre-registered at the server for the kit");

export const oauthSchema = z
  .strictObject({
    clients: z
      .array(oauthClientSchema)
      .min(1)
      .describe(
        "Pre-registered clients (RFC 6749 §2). The kit uses the client_secret_basic / _post ones in turn wherever a check needs a client (give three so checks involving two or more clients get distinct ones), the private_key_jwt one for client assertions (RFC 7523)",
      ),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe(
        'scope of the kit\'s device authorization requests (it must get a refresh token, e.g. "openid offline_access")',
      ),
    resourceUrl: httpUrl
      .optional()
      .describe(
        "A protected resource accepting the server's access tokens (RFC 6750 / RFC 9449), e.g. the userinfo endpoint; checks that call a resource are skipped without it",
      ),
  })
  .describe(
    "OAuth profile (dtp test --profile oauth): how the kit acts as a client of a plain OAuth server",
  );

/** An HTTP header name (RFC 9110 token). */
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
  .describe("A header name");

const proxyUrl = z.url({ protocol: /^https?$/ }).describe("An http:// or https:// proxy URL");

export const tlsSchema = z
  .strictObject({
    ca: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        "PEM file(s) of CAs to trust besides Node's own (which include NODE_EXTRA_CA_CERTS), e.g. the private CA of a staging server; paths relative to this file",
      ),
    cert: z
      .string()
      .min(1)
      .optional()
      .describe("PEM file of the client certificate (chain) for mutual TLS; with key"),
    key: z
      .string()
      .min(1)
      .optional()
      .describe("PEM file of the client certificate's private key; with cert"),
    passphrase: secretSchema.optional().describe("Passphrase of an encrypted key"),
    insecure: z
      .boolean()
      .optional()
      .describe(
        "Do not verify the target's certificate (stated in every report; only for a throwaway test server)",
      ),
  })
  .describe("TLS settings for reaching the target (--ca, --cert, --key, --insecure win)");

export const targetConfigFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe("URL or path of this JSON Schema"),
    baseUrl: httpUrl
      .optional()
      .describe("Base URL (issuer) of the server under test; the command-line URL wins"),
    discoveryUrl: httpUrl
      .optional()
      .describe(
        "Where to fetch RFC 8414 metadata; default <baseUrl>/.well-known/oauth-authorization-server",
      ),
    apiKey: secretSchema
      .optional()
      .describe(
        "The vendor API key: the client_secret devices authenticate with. Required by the dtp profile's checks (without it they are untested); under the OAuth profile only the default secret of client_secret_basic / _post clients that give none",
      ),
    clientIdPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{0,64}$/)
      .optional()
      .describe('Prefix of the client_id values the kit registers (default "dtp-kit-")'),
    admin: z
      .strictObject({ token: secretSchema.describe("Bearer token for the admin API") })
      .optional()
      .describe("Admin API credential"),
    approval: approvalSchema.optional(),
    user: z
      .strictObject({
        username: z.string().min(1),
        password: secretSchema,
        cardId: z.string().min(1).optional().describe("A card ID for weak-identifier login"),
      })
      .optional()
      .describe("A user the kit may log in as through a trusted device"),
    otherUser: z
      .strictObject({ username: z.string().min(1), password: secretSchema })
      .optional()
      .describe(
        "A second user (not the same as user): checks present its personal tokens and session where only user's may be accepted",
      ),
    timeouts: z
      .strictObject({
        request: durationSchema.optional().describe("Per-request deadline (default 10s)"),
        check: durationSchema
          .optional()
          .describe("Deadline of one check, on top of its waits (default 5m)"),
      })
      .optional(),
    maxWait: durationSchema
      .optional()
      .describe("Time a check may spend waiting for lifetimes and intervals (default 60s)"),
    oauth: oauthSchema.optional(),
    tls: tlsSchema.optional(),
    proxy: proxyUrl
      .optional()
      .describe(
        "Forward proxy for every request (http and https targets; https is tunnelled with CONNECT). Default: HTTPS_PROXY / HTTP_PROXY; NO_PROXY applies either way. --proxy wins",
      ),
    instances: z
      .array(httpUrl)
      .min(1)
      .optional()
      .describe(
        "Instances of the server behind the issuer (their origins): the checks' requests are spread over them, a replay always to another one than the original. --instance wins",
      ),
    headers: z
      .record(headerName, secretSchema)
      .optional()
      .describe(
        'Extra headers sent with every request to the target\'s origin, e.g. a gateway\'s {"X-Gateway-Key": {"env": "GATEWAY_KEY"}}; values are redacted in every transcript. --header adds to them',
      ),
  })
  .describe("DTP conformance kit: target config");

export type TargetConfigFile = z.input<typeof targetConfigFileSchema>;
export type ApprovalFileConfig = z.input<typeof approvalSchema>;

/** How a pending registration gets approved, with secrets resolved. */
export type ApprovalConfig =
  | { method: "admin-api" }
  | { method: "command"; approve: string; deny?: string }
  | {
      method: "webhook";
      approveUrl: string;
      /** Undefined: denials cannot be asked for (checks needing one are untested). */
      denyUrl?: string;
      /** The body template, {user_code} and {action} substituted when sent. */
      body: string;
      contentType: string;
      headers: Record<string, string>;
    };

/** A pre-registered client of the OAuth profile, secrets resolved. */
export interface OAuthClient {
  clientId: string;
  authMethod: OAuthClientAuthMethod;
  /** client_secret_basic / _post: the secret (the config's apiKey unless given). */
  clientSecret?: string;
  /** private_key_jwt: the private key (PEM or JWK JSON). */
  privateKey?: string;
}

/** The OAuth profile's section of the config. */
export interface OAuthConfig {
  clients: OAuthClient[];
  scope?: string;
  resourceUrl?: string;
}

/** The target config as checks see it: secrets resolved, durations in milliseconds. */
export interface TargetConfig {
  baseUrl?: string;
  discoveryUrl?: string;
  /** The API key ("" when the run has no config: checks needing it are skipped). */
  apiKey: string;
  clientIdPrefix: string;
  admin?: { token: string };
  approval?: ApprovalConfig;
  user?: { username: string; password: string; cardId?: string };
  /** A second user, for wrong-actor cases (another user's personal tokens). */
  otherUser?: { username: string; password: string };
  requestTimeoutMs?: number;
  checkTimeoutMs?: number;
  maxWaitMs?: number;
  oauth?: OAuthConfig;
  /** TLS and proxy settings, file paths resolved against the config file's directory. */
  transport?: TransportFiles;
  /** Extra headers for requests to the target's origin, secrets resolved. */
  headers?: Record<string, string>;
  /** Origins of the target's instances (`instances`). */
  instances?: string[];
}

export const DEFAULT_CLIENT_ID_PREFIX = "dtp-kit-";
