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
