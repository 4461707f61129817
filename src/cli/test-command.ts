/** `dtp test [url]`: run the conformance suite against a server (or the embedded one). */
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Command, Option } from "commander";
import { checks as registry } from "../../suites/index.ts";
import type { Area, Check } from "../check/check.ts";
import { UsageError } from "../check/failure.ts";
import { PROFILES, type Profile } from "../check/target.ts";
import { formatDuration } from "../config/duration.ts";
import type { TransportFiles } from "../http/transport.ts";
import { writeCurlScripts } from "../reports/curl-files.ts";
import {
  createConsoleReporter,
  parseReportSpec,
  reportDirTargets,
  writeReports,
} from "../reports/index.ts";
import { createLiveStatus } from "../reports/live-status.ts";
import { requiredFeatures } from "../runner/check-run.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_RUNS,
} from "../runner/engine-options.ts";
import { AREAS, selectChecks, sortChecks, validateRegistry } from "../runner/registry.ts";
import { EMBEDDED_MAX_WAIT_MS, type RunOptions, runConformance } from "../runner/run.ts";
import type { FailureRecord } from "../runner/types.ts";
import type { CliIo } from "./io.ts";
import { resolveReplay, saveLastRun } from "./last-run.ts";
import { collect, durationMs, header, integer, list, positiveInteger } from "./options.ts";

interface TestFlags {
  config?: string;
  profile?: Profile;
  area?: string[];
  only?: string[];
  exclude?: string[];
  requirement?: string[];
  strict?: boolean;
  allowUntested?: boolean;
  maxFailures?: number;
  waitFor?: number;
  case?: string;
  seed?: number;
  runs?: number;
  replay?: string;
  replayPath?: string;
  maxWait?: number;
  timeout?: number;
  checkTimeout?: number;
  concurrency?: number;
  report?: string[];
  reportDir?: string;
  evidence?: "failures" | "all";
  expectedFailures?: string;
  list?: boolean;
  color?: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
  insecure?: boolean;
  proxy?: string;
  header?: [string, string][];
}

export function testCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("test")
    .description(
      "Run the conformance checks against a DTP or OAuth server. With no URL, start the embedded reference server (short lifetimes) and test it.",
    )
    .argument("[url]", "base URL (issuer) of the server under test")
    .option("-c, --config <file>", "target config (JSON; schema: schemas/dtp-config.schema.json)")
    .addOption(
      new Option(
        "--profile <profile>",
        'checks to apply: "dtp" (all), or "oauth" (those that hold for any standard OAuth server, with the config\'s oauth.clients; DTP extensions skipped)',
      )
        .choices(PROFILES)
        .default("dtp"),
    )
    .option("-a, --area <areas>", `only these areas, comma-separated (${AREAS.join(", ")})`, list)
    .option(
      "--only <checks>",
      "only these checks (check IDs, comma-separated; DTP-REF-* matches a prefix)",
      list,
    )
    .option("--exclude <checks>", "leave out these checks (check IDs, comma-separated)", list)
    .option(
      "--requirement <ids>",
      "only the checks that cover these requirement IDs, comma-separated (DTP-REF-* matches a prefix)",
      list,
    )
    .option("--strict", "SHOULD failures fail the run (default: they warn)")
    .option(
      "--allow-untested",
      "claimed MUST requirements the kit could not test do not fail the run (the verdict still says INCOMPLETE)",
    )
    .option("--max-failures <n>", "stop the run after n failed checks", positiveInteger)
    .option(
      "--wait-for <duration>",
      "poll the target's metadata URL until it answers 200 (at most this long), then start",
      durationMs,
    )
    .option("--seed <n>", "fast-check seed (default: random, printed)", integer)
    .option("--runs <n>", `fast-check runs per property (default ${DEFAULT_RUNS})`, positiveInteger)
    .option(
      "--replay <check>",
      "re-run the last run's (.dtp/last-run.json) first failure of this check exactly: its seed, case and counterexample",
    )
    .option(
      "--case <label>",
      "run only this case of the check (with --only <check>; a failure's replay line names it)",
    )
    .option(
      "--replay-path <path>",
      "fast-check path of a counterexample to replay (with --only, --seed and --case)",
    )
    .option(
      "--max-wait <duration>",
      `time a check may wait for lifetimes and intervals (default ${formatDuration(DEFAULT_MAX_WAIT_MS)}; ${formatDuration(EMBEDDED_MAX_WAIT_MS)} for the embedded server)`,
      durationMs,
    )
    .option("--timeout <duration>", "per-request deadline (default 10s)", durationMs)
    .option(
      "--check-timeout <duration>",
      "deadline of one check on top of its waits (default 5m)",
      durationMs,
    )
    .option(
      "--concurrency <n>",
      `checks run at once (default ${DEFAULT_CONCURRENCY}; waiting checks do not count)`,
      positiveInteger,
    )
    .option(
      "--report <spec>",
      "write reports: json=<path>,junit=<path>,html=<path> (repeatable)",
      list,
    )
    .option(
      "--report-dir <dir>",
      "write all three reports there: dtp-report.json, dtp-junit.xml, dtp-report.html",
    )
    .addOption(
      new Option(
        "--evidence <what>",
        "transcripts in the reports: full for failing checks and request lines for the others (failures), or everything in full (all)",
      )
        .choices(["failures", "all"])
        .default("failures"),
    )
    .option(
      "--expected-failures <file>",
      'known failures {"failures":[{"id","reason"}]}: they do not fail the run; listed checks that pass do',
    )
    .option(
      "--ca <file>",
      "PEM file of a CA to trust besides Node's own (and NODE_EXTRA_CA_CERTS); repeatable",
      collect,
    )
    .option("--cert <file>", "PEM client certificate for mutual TLS (with --key)")
    .option("--key <file>", "PEM private key of the client certificate (with --cert)")
    .option(
      "--insecure",
      "do not verify the target's TLS certificate (said in every report; throwaway servers only)",
    )
    .option(
      "--proxy <url>",
      "forward proxy for every request (default: HTTPS_PROXY / HTTP_PROXY; NO_PROXY applies)",
    )
    .option(
      "--header <'Name: value'>",
      "extra header for every request to the target (a gateway's); repeatable; redacted in transcripts",
      header,
    )
    .option("--list", "print the selected checks with their IDs, levels and needs; run nothing")
    .addOption(new Option("--color", "force colours"))
    .addOption(new Option("--no-color", "no colours"))
    .action(async (url: string | undefined, flags: TestFlags) => {
      setExit(await runTest(url, flags, io));
    });
}

async function runTest(url: string | undefined, flags: TestFlags, io: CliIo): Promise<number> {
  const checks = io.checks ?? registry;
  const color = flags.color ?? io.color;
  if (flags.list) return listChecks(checks, flags, io);

  const reports = [
    ...parseReportSpec(flags.report ?? []),
    ...(flags.reportDir !== undefined ? reportDirTargets(flags.reportDir) : []),
  ].map((r) => ({ ...r, path: resolve(io.cwd, r.path) }));
  await checkReportPaths(reports);
  let only = flags.only;
  let seed = flags.seed;
  let replayPath = flags.replayPath;
  let replayCase = flags.case;
  if (flags.replay !== undefined) {
    if (flags.seed !== undefined || flags.replayPath !== undefined || flags.case !== undefined) {
      throw new UsageError(
        "--replay sets the seed, case and path: drop --seed / --case / --replay-path",
      );
    }
    if (only?.length || flags.requirement?.length || flags.area?.length) {
      throw new UsageError("--replay selects its check: drop --only / --requirement / --area");
    }
    const replay = await resolveReplay(flags.replay, io.cwd, checks);
    seed = replay.seed;
    only = [replay.only];
    if (replay.case !== undefined) replayCase = replay.case;
    if (replay.path !== undefined) replayPath = replay.path;
  }
  if (replayPath !== undefined && (seed === undefined || only?.length !== 1)) {
    throw new UsageError(
      "--replay-path needs --seed and --only <one check> (and the --case it belongs to)",
    );
  }
  if (replayCase !== undefined && only?.length !== 1) {
    throw new UsageError("--case needs --only <one check>");
  }

  const replayPrefix = [
    "dtp test",
    ...(url ? [url] : []),
    ...(flags.config ? ["--config", flags.config] : []),
    ...(flags.profile && flags.profile !== "dtp" ? ["--profile", flags.profile] : []),
    ...(flags.strict ? ["--strict"] : []),
    ...(flags.runs !== undefined ? ["--runs", String(flags.runs)] : []),
    ...(flags.maxWait !== undefined ? ["--max-wait", `${flags.maxWait}ms`] : []),
    ...(flags.ca ?? []).flatMap((f) => ["--ca", f]),
    ...(flags.cert !== undefined ? ["--cert", flags.cert] : []),
    ...(flags.key !== undefined ? ["--key", flags.key] : []),
    ...(flags.insecure ? ["--insecure"] : []),
    ...(flags.proxy !== undefined ? ["--proxy", flags.proxy] : []),
  ].join(" ");
  const transport: TransportFiles = {
    ...(flags.ca ? { ca: flags.ca.map((f) => resolve(io.cwd, f)) } : {}),
    ...(flags.cert !== undefined ? { cert: resolve(io.cwd, flags.cert) } : {}),
    ...(flags.key !== undefined ? { key: resolve(io.cwd, flags.key) } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}),
  };
  const status = createLiveStatus({
    write: io.stdout,
    tty: io.tty ?? false,
    ...(io.columns ? { columns: io.columns } : {}),
  });
  const reporter = createConsoleReporter({
    write: (t) => status.write(t),
    ...(color !== undefined ? { color } : {}),
  });
  let ranBeforeStop = 0;
  const options: RunOptions = {
    ...(url !== undefined ? { url } : {}),
    ...(flags.config !== undefined ? { config: resolve(io.cwd, flags.config) } : {}),
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.area ? { area: flags.area as Area[] } : {}),
    ...(only ? { only } : {}),
    ...(flags.exclude ? { exclude: flags.exclude } : {}),
    ...(flags.requirement ? { requirements: flags.requirement } : {}),
    strict: flags.strict ?? false,
    ...(flags.allowUntested ? { allowUntested: true } : {}),
    ...(flags.maxFailures !== undefined ? { maxFailures: flags.maxFailures } : {}),
    ...(flags.waitFor !== undefined ? { waitForMs: flags.waitFor } : {}),
    ...(flags.evidence === "all" ? { evidence: "all" as const } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(flags.runs !== undefined ? { runs: flags.runs } : {}),
    ...(replayCase !== undefined ? { replayCase } : {}),
    ...(replayPath !== undefined ? { replayPath } : {}),
    ...(flags.maxWait !== undefined ? { maxWaitMs: flags.maxWait } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    ...(flags.checkTimeout !== undefined ? { checkTimeoutMs: flags.checkTimeout } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.expectedFailures !== undefined
      ? { expectedFailures: resolve(io.cwd, flags.expectedFailures) }
      : {}),
    checks,
    replayPrefix,
    ...(Object.keys(transport).length ? { transport } : {}),
    ...(flags.header ? { headers: Object.fromEntries(flags.header) } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    onStart: (info) => {
      reporter.start(info);
      status.start(info.checks.length);
    },
    onResult: (r) => {
      if (!io.signal?.aborted) ranBeforeStop++;
      reporter.result(r);
      status.result(r);
    },
    onWait: (e) => status.wait(e),
  };
  let report: Awaited<ReturnType<typeof runConformance>>;
  try {
    report = await runConformance(options);
  } finally {
    status.stop();
  }
  let scripts = new Map<FailureRecord, string>();
  try {
    scripts = await writeCurlScripts(report, join(io.cwd, ".dtp", "repro"));
  } catch {
    // best effort: a read-only working directory must not fail the run (JSON/HTML carry them)
  }
  reporter.finish(report, scripts);
  await saveLastRun(io.cwd, report);
  try {
    await writeReports(report, reports);
  } catch (err) {
    throw new UsageError(`cannot write a report: ${(err as Error).message}`);
  }
  for (const r of reports) io.stdout(`wrote ${r.format} report to ${r.path}\n`);
  if (io.signal?.aborted) {
    io.stderr(
      `dtp: interrupted: the run stopped after ${ranBeforeStop} of ${report.results.length} checks; ${reports.length ? "the reports hold" : "the summary above holds"} what ran (exit 1)\n`,
    );
  }
  return report.exitCode;
}

function listChecks(checks: readonly Check[], flags: TestFlags, io: CliIo): number {
  validateRegistry(checks);
  const selected = sortChecks(
    selectChecks(checks, {
      ...(flags.area ? { areas: flags.area } : {}),
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.exclude ? { exclude: flags.exclude } : {}),
      ...(flags.requirement ? { requirements: flags.requirement } : {}),
    }),
  );
  for (const c of selected) {
    const m = c.meta;
    const needs = requiredFeatures(m, flags.profile);
    const tags = [m.property ? "property" : "", m.waits ? "waits" : ""].filter(Boolean).join(",");
    io.stdout(
      `${m.id.padEnd(14)}${m.level.padEnd(7)}${m.area.padEnd(16)}${m.title}${needs.length ? `  [needs ${needs.join(", ")}]` : ""}${tags ? `  (${tags})` : ""}\n`,
    );
  }
  io.stdout(`${selected.length} checks\n`);
  return 0;
}

/** A report path that is a directory (or under a file) fails before the run, not after it. */
async function checkReportPaths(reports: readonly { format: string; path: string }[]) {
  for (const r of reports) {
    const info = await stat(r.path).catch(() => undefined);
    if (info?.isDirectory()) {
      throw new UsageError(`${r.format} report ${r.path}: is a directory; give a file name`);
    }
    let dir = dirname(r.path);
    for (;;) {
      const d = await stat(dir).catch(() => undefined);
      if (d && !d.isDirectory()) {
        throw new UsageError(`${r.format} report ${r.path}: ${dir} is a file, not a directory`);
      }
      if (d || dirname(dir) === dir) break;
      dir = dirname(dir);
    }
  }
}
