/** Where the CLI reads and writes: the real process by default, buffers in tests. */
import type { Check } from "../check/check.ts";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Colours on/off; default: detected from the terminal (NO_COLOR, FORCE_COLOR, TTY). */
  color?: boolean;
  /** stdout is a terminal: a live status line instead of heartbeat lines. */
  tty?: boolean;
  /** Terminal width, for the status line. */
  columns?: () => number | undefined;
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
    stdout: untilClosed(process.stdout),
    stderr: untilClosed(process.stderr),
    cwd: process.cwd(),
    handleSignals: true,
    tty: process.stdout.isTTY === true,
    columns: () => process.stdout.columns,
  };
}

/**
 * Writes to a stream until its reader goes away (`dtp test --list | head`: EPIPE), then
 * drops the rest quietly: a closed pipe is the reader's choice, not an error of the command,
 * which finishes (and writes its report files) as usual.
 */
function untilClosed(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", () => {
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}
