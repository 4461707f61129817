/**
 * `dtp serve`: run the reference server until SIGINT / SIGTERM.
 *
 * Secrets never come from the command line, where the process list shows them: the admin
 * and API keys come from the environment (`DTP_ADMIN_KEY`, `DTP_API_KEY`) or from files
 * (`--admin-key-file`, `--api-key-file`), the key-encryption key of the signing key from
 * `DTP_KEY_ENCRYPTION_KEY` or `--key-file`.
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../check/failure.ts";
import { readTextFile } from "../config/read-file.ts";
import { type ServeOptions, startServer } from "./embedded.ts";
import { serveInstances } from "./instances.ts";
import type { CliIo } from "./io.ts";
import { durationSeconds, durationSecondsOrZero, port, user } from "./options.ts";

export interface ServeFlags {
  port?: number;
  host?: string;
  store?: string;
  memory?: boolean;
  issuer?: string;
  instances?: number;
  short?: boolean;
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  deviceCodeTtl?: number;
  interval?: number;
  personalTokenMax?: number;
  dpopMaxAge?: number;
  assertionMaxLifetime?: number;
  signatureMaxAge?: number;
  clockSkew?: number;
  refreshReuseGrace?: number;
  dpopNonce?: boolean;
  allowUntrustedEndpoints?: boolean;
  allowUnauthenticatedRequests?: boolean;
  adminKeyFile?: string;
  apiKeyFile?: string;
  keyFile?: string;
  user?: { username: string; password: string; cardId?: string }[];
  tlsCert?: string;
  tlsKey?: string;
}

const opt = (flags: string, description: string, env: string) =>
  new Option(flags, description).env(env);

export function serveCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("serve")
    .description(
      "Run the DTP reference server (prints its URL, admin key and demo API key; stops on Ctrl-C)",
    )
    .addOption(
      opt("-p, --port <port>", "port to listen on (0 = any free port)", "DTP_PORT")
        .argParser(port)
        .default(8080),
    )
    .addOption(opt("--host <host>", "address to listen on", "DTP_HOST").default("127.0.0.1"))
    .addOption(
      opt(
        "--store <file|url>",
        "SQLite store file (default dtp-reference.sqlite), or a PostgreSQL URL postgres://user:password@host:port/database",
        "DTP_STORE",
      ),
    )
    .addOption(
      opt(
        "--instances <n>",
        "start n processes on one store (sqlite file or PostgreSQL) behind one issuer: the first instance's URL, or --issuer; ports --port, --port+1, … (0: free ports)",
        "DTP_INSTANCES",
      ).argParser(instanceCount),
    )
    .addOption(
      opt(
        "--issuer <url>",
        "the issuer identifier when it is not this process's URL (e.g. a load balancer in front of --instances)",
        "DTP_ISSUER",
      ),
    )
    .addOption(
      opt("--memory", "keep everything in memory (lost on exit)", "DTP_MEMORY").conflicts("store"),
    )
    .addOption(
      opt("--short", "short lifetimes for conformance runs (explicit flags win)", "DTP_SHORT"),
    )
    .addOption(
      opt(
        "--access-token-ttl <duration>",
        "access-token lifetime (default 1h)",
        "DTP_ACCESS_TOKEN_TTL",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--refresh-token-ttl <duration>",
        "refresh-token lifetime (default 90d)",
        "DTP_REFRESH_TOKEN_TTL",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--device-code-ttl <duration>",
        "device-code lifetime (default 10m)",
        "DTP_DEVICE_CODE_TTL",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--interval <duration>",
        "minimum polling interval (default 5s)",
        "DTP_INTERVAL",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--personal-token-max <duration>",
        "longest personal-token lifetime (default 365d)",
        "DTP_PERSONAL_TOKEN_MAX",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--dpop-max-age <duration>",
        "DPoP proof max age (default 5m)",
        "DTP_DPOP_MAX_AGE",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--assertion-max-lifetime <duration>",
        "client assertion max exp - iat (default 5m)",
        "DTP_ASSERTION_MAX_LIFETIME",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--signature-max-age <duration>",
        "HTTP signature max age (default 5m)",
        "DTP_SIGNATURE_MAX_AGE",
      ).argParser(durationSeconds),
    )
    .addOption(
      opt(
        "--clock-skew <duration>",
        "allowance for client clocks (default 5s)",
        "DTP_CLOCK_SKEW",
      ).argParser(durationSecondsOrZero),
    )
    .addOption(
      opt(
        "--refresh-reuse-grace <duration>",
        "grace period for a rotated refresh token (default 0s)",
        "DTP_REFRESH_REUSE_GRACE",
      ).argParser(durationSecondsOrZero),
    )
    .addOption(opt("--no-dpop-nonce", "do not require DPoP server nonces", "DTP_NO_DPOP_NONCE"))
    .addOption(
      opt(
        "--allow-untrusted-endpoints",
        "policy: log in without a device token",
        "DTP_ALLOW_UNTRUSTED_ENDPOINTS",
      ),
    )
    .addOption(
      opt(
        "--allow-unauthenticated-requests",
        "policy: log in with a card ID",
        "DTP_ALLOW_UNAUTHENTICATED_REQUESTS",
      ),
    )
    .addOption(
      opt(
        "--admin-key-file <file>",
        "file holding the admin bearer key; or set DTP_ADMIN_KEY (default: random, printed). There is no --admin-key: the process list would show it",
        "DTP_ADMIN_KEY_FILE",
      ),
    )
    .addOption(
      opt(
        "--api-key-file <file>",
        "file holding the vendor API key; or set DTP_API_KEY (default: random, printed)",
        "DTP_API_KEY_FILE",
      ),
    )
    .addOption(
      opt(
        "--key-file <file>",
        "file holding the key that encrypts the signing key in the store (created, mode 0600, when missing); or set DTP_KEY_ENCRYPTION_KEY (32 bytes, base64url). Default: <store>.key next to the store",
        "DTP_KEY_FILE",
      ),
    )
    .addOption(
      opt(
        "--tls-cert <file>",
        "serve HTTPS with this PEM certificate (chain); with --tls-key",
        "DTP_TLS_CERT",
      ),
    )
    .addOption(opt("--tls-key <file>", "PEM private key of --tls-cert", "DTP_TLS_KEY"))
    .addOption(
      new Option(
        "--user <name:password[:card]>",
        "a user (repeatable; default: a demo user)",
      ).argParser(user),
    )
    .action(async (flags: ServeFlags) => {
      setExit(await serve(flags, io));
    });
}

/** The server options of these flags; `env` gives the secrets that have no flag. */
export function serveOptionsOf(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServeOptions {
  const o: ServeOptions = {};
  if (flags.port !== undefined) o.port = flags.port;
  if (flags.host !== undefined) o.host = flags.host;
  if (flags.memory) o.store = { kind: "memory" };
  else if (flags.store !== undefined)
    o.store = /^postgres(ql)?:\/\//.test(flags.store)
      ? { kind: "postgres", url: flags.store }
      : { kind: "sqlite", file: flags.store };
  if (flags.issuer !== undefined) o.issuer = flags.issuer.replace(/\/+$/, "");
  const lifetimes: NonNullable<ServeOptions["lifetimes"]> = {};
  const set = <K extends keyof typeof lifetimes>(k: K, v: number | undefined) => {
    if (v !== undefined) lifetimes[k] = v;
  };
  set("accessToken", flags.accessTokenTtl);
  set("refreshToken", flags.refreshTokenTtl);
  set("deviceCode", flags.deviceCodeTtl);
  set("interval", flags.interval);
  set("personalTokenMax", flags.personalTokenMax);
  set("dpopProofMaxAge", flags.dpopMaxAge);
  set("assertionMaxLifetime", flags.assertionMaxLifetime);
  set("signatureMaxAge", flags.signatureMaxAge);
  if (Object.keys(lifetimes).length) o.lifetimes = lifetimes;
  if (flags.clockSkew !== undefined) o.clockSkew = flags.clockSkew;
  if (flags.refreshReuseGrace !== undefined) o.refreshReuseGrace = flags.refreshReuseGrace;
  if (flags.dpopNonce === false) o.dpopNonceRequired = false;
  const policies: NonNullable<ServeOptions["policies"]> = {};
  if (flags.allowUntrustedEndpoints) policies.allowUntrustedEndpoints = true;
  if (flags.allowUnauthenticatedRequests) policies.allowUnauthenticatedRequests = true;
  if (Object.keys(policies).length) o.policies = policies;
  // The key files (read by serve(), which knows the working directory) win over these.
  if (env.DTP_ADMIN_KEY) o.adminKey = env.DTP_ADMIN_KEY;
  if (env.DTP_API_KEY) o.apiKey = env.DTP_API_KEY;
  if (flags.keyFile !== undefined) o.keyFile = flags.keyFile;
  if (env.DTP_KEY_ENCRYPTION_KEY) o.keyEncryptionKey = env.DTP_KEY_ENCRYPTION_KEY;
  if (flags.user?.length) o.users = flags.user;
  return o;
}

async function serve(flags: ServeFlags, io: CliIo): Promise<number> {
  if ((flags.instances ?? 1) > 1)
    return serveInstances(await serverOptionsOf(flags, io), flags, io);
  const options = await serverOptionsOf(flags, io);
  const server = await startServer(options, flags.short ?? false);
  io.stdout(`DTP reference server listening on ${server.url}\n`);
  io.stdout(`  admin key   ${server.adminKey}\n`);
  io.stdout(`  API key     ${server.apiKey}\n`);
  if (
    options.store?.kind !== "memory" &&
    options.store?.kind !== "postgres" &&
    options.keyEncryptionKey === undefined
  ) {
    const file = options.store?.kind === "sqlite" ? options.store.file : "dtp-reference.sqlite";
    io.stdout(
      `  key file    ${options.keyFile ?? `${file}.key`} (encrypts the signing key kept in the store: keep it apart from copies of the store)\n`,
    );
  }
  for (const u of server.users) {
    io.stdout(
      `  user        ${u.username}:${u.password}${u.cardId ? ` (card ${u.cardId})` : ""}\n`,
    );
  }
  const config = {
    apiKey: server.apiKey,
    admin: { token: server.adminKey },
    approval: { method: "admin-api" },
    ...(server.users[0] ? { user: server.users[0] } : {}),
    ...(server.users[1]
      ? { otherUser: { username: server.users[1].username, password: server.users[1].password } }
      : {}),
  };
  io.stdout(`Test it: save ${JSON.stringify(config)} as dtp.config.json, then\n`);
  io.stdout(`         dtp test ${server.url} --config dtp.config.json\n`);
  io.onServing?.({ url: server.url, adminKey: server.adminKey, apiKey: server.apiKey });
  // main() turns SIGINT / SIGTERM into an abort of io.signal.
  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  io.stdout("stopping\n");
  await server.close();
  return 0;
}

/** The options of `flags`, with the key files and TLS files read. */
async function serverOptionsOf(flags: ServeFlags, io: CliIo): Promise<ServeOptions> {
  const options = serveOptionsOf(flags);
  for (const [file, option, key] of [
    [flags.adminKeyFile, "--admin-key-file", "adminKey"],
    [flags.apiKeyFile, "--api-key-file", "apiKey"],
  ] as const) {
    if (file !== undefined) options[key] = await readSecret(resolve(io.cwd, file), option);
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined) {
    options.tls = {
      cert: await readPem(resolve(io.cwd, flags.tlsCert), "--tls-cert"),
      key: await readPem(resolve(io.cwd, flags.tlsKey), "--tls-key"),
    };
  }
  return options;
}

function instanceCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError("expected a whole number of instances from 1 to 64");
  return n;
}

function readPem(path: string, option: string): Promise<string> {
  return readTextFile(path, option, (m) => new UsageError(m));
}

/** A key from a file: one line (a trailing newline is dropped), or a usage error. */
async function readSecret(path: string, option: string): Promise<string> {
  const text = await readTextFile(path, option, (m) => new UsageError(m));
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "" || /[\r\n]/.test(secret))
    throw new UsageError(`${option} ${path} must hold the key on one line`);
  return secret;
}
