/**
 * `dtp serve --instances N`: N reference-server processes on one store (a PostgreSQL URL,
 * or one sqlite file), behind one issuer, as a load-balanced deployment runs them. Each
 * instance is its own process (`instance-child.ts`, forked), so nothing held in one
 * process's memory can help another: what they share is the store. The issuer is
 * `--issuer` (a load balancer in front of them) or the first instance's URL; every instance
 * answers as that issuer (its metadata, `iss`/`aud`, the `htu` it expects).
 *
 * The admin and API keys are the given ones or random, the same for every instance; the
 * key that encrypts the signing key must be shared too: with PostgreSQL it is required
 * (`DTP_KEY_ENCRYPTION_KEY` or `--key-file`), with sqlite the default `<file>.key` is.
 * Options reach the children in the environment (`DTP_INSTANCE_OPTIONS`), never in argv.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { UsageError } from "../check/failure.ts";
import type { ServeOptions } from "./embedded.ts";
import type { CliIo } from "./io.ts";
import type { ServeFlags } from "./serve-command.ts";

/** What the parent passes to an instance. */
export interface InstanceInput {
  options: ServeOptions;
  short: boolean;
}

/** What an instance says once it listens (IPC message). */
export interface InstanceReady {
  type: "ready";
  url: string;
  issuer: string;
  users: { username: string; password: string; cardId?: string }[];
}

const CHILD = new URL(
  `./instance-child${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

export async function serveInstances(
  base: ServeOptions,
  flags: ServeFlags,
  io: CliIo,
): Promise<number> {
  const n = flags.instances ?? 1;
  // 1. A shared store and shared secrets.
  if (base.store === undefined) base.store = { kind: "sqlite", file: "dtp-reference.sqlite" };
  if (base.store.kind === "memory")
    throw new UsageError("--instances needs a shared store: --store <sqlite file or postgres://…>");
  if (base.store.kind === "postgres" && !base.keyEncryptionKey && !base.keyFile)
    throw new UsageError(
      "--instances with PostgreSQL needs the key that encrypts the signing key, shared by every instance: set DTP_KEY_ENCRYPTION_KEY or --key-file",
    );
  const options: ServeOptions = {
    ...base,
    adminKey: base.adminKey ?? `dtp_admin_${randomBytes(24).toString("base64url")}`,
    apiKey: base.apiKey ?? `dtp_key_${randomBytes(24).toString("base64url")}`,
    users: base.users ?? [
      { username: "alice", password: randomBytes(9).toString("base64url"), cardId: "CARD-1234" },
    ],
  };
  const port = options.port ?? 8080;
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  };
  const start = (i: number, issuer: string | undefined) =>
    startInstance(
      {
        options: {
          ...options,
          port: port === 0 ? 0 : port + i,
          ...(issuer === undefined ? {} : { issuer }),
        },
        short: flags.short ?? false,
      },
      children,
    );
  let ready: InstanceReady[];
  try {
    // 2. The first instance names the issuer (unless --issuer did); then the others.
    const first = await start(0, options.issuer);
    const rest = await Promise.all(
      Array.from({ length: n - 1 }, (_, i) => start(i + 1, first.issuer)),
    );
    ready = [first, ...rest];
  } catch (e) {
    stopAll();
    throw e;
  }
  // 3. Say where they are.
  io.stdout(`DTP reference server: ${n} instances on one store, issuer ${ready[0]!.issuer}\n`);
  for (const [i, r] of ready.entries()) io.stdout(`  instance ${i + 1}  ${r.url}\n`);
  io.stdout(`  admin key   ${options.adminKey}\n`);
  io.stdout(`  API key     ${options.apiKey}\n`);
  for (const u of ready[0]!.users)
    io.stdout(
      `  user        ${u.username}:${u.password}${u.cardId ? ` (card ${u.cardId})` : ""}\n`,
    );
  io.onServing?.({ url: ready[0]!.url, adminKey: options.adminKey!, apiKey: options.apiKey! });
  // 4. Until Ctrl-C (or an instance dies: then all stop, exit 1).
  const died = new Promise<number>((resolve) => {
    for (const c of children) c.once("exit", () => resolve(io.signal?.aborted ? 0 : 1));
  });
  const stopped = new Promise<number>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve(0);
    io.signal.addEventListener("abort", () => resolve(0), { once: true });
  });
  const code = await Promise.race([died, stopped]);
  io.stdout(code === 0 ? "stopping\n" : "an instance stopped: stopping the others\n");
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
        }),
    ),
  );
  return code;
}

function startInstance(input: InstanceInput, children: ChildProcess[]): Promise<InstanceReady> {
  const child = fork(CHILD, [], {
    env: { ...process.env, DTP_INSTANCE_OPTIONS: JSON.stringify(input) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", (m: InstanceReady | { type: "error"; message: string }) =>
      m.type === "ready"
        ? resolve(m)
        : reject(new Error(`an instance did not start: ${m.message}`)),
    );
    child.once("exit", (code) =>
      reject(new Error(`an instance exited (code ${code}) before it listened`)),
    );
  });
}
