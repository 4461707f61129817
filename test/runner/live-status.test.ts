/**
 * Signs of life: the live status line on a terminal, heartbeat lines in a log (at most one
 * per 10 s of silence while a check waits), and a real run that waits printing them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLiveStatus } from "../../src/reports/live-status.ts";
import { runCli } from "../cli/process.ts";

const CLEAR = "\r\u001b[2K";

describe("without a terminal: heartbeat lines", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("one line per 10 s of silence while a check waits, saying what for", () => {
    let out = "";
    const status = createLiveStatus({ write: (t) => (out += t), tty: false });
    status.start(124);
    status.wait({
      checkId: "DTP-EXP-003",
      ms: 32_000,
      reason: "for dtp_lifetimes.refresh_token to pass",
    });
    vi.advanceTimersByTime(9_000);
    expect(out).toBe("");
    vi.advanceTimersByTime(1_000);
    expect(out).toBe(
      "… 10s · 0/124 checks · waiting 22 s for dtp_lifetimes.refresh_token to pass (DTP-EXP-003)\n",
    );
    // A result line resets the silence.
    vi.advanceTimersByTime(5_000);
    status.result({ id: "DTP-DISC-001" });
    status.write("[  1/124] PASS  DTP-DISC-001\n");
    out = "";
    vi.advanceTimersByTime(9_000);
    expect(out).toBe("");
    vi.advanceTimersByTime(1_000);
    expect(out).toBe(
      "… 25s · 1/124 checks · waiting 7 s for dtp_lifetimes.refresh_token to pass (DTP-EXP-003)\n",
    );
    // The check finished: nothing waits, no more heartbeats.
    status.result({ id: "DTP-EXP-003" });
    out = "";
    vi.advanceTimersByTime(60_000);
    expect(out).toBe("");
    status.stop();
  });

  it("names the longest wait and counts the others; silent when nothing waits", () => {
    let out = "";
    const status = createLiveStatus({ write: (t) => (out += t), tty: false });
    status.start(10);
    vi.advanceTimersByTime(30_000);
    expect(out).toBe("");
    status.wait({ checkId: "DTP-POLL-006", ms: 16_000 });
    status.wait({ checkId: "DTP-EXP-001", ms: 60_000, reason: "for the access token to expire" });
    // Silent for 30 s already: the first tick of the wait prints, then 10 s later the next.
    vi.advanceTimersByTime(1_000);
    expect(out).toBe(
      "… 31s · 0/10 checks · waiting 59 s for the access token to expire (DTP-EXP-001) · 1 more waiting\n",
    );
    out = "";
    vi.advanceTimersByTime(9_000);
    expect(out).toBe("");
    vi.advanceTimersByTime(1_000);
    expect(out).toMatch(/^… 41s .* · 1 more waiting\n$/);
    status.stop();
  });
});

describe("on a terminal: one status line, redrawn", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stays under the progress lines and is removed at the end", () => {
    const writes: string[] = [];
    const status = createLiveStatus({ write: (t) => writes.push(t), tty: true, columns: () => 60 });
    status.start(5);
    expect(writes.at(-1)).toBe(`${CLEAR}0ms · 0/5 checks`);
    status.wait({ checkId: "DTP-EXP-003", ms: 12_000, reason: "for the refresh token to expire" });
    const full = "0ms · 0/5 checks · waiting 12 s for the refresh token to expire (DTP-EXP-003)";
    expect(writes.at(-1)).toBe(`${CLEAR}${full.slice(0, 58)}…`);
    vi.advanceTimersByTime(2_000);
    expect(writes.at(-1)?.startsWith(`${CLEAR}2s · 0/5 checks · waiting 10 s`)).toBe(true);
    writes.length = 0;
    status.write("[1/5] PASS  DTP-DISC-001\n");
    expect(writes[0]).toBe(CLEAR);
    expect(writes[1]).toBe("[1/5] PASS  DTP-DISC-001\n");
    expect(writes[2]?.startsWith(`${CLEAR}2s · 0/5 checks`)).toBe(true);
    status.stop();
    expect(writes.at(-1)).toBe(CLEAR);
    writes.length = 0;
    vi.advanceTimersByTime(5_000);
    expect(writes).toEqual([]);
  });
});

describe("a real run that waits", () => {
  it("prints heartbeat lines naming the waiting check (no terminal)", async () => {
    const r = await runCli(["test", "--only", "DTP-APR-009"], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^… \d+s · 0\/1 checks · waiting \d+ s for the device code lifetime \(dtp_lifetimes\.device_code\) to pass \(DTP-APR-009\)$/m,
    );
  }, 90_000);
});
