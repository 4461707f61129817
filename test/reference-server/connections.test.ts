/**
 * Issue 16, points 3 and 4, with real sockets (node:net): every request gets a status, never
 * a reset — `CONNECT host:port` (405 or 400), bodies over the limit of any size (413, then
 * the connection closes) — and what the client causes (an abort mid-body, broken chunked
 * framing) is at most one short log line: never "internal error", never a stack.
 */
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { start } from "./helpers.ts";

let s: RunningServer;
let port: number;
beforeAll(async () => {
  s = await start();
  port = Number(new URL(s.url).port);
});
afterAll(() => s.close());

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** The socket error the client saw, if any (ECONNRESET = a reset). */
  error?: string;
}

/**
 * Opens a connection, writes `head`, then `body` in chunks (stopping at the first write
 * error), and reads until the server closes or `timeoutMs` passes.
 */
function exchange(
  head: string,
  body: { chunk: Buffer; times: number; tail?: string } | undefined,
  timeoutMs = 10_000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const done = () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString("latin1"), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => {
      error ??= "timeout";
      socket.destroy();
    }, timeoutMs);
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on("close", done);
    socket.on("connect", async () => {
      socket.write(head);
      for (let i = 0; body && i < body.times && !socket.destroyed; i++) {
        if (!socket.write(body.chunk))
          await new Promise<void>((r) => {
            socket.once("drain", r);
            socket.once("close", r);
          });
      }
      if (body?.tail && !socket.destroyed) socket.write(body.tail);
    });
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

describe("every request gets an answer, never a reset", () => {
  it("CONNECT host:port → 405 (or 400) with a problem body", async () => {
    const r = await exchange(
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
      undefined,
    );
    expect(r.error, r.text).toBeUndefined();
    expect([400, 405]).toContain(statusOf(r.text));
    expect(r.text).toMatch(/content-type: application\/problem\+json/i);
    expect(r.text).toContain('"status":');
  });

  it("an Upgrade request is answered as a plain request (no upgrade offered)", async () => {
    const r = await exchange(
      "GET /me HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      undefined,
      500, // the connection stays open (keep-alive): read what came within 0.5 s
    );
    expect(statusOf(r.text), r.text.slice(0, 200)).toBe(401);
  });

  it("headers over node's limit → 431 with a problem body", async () => {
    const r = await exchange(
      `GET /me HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      undefined,
    );
    expect(r.error).toBeUndefined();
    expect(statusOf(r.text)).toBe(431);
    expect(r.text).toMatch(/application\/problem\+json/);
  });

  for (const [what, size] of [
    ["7.9 MB", 7_900_000],
    ["9 MiB", 9 * 1024 * 1024],
    ["40 MiB", 40 * 1024 * 1024],
  ] as const) {
    it(`a ${what} body with Content-Length → 413, then the connection closes`, async () => {
      const chunk = Buffer.alloc(64 * 1024, "a");
      const times = Math.ceil(size / chunk.length);
      const r = await exchange(
        `POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${times * chunk.length}\r\n\r\n`,
        { chunk, times },
      );
      expect(r.error, r.text.slice(0, 200)).toBeUndefined();
      expect(statusOf(r.text), r.text.slice(0, 200)).toBe(413);
      expect(r.text).toMatch(/connection: close/i);
    });
  }

  it("a 9 MiB chunked body → 413, then the connection closes", async () => {
    const data = Buffer.alloc(64 * 1024, "a");
    const chunk = Buffer.concat([
      Buffer.from(`${data.length.toString(16)}\r\n`),
      data,
      Buffer.from("\r\n"),
    ]);
    const r = await exchange(
      "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
      { chunk, times: 144, tail: "0\r\n\r\n" },
    );
    expect(r.error, r.text.slice(0, 200)).toBeUndefined();
    expect(statusOf(r.text)).toBe(413);
  });
});

describe("client-caused conditions are quiet in the log", () => {
  const lines: string[] = [];
  let restore: (() => void) | undefined;
  const capture = () => {
    lines.length = 0;
    const record = (...args: unknown[]) => {
      lines.push(
        args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" "),
      );
    };
    const spies = [
      vi.spyOn(console, "error").mockImplementation(record),
      vi.spyOn(console, "warn").mockImplementation(record),
      vi.spyOn(console, "log").mockImplementation(record),
    ];
    restore = () => {
      for (const spy of spies) spy.mockRestore();
    };
  };
  afterEach(() => restore?.());

  const expectQuiet = (n: number) => {
    const text = lines.join("\n");
    expect(text).not.toMatch(/internal error/i);
    expect(text).not.toMatch(/\n\s+at /); // a stack trace
    expect(lines.length).toBeLessThanOrEqual(n);
    for (const l of lines) expect(l.length, l).toBeLessThan(200);
  };

  it("a client that aborts mid-body: at most one short line each, no 'internal error', no stack", async () => {
    capture();
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(
            "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=",
          );
          setTimeout(() => socket.destroy(), 20);
        });
        socket.on("close", () => resolve());
        socket.on("error", () => {});
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expectQuiet(5);
  });

  it("broken chunked framing mid-body: a 400 if the socket still takes one, at most one short line", async () => {
    capture();
    const r = await exchange(
      "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ngrant\r\nzz-not-hex\r\n\r\n",
      undefined,
      3000,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(r.error).toBeUndefined();
    expect(statusOf(r.text)).toBe(400);
    expectQuiet(1);
  });
});
