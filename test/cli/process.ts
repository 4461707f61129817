/**
 * The `dtp` CLI as a real process (Node 24 running `src/cli/main.ts`, types stripped): run it
 * to completion, or start `dtp serve` and read its URL and keys from what it prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { packageRoot } from "../../src/paths.ts";

export const root = packageRoot();
export const MAIN = join(root, "src", "cli", "main.ts");
/** This Node (24) first on PATH, no colours, no proxy from the machine's environment. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
  };
  for (const name of [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "NODE_EXTRA_CA_CERTS",
    "FORCE_COLOR",
  ]) {
    delete env[name];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs `dtp <args>` and resolves when it exits (killed after `timeoutMs`). */
export function runCli(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs?: number;
    /** Called once with the child, e.g. to send it a signal. */
    started?: (child: ChildProcess, output: () => string) => void;
  } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd ?? root,
      env: options.env ?? baseEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
    options.started?.(child, () => out);
  });
}

export interface Served {
  url: string;
  apiKey: string;
  adminKey: string;
  out: () => string;
  stop(): Promise<void>;
}

/** Starts `dtp serve <args>` and waits until it prints its URL. */
export function serveProcess(args: readonly string[], env = baseEnv()): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "serve", ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let done = false;
    const closed = new Promise<void>((r) => child.on("close", () => r()));
    const timer = setTimeout(() => fail(new Error(`dtp serve printed no URL:\n${out}`)), 30_000);
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(e);
    };
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) => fail(new Error(`dtp serve exited (${code}):\n${out}`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const apiKey = /API key\s+(\S+)/.exec(out)?.[1];
      const adminKey = /admin key\s+(\S+)/.exec(out)?.[1];
      if (!done && url && apiKey && adminKey && out.includes("dtp test")) {
        done = true;
        clearTimeout(timer);
        resolve({
          url,
          apiKey,
          adminKey,
          out: () => out,
          stop: async () => {
            child.kill("SIGTERM");
            await closed;
          },
        });
      }
    });
  });
}
