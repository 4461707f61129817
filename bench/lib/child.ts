/**
 * The parent side of a server under test: forks it with this Node (the one that runs the
 * benchmark: node_modules/.bin/node under `npm run`), talks to it over IPC, reads its
 * memory from /proc/<pid>/status, profiles it on request, and stops it.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestItem, RequestSet, ToChild, ToParent } from "./protocol.ts";

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  sets: Record<string, RequestSet>;
  info: Record<string, unknown>;
  /** More single-use items for `op`. */
  mint(op: string, count: number): Promise<RequestItem[]>;
  /** Resets the peak RSS (VmHWM) so that the next reading covers only what follows. */
  resetPeak(): void;
  /** Current and peak resident set size, in MiB (undefined off Linux). */
  memory(): { rssMiB: number; peakMiB: number } | undefined;
  /** Starts the V8 CPU profiler in the server process. */
  profileStart(): Promise<void>;
  /** Stops it and writes the `.cpuprofile` (Chrome DevTools format) to `file`. */
  profileStop(file: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Start-up deadline (ms). */
  timeoutMs?: number;
  /** Drop the server's start-up advice on stderr (oidc-provider's WARNING / NOTICE lines). */
  quiet?: boolean;
}

const ADVICE = /^oidc-provider (WARNING|NOTICE)/;
const HERE = fileURLToPath(new URL("..", import.meta.url));

/** Forks `bench/servers/<script>` and sends it `config`; resolves when it is ready. */
export async function startServer(
  name: string,
  script: string,
  config: unknown,
  opts: StartOptions = {},
): Promise<ServerProcess> {
  const child: ChildProcess = fork(join(HERE, "servers", script), [], {
    execPath: process.execPath,
    execArgv: [],
    serialization: "advanced",
    stdio: ["ignore", "inherit", opts.quiet ? "pipe" : "inherit", "ipc"],
  });
  if (opts.quiet && child.stderr) {
    let pending = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) if (!ADVICE.test(l)) process.stderr.write(`${l}\n`);
    });
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: could not start ${script}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = <T extends ToParent["type"]>(type: T, timeoutMs: number) =>
    new Promise<Extract<ToParent, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${name}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: ToParent) => {
        if (m.type === type) {
          cleanup();
          resolve(m as Extract<ToParent, { type: T }>);
        } else if (m.type === "error") {
          cleanup();
          reject(new Error(`${name}: ${m.message}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${name}: exited (${code}) before "${type}"`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const send = (m: ToChild) => child.send(m);

  const ready = next("ready", opts.timeoutMs ?? 300_000);
  send({ type: "start", config });
  let started: Extract<ToParent, { type: "ready" }>;
  try {
    started = await ready;
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }

  let stopped: Promise<void> | undefined;
  return {
    name,
    pid,
    url: started.url,
    sets: started.sets,
    info: started.info ?? {},
    async mint(op, count) {
      const minted = next("minted", 600_000);
      send({ type: "mint", op, count });
      return (await minted).items;
    },
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
      } catch {
        // not Linux, or not permitted: the peak then covers the whole life of the process
      }
    },
    memory: () => procMemory(pid),
    async profileStart() {
      const done = next("profiled", 30_000);
      send({ type: "profile", action: "start" });
      await done;
    },
    async profileStop(file) {
      const done = next("profiled", 60_000);
      send({ type: "profile", action: "stop", file });
      await done;
      return file;
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          if (child.connected) send({ type: "stop" });
          const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          await exited;
          clearTimeout(killer);
        }
      })();
      return stopped;
    },
  };
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function procMemory(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    const rss = kb("VmRSS");
    const peak = kb("VmHWM");
    if (!Number.isFinite(rss) || !Number.isFinite(peak)) return undefined;
    return { rssMiB: rss / 1024, peakMiB: peak / 1024 };
  } catch {
    return undefined;
  }
}
