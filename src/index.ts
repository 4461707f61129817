/**
 * dtp-kit: the DTP conformance kit's programmatic API (re-exports only).
 *
 * @example
 * import { runConformance } from "dtp-kit";
 * const report = await runConformance({ url: "https://as.example", config: "dtp.config.json" });
 * console.log(report.summary.byStatus, report.exitCode);
 */

export type {
  Approver,
  Area,
  Check,
  CheckContext,
  CheckMeta,
  Clock,
  Level,
  SkipKind,
  Status,
} from "./check/check.ts";
export {
  CheckFailure,
  ConfigError,
  DtpKitError,
  type DtpKitErrorCode,
  SkipSignal,
  TargetError,
  UsageError,
} from "./check/failure.ts";
export type { Exchange, HttpClient, HttpRequest, HttpResponse } from "./check/http.ts";
export type { Feature, Profile, Target } from "./check/target.ts";
export { loadConfig, resolveConfig } from "./config/load.ts";
export type { ApprovalConfig, TargetConfig, TargetConfigFile } from "./config/schema.ts";
export { createHttpClient, type HttpClientOptions } from "./http/client.ts";
export { renderHtml, renderJson, renderJunit } from "./reports/index.ts";
export type { ExpectedFailure } from "./runner/expected-failures.ts";
export { type RunOptions, runConformance } from "./runner/run.ts";
export type {
  CheckResult,
  Coverage,
  FailureRecord,
  RequirementCoverage,
  RequirementState,
  RootCause,
  RunReport,
  RunSummary,
  Verdict,
  VerdictWord,
} from "./runner/types.ts";
