/**
 * `runConformance`: the whole run, shared by `dtp test` and the programmatic API.
 * config → (embedded server) → discovery → registry selection → engine → expected
 * failures → summary and exit code → {@link RunReport}.
 */
import { randomInt } from "node:crypto";
import { checks as registry } from "../../suites/index.ts";
import { configSecrets, loadConfig, resolveConfig } from "../config/load.ts";
import {
  DEFAULT_CLIENT_ID_PREFIX,
  type TargetConfig,
  type TargetConfigFile,
} from "../config/schema.ts";
import { createAgent, DEFAULT_TIMEOUT_MS } from "../http/client.ts";
import { Redactor } from "../http/redact.ts";
import { loadTransport, type TransportFiles } from "../http/transport.ts";
import type { Area, Check, CheckMeta } from "./check.ts";
import { discover } from "./discover.ts";
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_RUNS,
  runChecks,
} from "./engine.ts";
import {
  type ExpectedFailure,
  loadExpectedFailures,
  markExpectedFailure,
  validateExpectedFailures,
} from "./expected-failures.ts";
import { UsageError } from "./failure.ts";
import { PROFILES, type Profile } from "./profiles.ts";
import { selectChecks, sortChecks, validateRegistry } from "./registry.ts";
import { exitCodeOf, summarize } from "./summary.ts";
import type { Target } from "./target.ts";
import { checkTargetUrl } from "./target-url.ts";
import { type CheckResult, REPORT_SCHEMA_VERSION, type RunReport } from "./types.ts";

export const KIT_VERSION = "0.1.0";
/** The embedded server's short lifetimes all fit in this budget (refresh tokens: 60 s). */
export const EMBEDDED_MAX_WAIT_MS = 90_000;

export interface RunOptions {
  /** The server under test. Omit (and give no baseUrl in the config) to test the embedded reference server. */
  url?: string;
  /** A config file path, or the config object in the file format (secrets may be `{ env }`). */
  config?: string | TargetConfigFile;
  area?: Area | Area[];
  /** Check or requirement IDs (`DTP-REF-004`, `DTP-REF-*`). */
  only?: string[];
  exclude?: string[];
  /** SHOULD failures fail the run. */
  strict?: boolean;
  /** fast-check seed (default: random; always reported). */
  seed?: number;
  /** fast-check runs per property (default 30). */
  runs?: number;
  /** fast-check path to replay one counterexample (use with `only` and `seed`). */
  replayPath?: string;
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
  /** Called as each check finishes. */
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
  const selected = sortChecks(
    selectChecks(all, {
      ...(areas ? { areas } : {}),
      ...(options.only ? { only: options.only } : {}),
      ...(options.exclude ? { exclude: options.exclude } : {}),
    }),
  );
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

  try {
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
    const results = await runChecks({
      target,
      checks: selected,
      seed,
      runs,
      ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
      strict: options.strict ?? false,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      maxWaitMs,
      timeoutMs,
      checkTimeoutMs,
      redactor,
      dispatcher,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      replayCommand: (meta: CheckMeta, s: number, path: string | undefined) =>
        `${prefix} --only ${meta.id} --seed ${s}${path ? ` --replay-path ${path}` : ""}`,
      onResult: (r) => {
        markExpectedFailure(r, expected);
        options.onResult?.(r);
      },
      ...(options.onWait ? { onWait: options.onWait } : {}),
    });
    const summary = summarize(results);
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
        ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
        ...("insecure" in transport && transport.insecure ? { insecure: true as const } : {}),
      },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      discovery,
      results,
      summary,
      // A cancelled run is never a pass, even if what finished passed.
      exitCode: options.signal?.aborted ? 1 : exitCodeOf(results),
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

function pickTimes(c: TargetConfig): Partial<TargetConfig> {
  const out: Partial<TargetConfig> = {};
  if (c.requestTimeoutMs !== undefined) out.requestTimeoutMs = c.requestTimeoutMs;
  if (c.checkTimeoutMs !== undefined) out.checkTimeoutMs = c.checkTimeoutMs;
  if (c.maxWaitMs !== undefined) out.maxWaitMs = c.maxWaitMs;
  return out;
}
