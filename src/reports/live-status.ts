/**
 * Signs of life while a run waits on lifetimes and intervals. On a terminal: one status
 * line under the progress lines, redrawn every second (elapsed time, checks done / total,
 * what is waiting and why). Without a terminal (CI logs): a heartbeat line when the output
 * has been silent for 10 s while a check waits, so at most one every 10 s.
 *
 * The console reporter writes through {@link LiveStatus.write}, which clears the status
 * line before a line and redraws it after, so the two never interleave.
 */
import { formatDuration } from "../config/duration.ts";

/** A check started sleeping (the engine's `onWait`). */
export interface WaitEvent {
  checkId: string;
  ms: number;
  /** What it waits for: "for the refresh token to expire". */
  reason?: string;
}

export interface LiveStatusOptions {
  /** Where lines go (the console's writer). */
  write: (text: string) => void;
  /** A terminal: a status line redrawn in place; otherwise heartbeat lines. */
  tty: boolean;
  /** Terminal width (the line is cut to it). */
  columns?: () => number | undefined;
  /** Silence (ms) before a heartbeat line while something waits; default 10 s. */
  heartbeatMs?: number;
  now?: () => number;
}

export interface LiveStatus {
  start(total: number): void;
  /** A check finished: counted, its waits forgotten. */
  result(result: { id: string }): void;
  wait(event: WaitEvent): void;
  /** Writes output lines (the console reporter's), keeping the status line below them. */
  write(text: string): void;
  /** Removes the status line and stops the timers (before the summary). */
  stop(): void;
}

const TICK_MS = 1000;
const CLEAR = "\r\u001b[2K";

export function createLiveStatus(opts: LiveStatusOptions): LiveStatus {
  const now = opts.now ?? Date.now;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const waits = new Map<string, { until: number; reason?: string }>();
  let startedAt = now();
  let total = 0;
  let done = 0;
  let drawn = false;
  let lastOutput = now();
  let timer: NodeJS.Timeout | undefined;

  const waiting = () => {
    const t = now();
    const active = [...waits.entries()].filter(([, w]) => w.until > t);
    active.sort((a, b) => b[1].until - a[1].until);
    return active;
  };
  const describe = (): string => {
    const parts = [`${formatDuration(now() - startedAt)}`, `${done}/${total} checks`];
    const active = waiting();
    const first = active[0];
    if (first) {
      const [id, w] = first;
      const seconds = Math.max(1, Math.ceil((w.until - now()) / 1000));
      parts.push(`waiting ${seconds} s${w.reason ? ` ${w.reason}` : ""} (${id})`);
      if (active.length > 1) parts.push(`${active.length - 1} more waiting`);
    }
    return parts.join(" · ");
  };
  const clear = () => {
    if (drawn) opts.write(CLEAR);
    drawn = false;
  };
  const draw = () => {
    if (!opts.tty || timer === undefined) return;
    const width = Math.max(20, (opts.columns?.() || 100) - 1);
    const line = describe();
    opts.write(`${CLEAR}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    drawn = true;
  };
  const tick = () => {
    if (opts.tty) {
      draw();
      return;
    }
    if (waiting().length > 0 && now() - lastOutput >= heartbeatMs) {
      opts.write(`… ${describe()}\n`);
      lastOutput = now();
    }
  };

  return {
    start(n) {
      total = n;
      startedAt = now();
      lastOutput = now();
      timer = setInterval(tick, TICK_MS);
      timer.unref();
      draw();
    },
    result(r) {
      done++;
      waits.delete(r.id);
      draw();
    },
    wait(e) {
      waits.set(e.checkId, {
        until: now() + e.ms,
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
      });
      draw();
    },
    write(text) {
      clear();
      opts.write(text);
      lastOutput = now();
      if (text.endsWith("\n")) draw();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      clear();
    },
  };
}
