/**
 * The `dtp` command. `main(argv)` never calls `process.exit`: it returns the exit code
 * (0 conformant, 1 a check failed or errored, 2 usage / config / unreachable target), so
 * tests run it in-process and `bin/dtp.js` sets `process.exitCode` from it.
 */
import { Command, CommanderError } from "commander";
import { isSetupError } from "../check/failure.ts";
import { KIT_VERSION } from "../runner/run.ts";
import { type CliIo, processIo } from "./io.ts";
import { serveCommand } from "./serve-command.ts";
import { specCommand } from "./spec-command.ts";
import { testCommand } from "./test-command.ts";

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

const HELP_AFTER = `
Exit codes:
  0  CONFORMANT: every MUST requirement the target claims was tested and passed (every
     SHOULD too under --strict); or every failure is listed in --expected-failures
  1  NOT CONFORMANT (a requirement failed) or INCOMPLETE (a claimed MUST requirement could
     not be tested; --allow-untested accepts that), a check errored, or an expected failure
     now passes (stale)
  2  usage or config error (an empty selection, a requirement ID where a check ID is
     needed), or the target is unreachable

Examples:
  dtp test                                   test the embedded reference server
  dtp test https://as.example --config dtp.config.json --report junit=reports/dtp.xml
  dtp test https://as.example -c dtp.config.json --area refresh,revocation --strict
  dtp test https://as.example -c dtp.config.json --requirement DTP-REF-004
  dtp test https://as.example -c dtp.config.json --replay DTP-REF-002
  dtp serve --short --memory --port 8080
`;

/**
 * Runs the `dtp` command line and resolves to its exit code.
 *
 * @example
 * const code = await main(["test", "https://as.example", "--config", "dtp.config.json"]);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command("dtp")
    .description("DTP (Device Trust Protocol) conformance kit and reference server")
    .version(KIT_VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // commander's "error: …" (and "(Did you mean …?)") as one line, like the kit's own.
      outputError: (s, write) =>
        write(
          `dtp: ${s
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")} (add --help for usage)\n`,
        ),
    })
    .addHelpText("after", HELP_AFTER);
  // Ctrl-C / SIGTERM: stop the checks (what finished is still reported) or stop `dtp serve`.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  io.signal?.addEventListener("abort", onAbort, { once: true });
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts > 1) process.exit(130);
    onAbort();
  };
  if (io.handleSignals) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  const cliIo: CliIo = { ...io, signal: controller.signal };
  // addCommand() does not pass on exitOverride / configureOutput: copy them explicitly.
  program.addCommand(
    testCommand(cliIo, setExit).copyInheritedSettings(program).addHelpText("after", HELP_AFTER),
  );
  program.addCommand(serveCommand(cliIo, setExit).copyInheritedSettings(program));
  program.addCommand(specCommand(cliIo, setExit).copyInheritedSettings(program));

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync([...argv], { from: "user" });
    if (interrupts > 0 && io.handleSignals) {
      // Interrupted: what finished was reported; do not wait for abandoned checks.
      setTimeout(() => process.exit(exitCode), 1000).unref();
    }
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version")
        return EXIT.OK;
      if (err.code === "commander.help") return EXIT.OK;
      return EXIT.USAGE;
    }
    if (isSetupError(err)) {
      io.stderr(`dtp: ${err.message}\n`);
      return EXIT.USAGE;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr(
      process.env.DTP_DEBUG
        ? `dtp: internal error (a bug in the kit, please report it): ${e.stack ?? e.message}\n`
        : `dtp: internal error (a bug in the kit, please report it with DTP_DEBUG=1 set for the stack): ${e.name}: ${e.message.split("\n")[0]}\n`,
    );
    return EXIT.FAILED;
  } finally {
    io.signal?.removeEventListener("abort", onAbort);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
