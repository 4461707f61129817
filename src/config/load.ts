/**
 * Loading the target config: read the JSON file, validate it against the schema, resolve
 * `{ "env": "NAME" }` secrets and durations. Every problem is a {@link ConfigError}
 * (exit code 2) whose message quotes the field.
 */
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError } from "../check/failure.ts";
import { extraHeaderProblem, type TransportFiles } from "../http/transport.ts";
import { parseDuration } from "./duration.ts";
import { readTextFile } from "./read-file.ts";
import {
  type ApprovalConfig,
  DEFAULT_CLIENT_ID_PREFIX,
  type OAuthClient,
  type OAuthConfig,
  type TargetConfig,
  type TargetConfigFile,
  targetConfigFileSchema,
} from "./schema.ts";

type Env = Record<string, string | undefined>;

/**
 * Reads and resolves a config file.
 *
 * @example
 * const config = await loadConfig("dtp.config.json");
 */
export async function loadConfig(path: string, env: Env = process.env): Promise<TargetConfig> {
  const text = await readTextFile(path, "config file", (m) => new ConfigError(m));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return resolveConfig(json, env, path, dirname(resolve(path)));
}

/** The webhook body when the config gives none: the action and the user code as JSON. */
const DEFAULT_WEBHOOK_BODY = { action: "{action}", user_code: "{user_code}" };

/** Validates a config object and resolves its secrets and durations. */
export function resolveConfig(
  input: unknown,
  env: Env = process.env,
  source = "config",
  /** Directory that relative file paths (tls) are resolved against. */
  dir = process.cwd(),
): TargetConfig {
  const parsed = targetConfigFileSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`${source}: ${formatIssues(parsed.error)}`);
  const file: TargetConfigFile = parsed.data;
  const secret = (value: NonNullable<TargetConfigFile["apiKey"]>, field: string): string => {
    if (typeof value === "string") return value;
    const v = env[value.env];
    if (v === undefined || v === "") {
      throw new ConfigError(
        `${source}: "${field}" reads environment variable ${value.env}, which is not set`,
        "DTP_CONFIG_ENV_MISSING",
      );
    }
    return v;
  };
  const duration = (value: string | undefined, field: string): number | undefined => {
    if (value === undefined) return undefined;
    const ms = parseDuration(value);
    if (ms === undefined)
      throw new ConfigError(`${source}: "${field}" is not a duration: ${value}`);
    return ms;
  };

  const out: TargetConfig = {
    apiKey: file.apiKey !== undefined ? secret(file.apiKey, "apiKey") : "",
    clientIdPrefix: file.clientIdPrefix ?? DEFAULT_CLIENT_ID_PREFIX,
  };
  if (file.baseUrl !== undefined) out.baseUrl = file.baseUrl;
  if (file.discoveryUrl !== undefined) out.discoveryUrl = file.discoveryUrl;
  if (file.admin) out.admin = { token: secret(file.admin.token, "admin.token") };
  if (file.approval) {
    const a = file.approval;
    let approval: ApprovalConfig;
    switch (a.method) {
      case "admin-api":
        approval = { method: "admin-api" };
        break;
      case "command":
        approval = { method: "command", approve: a.approve, ...(a.deny ? { deny: a.deny } : {}) };
        break;
      case "webhook": {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(a.headers ?? {}))
          headers[k] = secret(v, `approval.headers.${k}`);
        if (a.denyUrl !== undefined && a.approveUrl === undefined) {
          throw new ConfigError(`${source}: approval "webhook": "denyUrl" goes with "approveUrl"`);
        }
        const approveUrl = a.approveUrl ?? a.url;
        if (approveUrl === undefined || (a.url !== undefined && a.approveUrl !== undefined)) {
          throw new ConfigError(
            `${source}: approval "webhook" needs either "url" (one URL for both decisions) or "approveUrl" (with "denyUrl")`,
          );
        }
        const denyUrl = a.denyUrl ?? a.url;
        approval = {
          method: "webhook",
          approveUrl,
          ...(denyUrl !== undefined ? { denyUrl } : {}),
          body:
            typeof a.body === "string" ? a.body : JSON.stringify(a.body ?? DEFAULT_WEBHOOK_BODY),
          contentType: a.contentType ?? "application/json",
          headers,
        };
        break;
      }
    }
    out.approval = approval;
  }
  if (file.instances !== undefined) out.instances = file.instances;
  if (file.user) {
    out.user = {
      username: file.user.username,
      password: secret(file.user.password, "user.password"),
    };
    if (file.user.cardId !== undefined) out.user.cardId = file.user.cardId;
  }
  if (file.otherUser) {
    if (file.user && file.otherUser.username === file.user.username) {
      throw new ConfigError(
        `${source}: "otherUser" must be another user than "user" (both are ${JSON.stringify(file.user.username)})`,
      );
    }
    out.otherUser = {
      username: file.otherUser.username,
      password: secret(file.otherUser.password, "otherUser.password"),
    };
  }
  if (file.oauth) {
    const oauth: OAuthConfig = {
      clients: file.oauth.clients.map((c, i) => {
        const client: OAuthClient = { clientId: c.clientId, authMethod: c.authMethod };
        if (c.authMethod === "client_secret_basic" || c.authMethod === "client_secret_post") {
          client.clientSecret =
            c.clientSecret !== undefined
              ? secret(c.clientSecret, `oauth.clients.${i}.clientSecret`)
              : out.apiKey;
          if (client.clientSecret === "") {
            throw new ConfigError(
              `${source}: "oauth.clients.${i}.clientSecret" is required for ${c.authMethod} (there is no apiKey to default to)`,
            );
          }
        }
        if (c.authMethod === "private_key_jwt") {
          if (c.privateKey === undefined) {
            throw new ConfigError(
              `${source}: "oauth.clients.${i}.privateKey" is required for private_key_jwt`,
            );
          }
          client.privateKey = secret(c.privateKey, `oauth.clients.${i}.privateKey`);
        }
        return client;
      }),
    };
    if (file.oauth.scope !== undefined) oauth.scope = file.oauth.scope;
    if (file.oauth.resourceUrl !== undefined) oauth.resourceUrl = file.oauth.resourceUrl;
    out.oauth = oauth;
  }
  const transport: TransportFiles = {};
  if (file.tls) {
    const t = file.tls;
    if (t.ca !== undefined) {
      transport.ca = (Array.isArray(t.ca) ? t.ca : [t.ca]).map((p) => resolve(dir, p));
    }
    if (t.cert !== undefined) transport.cert = resolve(dir, t.cert);
    if (t.key !== undefined) transport.key = resolve(dir, t.key);
    if (t.passphrase !== undefined) transport.passphrase = secret(t.passphrase, "tls.passphrase");
    if (t.insecure) transport.insecure = true;
  }
  if (file.proxy !== undefined) transport.proxy = file.proxy;
  if (Object.keys(transport).length) out.transport = transport;
  if (file.headers) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(file.headers)) {
      headers[name] = secret(value, `headers.${name}`);
      const problem = extraHeaderProblem(name, headers[name]);
      if (problem) throw new ConfigError(`${source}: "headers.${name}": ${problem}`);
    }
    out.headers = headers;
  }
  const request = duration(file.timeouts?.request, "timeouts.request");
  if (request !== undefined) out.requestTimeoutMs = request;
  const check = duration(file.timeouts?.check, "timeouts.check");
  if (check !== undefined) out.checkTimeoutMs = check;
  const maxWait = duration(file.maxWait, "maxWait");
  if (maxWait !== undefined) out.maxWaitMs = maxWait;
  return out;
}

/** The secret values of a config, with labels, for redaction. */
export function configSecrets(config: TargetConfig): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  if (config.apiKey) out.push({ value: config.apiKey, label: "api_key" });
  if (config.admin) out.push({ value: config.admin.token, label: "admin_token" });
  if (config.user) out.push({ value: config.user.password, label: "password" });
  if (config.otherUser)
    out.push({ value: config.otherUser.password, label: "other_user_password" });
  for (const c of config.oauth?.clients ?? []) {
    if (c.clientSecret && c.clientSecret !== config.apiKey)
      out.push({ value: c.clientSecret, label: `client_secret:${c.clientId}` });
    if (c.privateKey) out.push({ value: c.privateKey, label: `private_key:${c.clientId}` });
  }
  for (const [name, value] of Object.entries(config.headers ?? {}))
    out.push({ value, label: `header:${name.toLowerCase()}` });
  if (config.transport?.passphrase)
    out.push({ value: config.transport.passphrase, label: "tls_passphrase" });
  if (config.approval?.method === "webhook") {
    for (const [k, v] of Object.entries(config.approval.headers))
      out.push({ value: v, label: `header:${k.toLowerCase()}` });
  }
  return out;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => {
      const path = i.path.length ? `"${i.path.join(".")}"` : "the config";
      return `${path}: ${i.message}`;
    })
    .join("; ");
}
