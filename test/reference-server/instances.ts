/**
 * `dtp serve --instances N` as a test fixture: N real processes on one store, started
 * through the CLI (`src/cli/main.ts`) in their own process group, stopped with it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { RunningServer } from "../../reference-server/index.ts";

export interface Deployment {
  /** Looks like one server to the helpers: `url` is the issuer. */
  server: RunningServer;
  /** Each instance's own URL. */
  instances: string[];
  stop(): Promise<void>;
}

export async function startInstances(
  store: string,
  n: number,
  extra: string[] = [],
): Promise<Deployment> {
  const adminKey = `dtp_admin_${randomBytes(12).toString("hex")}`;
  const apiKey = `dtp_key_${randomBytes(12).toString("hex")}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "src/cli/main.ts",
      "serve",
      "--instances",
      String(n),
      "--store",
      store,
      "--port",
      "0",
      ...extra,
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DTP_ADMIN_KEY: adminKey,
        DTP_API_KEY: apiKey,
        DTP_KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
      },
    },
  );
  let out = "";
  let err = "";
  child.stderr!.on("data", (c) => {
    err += c;
  });
  const instances = await new Promise<string[]>((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      out += c;
      if (!/API key/.test(out)) return;
      // One instance: `dtp serve` as usual ("listening on URL").
      const single = /listening on (\S+)/.exec(out)?.[1];
      resolve(single ? [single] : [...out.matchAll(/instance \d+ +(\S+)/g)].map((m) => m[1]!));
    });
    child.once("exit", (code) =>
      reject(new Error(`dtp serve --instances exited (${code}):\n${out}\n${err}`)),
    );
  });
  const issuer = /issuer (\S+)/.exec(out)?.[1] ?? instances[0]!;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-child.pid!, "SIGTERM");
    });
  return {
    server: { url: issuer, issuer, adminKey, apiKey, users: [], close: stop },
    instances,
    stop,
  };
}
