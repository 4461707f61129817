/**
 * The embedded reference server: `dtp test` with no URL starts it in-process (memory store,
 * short lifetimes) and tests it. This is the only file that imports the reference server,
 * so that the kit itself does not depend on it for remote targets (the import is dynamic).
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
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
  store?: { kind: "sqlite"; file: string } | { kind: "memory" } | { kind: "postgres"; url: string };
  /** The issuer when it is not the listening URL (instances behind one issuer). */
  issuer?: string;
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
  keyFile?: string;
  keyEncryptionKey?: string;
  users?: { username: string; password: string; cardId?: string }[];
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string };
}

export interface RunningReferenceServer {
  url: string;
  issuer: string;
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

interface ReadyMessage {
  type: "ready";
  url: string;
  adminKey: string;
  apiKey: string;
  users: { username: string; password: string; cardId?: string }[];
}
type WorkerMessage = ReadyMessage | { type: "error"; message: string } | { type: "closed" };

const WORKER_FLAG = "dtpEmbeddedReferenceServer";

/**
 * Starts the reference server with short lifetimes on a free loopback port, in a worker
 * thread: the server keeps its own event loop, so CPU-heavy checks (key generation,
 * signing) in the kit's thread never stall it into false timeouts.
 */
export async function startEmbeddedTarget(): Promise<EmbeddedTarget> {
  const self = new URL(import.meta.url);
  const worker = new Worker(self, { workerData: { [WORKER_FLAG]: true } });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      if (m.type === "ready") resolve(m);
      else if (m.type === "error") reject(new Error(`embedded reference server: ${m.message}`));
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`embedded reference server exited (${code})`)));
  });
  worker.removeAllListeners("exit");
  worker.removeAllListeners("error");
  worker.on("error", () => {});
  const close = async () => {
    const closed = new Promise<void>((resolve) => {
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "closed") resolve();
      });
      worker.once("exit", () => resolve());
      setTimeout(resolve, 5000).unref();
    });
    worker.postMessage("close");
    await closed;
    await worker.terminate();
  };
  const user = ready.users[0];
  const config: TargetConfig = {
    apiKey: ready.apiKey,
    clientIdPrefix: DEFAULT_CLIENT_ID_PREFIX,
    admin: { token: ready.adminKey },
    approval: { method: "admin-api" },
  };
  if (user) {
    config.user = { username: user.username, password: user.password };
    if (user.cardId !== undefined) config.user.cardId = user.cardId;
  }
  const other = ready.users[1];
  if (other) config.otherUser = { username: other.username, password: other.password };
  return { url: ready.url, config, close };
}

/** Worker side: start the server, report its URL and credentials, close on request. */
async function runWorker(): Promise<void> {
  if (!parentPort) return;
  const port = parentPort;
  try {
    const { startReferenceServer, EMBEDDED_LIFETIMES, EMBEDDED_CLOCK_SKEW } = await import(
      "../../reference-server/index.ts"
    );
    const server = await startReferenceServer({
      port: 0,
      host: "127.0.0.1",
      store: { kind: "memory" },
      lifetimes: EMBEDDED_LIFETIMES,
      clockSkew: EMBEDDED_CLOCK_SKEW,
    });
    port.on("message", async (m: unknown) => {
      if (m !== "close") return;
      await server.close().catch(() => {});
      port.postMessage({ type: "closed" } satisfies WorkerMessage);
      port.close();
    });
    port.postMessage({
      type: "ready",
      url: server.url,
      adminKey: server.adminKey,
      apiKey: server.apiKey,
      users: server.users.map((u) => ({ ...u })),
    } satisfies WorkerMessage);
  } catch (err) {
    port.postMessage({
      type: "error",
      message: err instanceof Error ? err.message : String(err),
    } satisfies WorkerMessage);
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] === true) {
  await runWorker();
}
