/**
 * Event-loop stalls are not the target's fault. A check that generates RSA keys or signs in
 * a tight loop blocks the kit's event loop; a request deadline measured in wall-clock time
 * would then charge that stall to the target and report a false timeout. This module
 * measures the time the loop was blocked (a light ticker, running only while requests are
 * in flight) so that deadlines can be extended by exactly that much.
 */
const TICK_MS = 25;
/** Drift below this is ordinary timer jitter. */
const JITTER_MS = 15;

let blockedMs = 0;
let users = 0;
let ticker: NodeJS.Timeout | undefined;
let last = 0;

function tick(): void {
  const now = performance.now();
  const drift = now - last - TICK_MS;
  if (drift > JITTER_MS) blockedMs += drift;
  last = now;
}

/** Total milliseconds the event loop was measured blocked so far. */
export function blockedTime(): number {
  if (ticker) tick();
  return blockedMs;
}

/** Starts measuring (reference-counted); call the returned function when done. */
export function measureLoopLag(): () => void {
  if (users++ === 0) {
    last = performance.now();
    ticker = setInterval(tick, TICK_MS);
    ticker.unref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
}
