/**
 * Running the catalogue: each fault's server (hosted in a worker, see host.ts) against its
 * catchers with a fixed seed; a result says whether the run failed and every catcher FAILed.
 * Shared by test/broken/catalogue.test.ts and scripts/gen-broken-table.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerOptionsInput } from "../../reference-server/index.ts";
import type { Status } from "../../src/check/check.ts";
import { main } from "../../src/cli/main.ts";
import type { TargetConfigFile } from "../../src/config/schema.ts";
import { runConformance } from "../../src/runner/run.ts";
import type { CheckResult, RunReport } from "../../src/runner/types.ts";
import { checks } from "../../suites/index.ts";
import type { FaultHost, HostedServer } from "./host.ts";
import { warnsOnly } from "./levels.ts";
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
  /** The run's verdict word (CONFORMANT, NOT CONFORMANT, INCOMPLETE). */
  verdict: string;
  /** MUST requirements the checks run judge (0: they judge only SHOULDs, the run is INCOMPLETE). */
  mustInScope: number;
  /** Status of every check run. */
  statuses: Record<string, Status>;
  /** The requirements each check failed or warned on (its own failure records). */
  failedOn: Record<string, string[]>;
  /** Catchers that did not FAIL (for a control: checks that did not PASS or SKIP). */
  missed: string[];
  caught: boolean;
  durationMs: number;
  /** First line of the message of every check that did not PASS. */
  messages: Record<string, string>;
  /** With replays: each failure's printed replay line, run again. */
  replays: ReplayResult[];
}

export interface ReplayResult {
  check: string;
  requirement: string;
  line: string;
  /** Exactly that check ran and FAILED again on the same requirement. */
  ok: boolean;
  detail: string;
}

/** True when one of the checks waits on lifetimes (the slow ones: start them first). */
export function waits(ids: readonly string[]): boolean {
  return checks.some((c) => ids.includes(c.meta.id) && c.meta.waits === true);
}

/** Every check ID the kit has. */
export const CHECK_IDS: ReadonlySet<string> = new Set(checks.map((c) => c.meta.id));

/** The target config of a hosted server (what `dtp test --config` would read). */
export function configOf(server: HostedServer): TargetConfigFile {
  const user = server.users[0];
  return {
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
    ...(server.users[1]
      ? { otherUser: { username: server.users[1].username, password: server.users[1].password } }
      : {}),
  };
}

/** The catalogue's time budget for waits (its servers' lifetimes fit in it). */
const MAX_WAIT = "90s";

async function runAgainst(
  server: HostedServer,
  only: string[],
  seed: number,
  options: { replays?: boolean; withoutInstances?: boolean } = {},
): Promise<Omit<FaultResult, "id" | "missed" | "caught">> {
  const t0 = performance.now();
  const instances = options.withoutInstances ? undefined : server.instances;
  const instanceArgs = (instances ?? []).map((u) => ` --instance ${u}`).join("");
  const dir = await mkdtemp(join(tmpdir(), "dtp-broken-"));
  const configFile = join(dir, "dtp.config.json");
  await writeFile(configFile, JSON.stringify(configOf(server)));
  try {
    const report = await runConformance({
      url: server.url,
      config: configFile,
      only,
      seed,
      maxWaitMs: 90_000,
      ...(instances ? { instances } : {}),
      // The replay lines are what `dtp test <url> --config <file> --max-wait 90s` prints.
      replayPrefix: `dtp test ${server.url} --config ${configFile} --max-wait ${MAX_WAIT}${instanceArgs}`,
    });
    const statuses: Record<string, Status> = {};
    const failedOn: Record<string, string[]> = {};
    const messages: Record<string, string> = {};
    for (const r of report.results) {
      statuses[r.id] = r.status;
      const own = (r.failures ?? []).filter((f) => f.kind === "fail").map((f) => f.requirement);
      if (own.length) failedOn[r.id] = [...new Set(own)];
      if (r.status !== "PASS") messages[r.id] = (r.message ?? "").split("\n")[0]!.slice(0, 300);
    }
    const replays = options.replays ? await runReplays(report.results, dir) : [];
    return {
      seed,
      exitCode: report.exitCode,
      verdict: report.verdict.verdict,
      mustInScope: report.coverage.mustInScope,
      statuses,
      failedOn,
      messages,
      replays,
      durationMs: Math.round(performance.now() - t0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the printed replay line of every failure of `results` (`dtp test …`, through the CLI
 * in-process): exactly that check must run and FAIL again on the same requirement — or, for
 * a SHOULD/MAY failure of a check that only WARNed, WARN again on it (exit 0, or 1 when the
 * replay judged no MUST at all: INCOMPLETE).
 */
async function runReplays(results: readonly CheckResult[], dir: string): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  let n = 0;
  for (const r of results) {
    for (const f of r.failures ?? []) {
      if (f.kind !== "fail") continue;
      const json = join(dir, `replay-${++n}.json`);
      const argv = shellWords(f.replay);
      let stderr = "";
      const code = await main([...argv.slice(1), "--report", `json=${json}`], {
        stdout: () => {},
        stderr: (s) => {
          stderr += s;
        },
        cwd: dir,
        color: false,
      });
      let detail = `exit ${code}${stderr ? `: ${stderr.trim()}` : ""}`;
      let ok = false;
      const warned = r.status === "WARN" && f.level !== "MUST";
      if (code === 1 || (warned && code === 0)) {
        const again = JSON.parse(await readFile(json, "utf8")) as RunReport;
        const ran = again.results.map((x) => `${x.id} ${x.status}`);
        const same = again.results[0]?.failures?.some((x) => x.requirement === f.requirement);
        ok =
          again.results.length === 1 &&
          again.results[0]!.id === r.id &&
          again.results[0]!.status === (warned ? "WARN" : "FAIL") &&
          same === true;
        detail = `ran ${ran.join(", ")}; failed on ${again.results[0]?.failures?.map((x) => x.requirement).join(", ") ?? "nothing"}`;
      }
      out.push({ check: r.id, requirement: f.requirement, line: f.replay, ok, detail });
    }
  }
  return out;
}

/** The words of a command line printed by the kit (plain words and '…' quoting). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      word += line.slice(i + 1, close);
      i = close;
      inWord = true;
    } else if (ch === "\\" && line[i + 1] === "'") {
      word += "'";
      i++;
      inWord = true;
    } else if (ch === " ") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Runs `fault`'s catchers against its broken server (and, with `replays`, every failure's replay line). */
export async function runFault(
  host: FaultHost,
  fault: Fault,
  seed: number,
  options: { replays?: boolean } = {},
): Promise<FaultResult> {
  const server = await host.start(fault.id);
  try {
    const r = await runAgainst(server, fault.catchers, seed, options);
    // A SHOULD fault is caught when every catcher warns (or fails) on its requirement and the
    // run is not NOT CONFORMANT (a WARN fails no run; a catcher judging only SHOULDs makes it
    // INCOMPLETE, exit 1).
    const should = warnsOnly(fault);
    const missed = fault.catchers.filter((id) =>
      should
        ? !["WARN", "FAIL"].includes(r.statuses[id] ?? "") ||
          !r.failedOn[id]?.includes(fault.requirement)
        : r.statuses[id] !== "FAIL",
    );
    if (fault.instances) {
      // The documented claim: on one instance the catchers pass (only --instance sees it).
      const alone = await runAgainst(server, fault.catchers, seed, { withoutInstances: true });
      for (const id of fault.catchers) {
        if (alone.statuses[id] !== "PASS")
          missed.push(`${id} ${alone.statuses[id] ?? "not run"} without --instance`);
      }
    }
    const judged = should ? r.verdict !== "NOT CONFORMANT" : r.exitCode === 1;
    return { id: fault.id, ...r, missed, caught: judged && missed.length === 0 };
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
    return { id: "control", ...r, missed, caught: controlPassed(r) && missed.length === 0 };
  } finally {
    await server.close();
  }
}

/**
 * A control run passed: exit 0, or INCOMPLETE only because its checks judge no MUST at all
 * (a control of SHOULD-only catchers, e.g. `DTP_FAULTS` naming one SHOULD fault).
 */
export function controlPassed(r: Pick<FaultResult, "exitCode" | "verdict" | "mustInScope">) {
  return r.exitCode === 0 || (r.verdict === "INCOMPLETE" && r.mustInScope === 0);
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
  options: { replays?: boolean } = {},
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
      queue(() => runFault(host, f, seed, options)),
    );
  const done = pool(tasks, concurrency).then(() => {});
  return { faults: byId, controls: ctl, done };
}
