/**
 * The embedded reference server: `dtp test` with no URL starts it in-process (memory store,
 * short lifetimes) and tests it. This is the only file that imports the reference server,
 * so that the kit itself does not depend on it for remote targets (the import is dynamic).
 */
import type { TargetConfig } from "../config/schema.ts";
import { DEFAULT_CLIENT_ID_PREFIX } from "../config/schema.ts";

export interface EmbeddedTarget {
  url: string;
  /** The target config of the embedded server: its API key, admin key and demo user. */
  config: TargetConfig;
  close(): Promise<void>;
}

/** The options `dtp serve` passes (a subset of the reference server's ServerOptions). */
export interface ServeOptions {
  port?: number;
  host?: string;
  store?: { kind: "sqlite"; file: string } | { kind: "memory" };
  lifetimes?: Partial<{
    accessToken: number;
    refreshToken: number;
    deviceCode: number;
    interval: number;
    personalTokenMax: number;
    dpopProofMaxAge: number;
    assertionMaxLifetime: number;
    signatureMaxAge: number;
  }>;
  clockSkew?: number;
  refreshReuseGrace?: number;
  dpopNonceRequired?: boolean;
  policies?: Partial<{ allowUntrustedEndpoints: boolean; allowUnauthenticatedRequests: boolean }>;
  adminKey?: string;
  apiKey?: string;
  users?: { username: string; password: string; cardId?: string }[];
}

export interface RunningReferenceServer {
  url: string;
  adminKey: string;
  apiKey: string;
  users: { username: string; password: string; cardId?: string }[];
  close(): Promise<void>;
}

/** Starts the reference server (`dtp serve`); `short` applies SHORT_LIFETIMES under the given ones. */
export async function startServer(
  options: ServeOptions,
  short: boolean,
): Promise<RunningReferenceServer> {
  const { startReferenceServer, SHORT_LIFETIMES } = await import("../../reference-server/index.ts");
  return startReferenceServer({
    ...options,
    lifetimes: { ...(short ? SHORT_LIFETIMES : {}), ...(options.lifetimes ?? {}) },
  });
}

/** Starts the reference server with short lifetimes on a free loopback port. */
export async function startEmbeddedTarget(): Promise<EmbeddedTarget> {
  const { startReferenceServer, SHORT_LIFETIMES } = await import("../../reference-server/index.ts");
  const server = await startReferenceServer({
    port: 0,
    host: "127.0.0.1",
    store: { kind: "memory" },
    lifetimes: SHORT_LIFETIMES,
  });
  const user = server.users[0];
  const config: TargetConfig = {
    apiKey: server.apiKey,
    clientIdPrefix: DEFAULT_CLIENT_ID_PREFIX,
    admin: { token: server.adminKey },
    approval: { method: "admin-api" },
  };
  if (user) {
    config.user = { username: user.username, password: user.password };
    if (user.cardId !== undefined) config.user.cardId = user.cardId;
  }
  return { url: server.url, config, close: () => server.close() };
}
