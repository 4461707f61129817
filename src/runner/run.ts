/**
 * `runConformance`: the whole run, shared by `dtp test` and the programmatic API.
 * config → registry selection → (embedded server) → (wait for the target) → discovery →
 * engine → expected failures → summary → requirement coverage → verdict and exit code →
 * {@link RunReport}.
 */
import { randomInt } from "node:crypto";
import { checks as registry } from "../../suites/index.ts";
import type { Area, Check, CheckMeta, Level } from "../check/check.ts";
import { UsageError } from "../check/failure.ts";
import type { Target } from "../check/target.ts";
import { PROFILES, type Profile } from "../check/target.ts";
import { configSecrets, loadConfig, resolveConfig } from "../config/load.ts";
import {
  DEFAULT_CLIENT_ID_PREFIX,
  type TargetConfig,
  type TargetConfigFile,
} from "../config/schema.ts";
import { createAgent, DEFAULT_TIMEOUT_MS } from "../http/client.ts";
import { InstanceRouter } from "../http/instances.ts";
import { Redactor } from "../http/redact.ts";
import { loadTransport, type TransportFiles } from "../http/transport.ts";
import { loadCatalogue, type Requirement } from "../spec/catalogue.ts";
import { discover, waitForTarget } from "./discover.ts";
import { runChecks } from "./engine.ts";
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_RUNS,
} from "./engine-options.ts";
import {
  type ExpectedFailure,
  loadExpectedFailures,
  markExpectedFailure,
  validateExpectedFailures,
} from "./expected-failures.ts";
import { replayArgs } from "./outcome.ts";
import { describeSelection, selectChecks, sortChecks, validateRegistry } from "./registry.ts";
import { checkTargetUrl } from "./target-url.ts";
import { type CheckResult, REPORT_SCHEMA_VERSION, type RunReport } from "./types.ts";
import { judgeRun } from "./verdict.ts";

export const KIT_VERSION = "0.1.0";
/** The embedded server's short lifetimes all fit in this budget (refresh tokens: 60 s). */
export const EMBEDDED_MAX_WAIT_MS = 90_000;

export interface RunOptions {
  /** The server under test. Omit (and give no baseUrl in the config) to test the embedded reference server. */
  url?: string;
  /** A config file path, or the config object in the file format (secrets may be `{ env }`). */
  config?: string | TargetConfigFile;
  area?: Area | Area[];
  /** Check IDs (`DTP-REF-004`, `DTP-REF-*`); a requirement ID that is no check's ID is a usage error. */
  only?: string[];
  exclude?: string[];
  /** Requirement IDs: every check that covers one of them (`--requirement`). */
  requirements?: string[];
  /** SHOULD failures fail the run. */
  strict?: boolean;
  /** fast-check seed (default: random; always reported). */
  seed?: number;
  /** fast-check runs per property (default 30). */
  runs?: number;
  /** The one case to run (`--case`: its label, as a failure names it; use with `only` and `seed`). */
  replayCase?: string;
  /** fast-check path to replay one counterexample (use with `only`, `seed` and `replayCase`). */
  replayPath?: string;
  /** Transcripts: "failures" (default: full for failing checks, request lines for passing ones) or "all". */
  evidence?: "failures" | "all";
  /** Untested claimed MUST requirements do not fail the run (the verdict still says INCOMPLETE). */
  allowUntested?: boolean;
  /** Stop once this many checks failed (the verdict says the run stopped early). */
  maxFailures?: number;
  /** Poll the target's metadata URL for up to this long until it answers 200, then start. */
  waitForMs?: number;
  /** Time budget a check may spend waiting on lifetimes and intervals (default 60 s; 90 s for the embedded server). */
  maxWaitMs?: number;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
  /** Deadline of one check on top of its waits (default 5 min). */
  checkTimeoutMs?: number;
  /** Checks run at once (default 4; waiting checks run in their own lane). */
  concurrency?: number;
  /** Known failures: the list, or a path to the JSON file. */
  expectedFailures?: string | ExpectedFailure[];
  /**
   * "dtp" (default): every check. "oauth": only the checks that apply to any standard
   * OAuth server, the kit acting as a client of the config's `oauth.clients`; DTP
   * extensions are skipped (see `profiles.ts`).
   */
  profile?: Profile;
  /** The checks to choose from (default: every suite). */
  checks?: readonly Check[];
  signal?: AbortSignal;
  /** Called when the target is known, before the checks run. */
  onStart?: (info: {
    target: Target;
    checks: readonly Check[];
    seed: number;
    runs: number;
    maxWaitMs: number;
    timeoutMs: number;
  }) => void;
  /** Called as each check starts and finishes. */
  onCheckStart?: (meta: CheckMeta) => void;
  onResult?: (result: CheckResult) => void;
  /** Called when a check starts waiting on a lifetime or an interval (how long, and why). */
  onWait?: (event: { checkId: string; ms: number; reason?: string }) => void;
  /** Prefix of replay commands, e.g. "dtp test https://as.example --config dtp.json". */
  replayPrefix?: string;
  /**
   * TLS and proxy settings (file paths), on top of the config's `tls` and `proxy`: CAs
   * add up, the other fields win.
   */
  transport?: TransportFiles;
  /** Extra headers for requests to the target's origin, on top of the config's `headers`. */
  headers?: Record<string, string>;
  /**
   * Instances of the target (`--instance`, config `instances`): the checks' requests are
   * spread over them, a replay always to another instance than the original.
   */
  instances?: string[];
}

/**
 * Runs the conformance suite against a target and returns the report (the same model as
 * the JSON report). Throws ConfigError / UsageError / TargetError when the run cannot start
 * (the CLI's exit code 2).
 *
 * @example
 * import { runConformance } from "dtp-kit";
 * const report = await runConformance({ url: "https://as.example", config: "dtp.config.json" });
 * if (report.exitCode !== 0) console.log(report.results.filter((r) => r.status === "FAIL"));
 */
export async function runConformance(options: RunOptions = {}): Promise<RunReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`seed must be an integer: ${seed}`);
  if (options.runs !== undefined && !(Number.isInteger(options.runs) && options.runs > 0)) {
    throw new UsageError(`runs must be a positive integer: ${options.runs}`);
  }
  const profile = options.profile ?? "dtp";
  if (!PROFILES.includes(profile)) {
    throw new UsageError(`profile must be one of ${PROFILES.join(", ")}: ${profile}`);
  }

  let config: TargetConfig | undefined;
  if (typeof options.config === "string") config = await loadConfig(options.config);
  else if (options.config !== undefined) config = resolveConfig(options.config);

  const all = options.checks ?? registry;
  validateRegistry(all);
  const areas =
    options.area === undefined
      ? undefined
      : Array.isArray(options.area)
        ? options.area
        : [options.area];
  const selection = {
    ...(areas ? { areas } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.requirements ? { requirements: options.requirements } : {}),
  };
  const selected = sortChecks(selectChecks(all, selection));
  if (options.replayCase !== undefined && selected.length !== 1) {
    throw new UsageError(
      `--case replays one case of one check: select exactly one check with --only (selected: ${selected.length})`,
    );
  }
  if (
    options.maxFailures !== undefined &&
    !(Number.isInteger(options.maxFailures) && options.maxFailures > 0)
  ) {
    throw new UsageError(`max-failures must be a positive integer: ${options.maxFailures}`);
  }
  const catalogue = catalogueFor(all);
  const levels = new Map(catalogue.map((r) => [r.id, r.level as Level]));
  const levelOf = (id: string) => levels.get(id);
  let expected: ExpectedFailure[] = [];
  if (typeof options.expectedFailures === "string") {
    expected = await loadExpectedFailures(options.expectedFailures);
  } else if (options.expectedFailures) expected = options.expectedFailures;
  validateExpectedFailures(expected, all);

  if (options.url !== undefined) checkTargetUrl(options.url);
  const url = options.url ?? config?.baseUrl;
  let embedded: { close(): Promise<void> } | undefined;
  let baseUrl = url;
  if (url === undefined && config?.discoveryUrl === undefined) {
    if (options.transport || options.headers) {
      throw new UsageError(
        "--ca, --cert, --key, --insecure, --proxy and --header need a target URL (the embedded reference server is reached directly)",
      );
    }
    if (options.instances?.length) {
      throw new UsageError(
        "--instance needs a target URL (the issuer whose instances they are); the embedded reference server is one instance",
      );
    }
    const { startEmbeddedTarget } = await import("../cli/embedded.ts");
    const server = await startEmbeddedTarget();
    embedded = server;
    baseUrl = server.url;
    config = { ...server.config, ...(config ? pickTimes(config) : {}) };
  }
  config ??= { apiKey: "", clientIdPrefix: DEFAULT_CLIENT_ID_PREFIX };

  const timeoutMs = options.timeoutMs ?? config.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxWaitMs =
    options.maxWaitMs ??
    config.maxWaitMs ??
    (embedded ? EMBEDDED_MAX_WAIT_MS : DEFAULT_MAX_WAIT_MS);
  const checkTimeoutMs =
    options.checkTimeoutMs ?? config.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const runs = options.runs ?? DEFAULT_RUNS;
  const redactor = new Redactor();
  for (const s of configSecrets(config)) redactor.add(s.value, s.label);
  const transport = embedded
    ? ({ proxy: false } as const)
    : await loadTransport(mergeTransport(config.transport, options.transport));
  const extraHeaders = { ...config.headers, ...options.headers };
  const dispatcher = createAgent(transport);
  const instanceUrls = options.instances ?? config.instances ?? [];
  let instances: InstanceRouter | undefined;
  if (instanceUrls.length > 0) {
    if (baseUrl === undefined) throw new UsageError("--instance needs a target URL (the issuer)");
    try {
      instances = new InstanceRouter(baseUrl, instanceUrls);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }

  try {
    if (options.waitForMs !== undefined) {
      await waitForTarget({
        ...(baseUrl !== undefined ? { baseUrl } : {}),
        ...(config.discoveryUrl !== undefined ? { discoveryUrl: config.discoveryUrl } : {}),
        waitMs: options.waitForMs,
        dispatcher,
        ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    const { target, exchanges: discovery } = await discover({
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(config.discoveryUrl !== undefined ? { discoveryUrl: config.discoveryUrl } : {}),
      config,
      timeoutMs,
      redactor,
      dispatcher,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
      embedded: embedded !== undefined,
      ...(profile !== "dtp" ? { profile } : {}),
    });
    options.onStart?.({ target, checks: selected, seed, runs, maxWaitMs, timeoutMs });
    const prefix =
      options.replayPrefix ??
      `dtp test${embedded ? "" : ` ${target.baseUrl}`}${profile !== "dtp" ? ` --profile ${profile}` : ""}`;
    const { results, stoppedEarly } = await runChecks({
      target,
      checks: selected,
      seed,
      runs,
      ...(options.replayCase !== undefined ? { replayCase: options.replayCase } : {}),
      ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
      ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
      ...(options.evidence !== undefined ? { evidence: options.evidence } : {}),
      levelOf,
      strict: options.strict ?? false,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      maxWaitMs,
      timeoutMs,
      checkTimeoutMs,
      redactor,
      dispatcher,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
      ...(instances ? { instances } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      replayCommand: (meta: CheckMeta, s: number, replay) =>
        `${prefix} --only ${meta.id} --seed ${s}${replayArgs(replay)}`,
      ...(options.onCheckStart ? { onStart: options.onCheckStart } : {}),
      onResult: (r) => {
        markExpectedFailure(r, expected);
        options.onResult?.(r);
      },
      ...(options.onWait ? { onWait: options.onWait } : {}),
    });
    const { summary, coverage, verdict, exitCode } = judgeRun({
      results,
      requirements: catalogue,
      scope: describeSelection(selection),
      strict: options.strict ?? false,
      allowUntested: options.allowUntested ?? false,
      ...(stoppedEarly !== undefined ? { stoppedEarly } : {}),
      dtpTarget: target.features.has("dtp"),
    });
    const finishedAt = new Date();
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: "dtp-kit", version: KIT_VERSION },
      target: {
        baseUrl: target.baseUrl,
        ...(target.discoveryUrl !== undefined ? { discoveryUrl: target.discoveryUrl } : {}),
        embedded: target.embedded,
        features: [...target.features].sort(),
        metadata: JSON.parse(redactor.text(JSON.stringify(target.metadata))) as Record<
          string,
          unknown
        >,
      },
      options: {
        seed,
        runs,
        strict: options.strict ?? false,
        maxWaitMs,
        timeoutMs,
        ...(profile !== "dtp" ? { profile } : {}),
        ...(areas ? { areas } : {}),
        ...(options.only ? { only: options.only } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
        ...(options.requirements ? { requirements: options.requirements } : {}),
        ...(options.replayCase !== undefined ? { case: options.replayCase } : {}),
        ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
        ...(options.allowUntested ? { allowUntested: true } : {}),
        ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
        ...(options.evidence === "all" ? { evidence: "all" as const } : {}),
        ...("insecure" in transport && transport.insecure ? { insecure: true as const } : {}),
        ...(instances ? { instances: [...instances.origins] } : {}),
      },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      discovery,
      results,
      summary,
      coverage,
      verdict,
      // A cancelled run is never a pass, even if what finished passed.
      exitCode: options.signal?.aborted ? 1 : exitCode,
    };
  } finally {
    await dispatcher.destroy().catch(() => {});
    await embedded?.close();
  }
}

/** The config's TLS and proxy settings under the command line's: CAs add up, the rest wins. */
function mergeTransport(
  fromConfig: TransportFiles | undefined,
  fromCli: TransportFiles | undefined,
): TransportFiles {
  const merged: TransportFiles = { ...fromConfig, ...fromCli };
  const ca = [...(fromConfig?.ca ?? []), ...(fromCli?.ca ?? [])];
  if (ca.length) merged.ca = ca;
  return merged;
}

/**
 * The catalogue's requirements, plus any requirement a check names that the catalogue lacks
 * (a check under development, a test's fake check) at the check's level, so that coverage
 * never silently drops what a check verifies.
 */
function catalogueFor(checks: readonly Check[]): Requirement[] {
  const out = [...loadCatalogue().requirements];
  const known = new Set(out.map((r) => r.id));
  for (const c of checks) {
    for (const id of c.meta.requirements) {
      if (known.has(id)) continue;
      known.add(id);
      out.push({
        id,
        area: "errors",
        level: c.meta.level,
        text: c.meta.title,
        operations: [],
        source: c.meta.specRef,
        observable: true,
      });
    }
  }
  return out;
}

function pickTimes(c: TargetConfig): Partial<TargetConfig> {
  const out: Partial<TargetConfig> = {};
  if (c.requestTimeoutMs !== undefined) out.requestTimeoutMs = c.requestTimeoutMs;
  if (c.checkTimeoutMs !== undefined) out.checkTimeoutMs = c.checkTimeoutMs;
  if (c.maxWaitMs !== undefined) out.maxWaitMs = c.maxWaitMs;
  return out;
}
