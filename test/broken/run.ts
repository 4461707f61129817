/**
 * Running the catalogue: each fault's server (hosted in a worker, see host.ts) against its
 * catchers with a fixed seed; a result says whether the run failed and every catcher FAILed.
 * Shared by test/broken/catalogue.test.ts and scripts/gen-broken-table.ts.
 */
import type { ServerOptionsInput } from "../../reference-server/index.ts";
import type { Status } from "../../src/check/check.ts";
import { runConformance } from "../../src/runner/run.ts";
import { checks } from "../../suites/index.ts";
import type { FaultHost, HostedServer } from "./host.ts";
import type { Fault } from "./types.ts";

/** The catalogue's fixed seed (CI); other seeds measure the catch rate. */
export const CATALOGUE_SEED = 20261122;
/** Broken servers tested at once (each run also runs its checks concurrently). */
export const CATALOGUE_CONCURRENCY = 4;

export interface FaultResult {
  /** The fault id, or `control` for the unmodified server. */
  id: string;
  seed: number;
  exitCode: number;
  /** Status of every check run. */
  statuses: Record<string, Status>;
  /** Catchers that did not FAIL (for a control: checks that did not PASS or SKIP). */
  missed: string[];
  caught: boolean;
  durationMs: number;
  /** First line of the message of every check that did not PASS. */
  messages: Record<string, string>;
}

/** True when one of the checks waits on lifetimes (the slow ones: start them first). */
export function waits(ids: readonly string[]): boolean {
  return checks.some((c) => ids.includes(c.meta.id) && c.meta.waits === true);
}

/** Every check ID the kit has. */
export const CHECK_IDS: ReadonlySet<string> = new Set(checks.map((c) => c.meta.id));

async function runAgainst(
  server: HostedServer,
  only: string[],
  seed: number,
): Promise<Omit<FaultResult, "id" | "missed" | "caught">> {
  const user = server.users[0];
  const t0 = performance.now();
  const report = await runConformance({
    url: server.url,
    config: {
      apiKey: server.apiKey,
      admin: { token: server.adminKey },
      approval: { method: "admin-api" },
      ...(user
        ? {
            user: {
              username: user.username,
              password: user.password,
              ...(user.cardId !== undefined ? { cardId: user.cardId } : {}),
            },
          }
        : {}),
    },
    only,
    seed,
    maxWaitMs: 90_000,
  });
  const statuses: Record<string, Status> = {};
  const messages: Record<string, string> = {};
  for (const r of report.results) {
    statuses[r.id] = r.status;
    if (r.status !== "PASS") messages[r.id] = (r.message ?? "").split("\n")[0]!.slice(0, 300);
  }
  return {
    seed,
    exitCode: report.exitCode,
    statuses,
    messages,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** Runs `fault`'s catchers against its broken server. */
export async function runFault(host: FaultHost, fault: Fault, seed: number): Promise<FaultResult> {
  const server = await host.start(fault.id);
  try {
    const r = await runAgainst(server, fault.catchers, seed);
    const missed = fault.catchers.filter((id) => r.statuses[id] !== "FAIL");
    return { id: fault.id, ...r, missed, caught: r.exitCode === 1 && missed.length === 0 };
  } finally {
    await server.close();
  }
}

/** Runs `only` against the unmodified server configured with `options`: all must PASS or SKIP. */
export async function runControl(
  host: FaultHost,
  only: string[],
  options: ServerOptionsInput,
  seed: number,
): Promise<FaultResult> {
  const server = await host.start(null, options);
  try {
    const r = await runAgainst(server, only, seed);
    const missed = only.filter((id) => r.statuses[id] !== "PASS" && r.statuses[id] !== "SKIP");
    return { id: "control", ...r, missed, caught: r.exitCode === 0 && missed.length === 0 };
  } finally {
    await server.close();
  }
}

/** The controls: one per distinct fault configuration, each running the catchers of its faults. */
export function controls(
  faults: readonly Fault[],
): { options: ServerOptionsInput; only: string[] }[] {
  const byOptions = new Map<string, { options: ServerOptionsInput; only: Set<string> }>();
  for (const f of faults) {
    const options = f.options ?? {};
    const key = JSON.stringify(options);
    const entry = byOptions.get(key) ?? { options, only: new Set<string>() };
    for (const c of f.catchers) entry.only.add(c);
    byOptions.set(key, entry);
  }
  return [...byOptions.values()].map((e) => ({ options: e.options, only: [...e.only].sort() }));
}

/** Runs `tasks` with at most `limit` at once, in order. */
export async function pool<T>(
  tasks: readonly (() => Promise<T>)[],
  limit: number,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

/** Slow faults (a catcher waits on lifetimes) first, so they overlap the quick ones. */
export function slowFirst(faults: readonly Fault[]): Fault[] {
  return [...faults].sort((a, b) => Number(waits(b.catchers)) - Number(waits(a.catchers)));
}

export interface CatalogueRun {
  /** Each fault's result, by fault id (settles as the pool gets to it). */
  faults: Map<string, Promise<FaultResult>>;
  /** One per distinct configuration (see {@link controls}). */
  controls: { options: ServerOptionsInput; only: string[]; result: Promise<FaultResult> }[];
  /** Settles when every run is over. */
  done: Promise<void>;
}

/**
 * Starts the whole catalogue for one seed: the controls and the slow faults first, at most
 * `concurrency` broken servers at once. Nothing here throws: each promise carries its result.
 */
export function startCatalogue(
  host: FaultHost,
  faults: readonly Fault[],
  seed: number,
  concurrency = CATALOGUE_CONCURRENCY,
): CatalogueRun {
  const tasks: (() => Promise<FaultResult>)[] = [];
  const deferred = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // observed by whoever awaits it
    return { promise, resolve, reject };
  };
  const queue = (run: () => Promise<FaultResult>) => {
    const d = deferred<FaultResult>();
    tasks.push(() => run().then(d.resolve, d.reject) as Promise<never>);
    return d.promise;
  };
  const ctl = controls(faults).map((c) => ({
    ...c,
    result: queue(() => runControl(host, c.only, c.options, seed)),
  }));
  const byId = new Map<string, Promise<FaultResult>>();
  for (const f of slowFirst(faults))
    byId.set(
      f.id,
      queue(() => runFault(host, f, seed)),
    );
  const done = pool(tasks, concurrency).then(() => {});
  return { faults: byId, controls: ctl, done };
}
