/**
 * The IPC contract between a benchmark script and a server under test, which runs in its
 * own process (child_process.fork) so that the load generator never shares its event loop.
 *
 * parent → child: `start` (once), then any number of `mint` and `profile`, then `stop`.
 * child → parent: `ready` (URL and the fixed request sets), `minted`, `profiled`, `error`.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** One request of a set: the headers and body that differ from request to request. */
export interface RequestItem {
  headers: Record<string, string>;
  body?: string;
}

/**
 * A set of requests for one operation. `cycle`: items may be sent again (a token that is
 * only read); otherwise each item is single-use (a refresh token that rotation consumes)
 * and more must be minted when they run out.
 */
export interface RequestSet {
  method: "GET" | "POST";
  path: string;
  items: RequestItem[];
  cycle: boolean;
  /** A substring every correct response body contains. */
  expect: string;
}

export type ToChild =
  | { type: "start"; config: unknown }
  | { type: "mint"; op: string; count: number }
  /** Start the V8 CPU profiler (the one behind `--cpu-prof`), or stop it and write `file`. */
  | { type: "profile"; action: "start" }
  | { type: "profile"; action: "stop"; file: string }
  | { type: "stop" };

export type ToParent =
  | { type: "ready"; url: string; sets: Record<string, RequestSet>; info?: Record<string, unknown> }
  | { type: "minted"; op: string; items: RequestItem[] }
  | { type: "profiled"; file?: string }
  | { type: "error"; message: string };

/** What a child's `start` returns. */
export interface ChildServer {
  url: string;
  sets: Record<string, RequestSet>;
  info?: Record<string, unknown>;
  /** Fresh single-use items for `op` (e.g. more refresh tokens). */
  mint?(op: string, count: number): Promise<RequestItem[]> | RequestItem[];
  close(): Promise<void>;
}

/**
 * The child side: waits for `start`, runs `start(config)`, answers `mint` and `profile`,
 * and exits on `stop` or when the parent goes away. Profiling covers only what the parent
 * brackets (the load), not start-up or minting.
 */
export function serveChild<C>(start: (config: C) => Promise<ChildServer>): void {
  const send = (m: ToParent) => process.send?.(m);
  let server: ChildServer | undefined;
  let session: Session | undefined;
  const stop = async () => {
    await server?.close().catch(() => {});
    process.exit(0);
  };
  process.on("disconnect", () => void stop());
  process.on("message", (m: ToChild) => {
    void (async () => {
      try {
        if (m.type === "start") {
          server = await start(m.config as C);
          send({
            type: "ready",
            url: server.url,
            sets: server.sets,
            ...(server.info ? { info: server.info } : {}),
          });
        } else if (m.type === "mint") {
          if (!server?.mint) throw new Error(`this server cannot mint "${m.op}"`);
          send({ type: "minted", op: m.op, items: await server.mint(m.op, m.count) });
        } else if (m.type === "profile" && m.action === "start") {
          session = new Session();
          session.connect();
          await session.post("Profiler.enable");
          await session.post("Profiler.setSamplingInterval", { interval: 250 });
          await session.post("Profiler.start");
          send({ type: "profiled" });
        } else if (m.type === "profile" && m.action === "stop") {
          if (!session) throw new Error("the profiler was not started");
          const { profile } = await session.post("Profiler.stop");
          session.disconnect();
          session = undefined;
          writeFileSync(m.file, JSON.stringify(profile));
          send({ type: "profiled", file: m.file });
        } else if (m.type === "stop") {
          await stop();
        }
      } catch (e) {
        send({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    })();
  });
}

export const basicAuth = (id: string, secret: string): string => {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
};

export const FORM = "application/x-www-form-urlencoded";
export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
