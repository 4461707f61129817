/**
 * Hosts the broken servers in one worker thread, so that their event loop is apart from
 * the kit's (the kit's CPU-heavy checks — key generation, signing — never stall a server
 * into false timing results, and the servers never stall the kit's clocks).
 *
 * Main thread: `const host = await startFaultHost(); const s = await host.start("F-…")`
 * (`null`: the unmodified reference server); `await s.close(); await host.close()`.
 * Worker: looks the fault up in the catalogue by id and starts the reference server with
 * the catalogue's base options, the fault's options and its fixture.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { ServerOptionsInput } from "../../reference-server/index.ts";

const FLAG = "dtpBrokenServerHost";

export interface HostedServer {
  url: string;
  apiKey: string;
  adminKey: string;
  users: { username: string; password: string; cardId?: string }[];
  /** A multi-instance fault's instances (proxies in front of the server), else absent. */
  instances?: string[];
  close(): Promise<void>;
}

export interface FaultHost {
  /** Starts the server with fault `faultId` (null: no fault) and `options` over the base ones. */
  start(faultId: string | null, options?: ServerOptionsInput): Promise<HostedServer>;
  close(): Promise<void>;
}

type Request =
  | { type: "start"; id: number; faultId: string | null; options: ServerOptionsInput }
  | { type: "close"; id: number; serverId: number };
type Response =
  | {
      type: "started";
      id: number;
      url: string;
      apiKey: string;
      adminKey: string;
      users: HostedServer["users"];
      instances?: string[];
    }
  | { type: "closed"; id: number }
  | { type: "error"; id: number; message: string };

export async function startFaultHost(): Promise<FaultHost> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { [FLAG]: true } });
  const pending = new Map<number, (r: Response) => void>();
  let next = 0;
  let exited: Error | undefined;
  worker.on("message", (r: Response) => {
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  const onExit = (why: string) => {
    exited = new Error(`broken-server host: ${why}`);
    for (const [id, resolve] of pending) resolve({ type: "error", id, message: exited.message });
    pending.clear();
  };
  worker.on("error", (e) => onExit(e.message));
  worker.on("exit", (code) => onExit(`exited (${code})`));
  const call = (
    req:
      | { type: "start"; faultId: string | null; options: ServerOptionsInput }
      | { type: "close"; serverId: number },
  ): Promise<Response> => {
    if (exited) return Promise.reject(exited);
    const id = next++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ ...req, id });
    });
  };
  return {
    async start(faultId, options = {}) {
      const r = await call({ type: "start", faultId, options });
      if (r.type === "error") throw new Error(r.message);
      if (r.type !== "started") throw new Error(`unexpected ${r.type}`);
      const serverId = r.id;
      return {
        url: r.url,
        apiKey: r.apiKey,
        adminKey: r.adminKey,
        users: r.users,
        ...(r.instances ? { instances: r.instances } : {}),
        close: async () => {
          const c = await call({ type: "close", serverId });
          if (c.type === "error") throw new Error(c.message);
        },
      };
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}

/** Worker side. Server ids are the ids of their start requests. */
async function runHost(): Promise<void> {
  if (!parentPort) return;
  const port = parentPort;
  const { startReferenceServer, SHORT_LIFETIMES } = await import("../../reference-server/index.ts");
  const { faultById } = await import("./faults/index.ts");
  const { randomToken } = await import("../../src/protocol/random.ts");
  const { startInstanceProxies } = await import("./instance-proxies.ts");
  // The faults crash handlers on purpose: keep their 500s out of the test output.
  const error = console.error;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("dtp reference server: internal error"))
      return;
    error(...args);
  };
  const servers = new Map<number, { close(): Promise<void> }>();
  const reply = (r: Response) => port.postMessage(r);
  port.on("message", async (req: Request) => {
    try {
      if (req.type === "start") {
        const fault = req.faultId === null ? undefined : faultById(req.faultId);
        if (req.faultId !== null && !fault) throw new Error(`no fault ${req.faultId}`);
        const options: ServerOptionsInput = { ...fault?.options, ...req.options };
        const server = await startReferenceServer(
          {
            // The default demo users, explicit so that faults can see them in app.options.
            users: [
              { username: "alice", password: randomToken(12), cardId: "CARD-1234" },
              { username: "bob", password: randomToken(12) },
            ],
            ...options,
            port: 0,
            host: "127.0.0.1",
            store: { kind: "memory" },
            lifetimes: { ...SHORT_LIFETIMES, ...options.lifetimes },
          },
          fault ? fault.fixture() : {},
        );
        const proxies = fault?.instances
          ? await startInstanceProxies(server.url, fault.instances)
          : undefined;
        servers.set(req.id, {
          close: async () => {
            await proxies?.close();
            await server.close();
          },
        });
        reply({
          type: "started",
          id: req.id,
          url: server.url,
          apiKey: server.apiKey,
          adminKey: server.adminKey,
          users: server.users,
          ...(proxies ? { instances: proxies.urls } : {}),
        });
      } else {
        const server = servers.get(req.serverId);
        servers.delete(req.serverId);
        await server?.close();
        reply({ type: "closed", id: req.id });
      }
    } catch (e) {
      reply({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[FLAG] === true) {
  await runHost();
}
