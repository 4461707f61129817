/**
 * `dtp spec lint [file]` and `dtp spec diff <base> <head>`: gate changes to the spec.
 * Exit codes: 0 clean / nothing breaking (or properly versioned), 1 lint errors / breaking
 * changes without the version bump semver asks, 2 usage (unreadable file, unknown revision).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { checks as registry } from "../../suites/index.ts";
import { UsageError } from "../check/failure.ts";
import { specPath } from "../spec/openapi.ts";
import {
  diffSpecs,
  loadSpecVersion,
  renderDiffJson,
  renderDiffText,
} from "../spec-tools/diff/index.ts";
import { REPO_SPEC_PATH } from "../spec-tools/diff/load.ts";
import { specFilesAt } from "../spec-tools/files.ts";
import { formatLintMessage, lintSpec } from "../spec-tools/lint.ts";
import type { CliIo } from "./io.ts";

const LINT_HELP = `
Checks: OpenAPI 3.1 validity (swagger-parser) and $refs; the DTP rules (every operation
declares security, or security: [] for a public one; every 4xx/5xx has an OAuthError or
Problem body; responses carrying a secret declare Cache-Control: no-store); the catalogue
(schema, unique well-formed IDs, every ID's operations exist, every operation covered);
every observable MUST has a check; the catalogue's version is info.version.

Exit codes:
  0  no problem
  1  problems found (one line each: file:line:col [rule] message)
  2  usage: a file cannot be read

Examples:
  dtp spec lint                              ./spec/dtp.openapi.yaml (or the kit's own spec)
  dtp spec lint spec/dtp.openapi.yaml --json
`;

const DIFF_HELP = `
<base> and <head> are each a file (the OpenAPI YAML; the catalogue is the requirements.yaml
next to it, or <name>.requirements.yaml), a directory holding both, or a git revision
(git show <rev>:${REPO_SPEC_PATH}; <rev>:<path> for another path).

Exit codes:
  0  no breaking change, or info.version was bumped as semver asks (breaking: major;
     compatible: any, a minor or patch bump is advised)
  1  breaking changes without a major bump, or the version went down
  2  usage: an argument is neither a file nor a git revision, or does not parse

Examples:
  dtp spec diff spec/releases/1.0.0 spec     the last release against the working tree
  dtp spec diff origin/main HEAD             two git revisions
  dtp spec diff main spec/dtp.openapi.yaml --json
`;

/** `spec` passes the settings main() copies onto it down to its own subcommands. */
class SpecCommand extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }
}

interface LintFlags {
  catalogue?: string;
  coverage: boolean;
  json?: boolean;
}

interface DiffFlags {
  json?: boolean;
}

export function specCommand(io: CliIo, setExit: (code: number) => void): Command {
  const spec = new SpecCommand("spec").description(
    "Check the specification: lint it, or compare two versions of it",
  );
  spec.addCommand(
    new Command("lint")
      .description("Check the OpenAPI document, the requirement catalogue and their coverage")
      .argument("[file]", "the OpenAPI document, or a directory holding it (default: spec/)")
      .option(
        "--catalogue <file>",
        "the requirement catalogue (default: requirements.yaml beside the document)",
      )
      .option("--no-coverage", "do not check that every observable MUST has a check")
      .option("--json", "print the result as JSON")
      .addHelpText("after", LINT_HELP)
      .action(async (file: string | undefined, flags: LintFlags) => {
        setExit(await runLint(file, flags, io));
      }),
  );
  spec.addCommand(
    new Command("diff")
      .description("Classify every change between two versions of the spec; check the version bump")
      .argument("<base>", "the earlier version: a file, a directory or a git revision")
      .argument("<head>", "the later version: a file, a directory or a git revision")
      .option("--json", "print the result as JSON")
      .addHelpText("after", DIFF_HELP)
      .action((base: string, head: string, flags: DiffFlags) => {
        setExit(runDiff(base, head, flags, io));
      }),
  );
  // `dtp spec` alone is a usage error (exit 2), like `dtp` alone; `dtp spec help diff` works.
  spec.helpCommand(true).action(() => {
    spec.outputHelp({ error: true });
    setExit(2);
  });
  return spec;
}

function defaultSpec(cwd: string): string {
  const local = resolve(cwd, REPO_SPEC_PATH);
  return existsSync(local) ? local : specPath();
}

async function runLint(file: string | undefined, flags: LintFlags, io: CliIo): Promise<number> {
  let openapi = defaultSpec(io.cwd);
  if (file !== undefined) {
    const files = specFilesAt(file, io.cwd);
    if (files === undefined) throw new UsageError(`${file}: no such file or directory`);
    openapi = files.openapi;
  }
  const result = await lintSpec({
    openapi,
    ...(flags.catalogue === undefined ? {} : { catalogue: resolve(io.cwd, flags.catalogue) }),
    ...(flags.coverage ? { checks: io.checks ?? registry } : {}),
  });
  const errors = result.messages.length;
  if (flags.json) {
    io.stdout(`${JSON.stringify({ ...result, errors, exitCode: errors > 0 ? 1 : 0 }, null, 2)}\n`);
  } else {
    for (const m of result.messages) io.stdout(`${formatLintMessage(m, io.cwd)}\n`);
    const what = [
      `${result.operations} operations`,
      `${result.requirements} requirements`,
      ...(result.checks === undefined ? [] : [`${result.checks} checks`]),
    ].join(", ");
    io.stdout(
      errors === 0
        ? `spec lint: OK (${what})\n`
        : `spec lint: ${errors} problem${errors === 1 ? "" : "s"} (${what})\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}

function runDiff(base: string, head: string, flags: DiffFlags, io: CliIo): number {
  const diff = diffSpecs(loadSpecVersion(base, io.cwd), loadSpecVersion(head, io.cwd));
  io.stdout(flags.json ? renderDiffJson(diff) : renderDiffText(diff));
  return diff.exitCode;
}
