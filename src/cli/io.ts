/** Where the CLI reads and writes: the real process by default, buffers in tests. */
import type { Check } from "../check/check.ts";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Colours on/off; default: detected from the terminal (NO_COLOR, FORCE_COLOR, TTY). */
  color?: boolean;
  /** Stops `dtp serve` and cancels `dtp test` (besides SIGINT / SIGTERM). */
  signal?: AbortSignal;
  /** The checks to choose from (default: every suite); tests pass their own. */
  checks?: readonly Check[];
  /** Listen to SIGINT / SIGTERM (the real process; not in-process tests). */
  handleSignals?: boolean;
  /** Called by `dtp serve` once listening (tests read the URL from it). */
  onServing?: (info: { url: string; adminKey: string; apiKey: string }) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    handleSignals: true,
  };
}
