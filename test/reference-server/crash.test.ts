/**
 * Durability under kill -9: a real `dtp serve` process on a sqlite file takes a mixed load
 * (registrations, approvals, device-code redemptions, refreshes, revocations) from parallel
 * clients and is killed with SIGKILL mid-load, then restarted on the same file and port;
 * 5 rounds. After each restart, for everything the server acknowledged (a response
 * received) in any round so far:
 * - every token it issued and nobody revoked is still valid (access tokens answer `/me`,
 *   the latest refresh token of each family introspects active);
 * - every revocation holds (the family's tokens are refused);
 * - every redeemed device code and every rotated refresh token is refused at `/token`
 *   (presenting a rotated one revokes its family, which the test then counts as revoked).
 * Requests cut by the kill are unacknowledged: they may have committed or not.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, fetch } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { basicAuth } from "../../src/client/auth.ts";
import { baseEnv, MAIN, root } from "../cli/process.ts";

const ROUNDS = 5;
const WORKERS = 8;
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const API_KEY = "crash-test-api-key-0123456789abcdef";
const ADMIN_KEY = "crash-test-admin-key-0123456789abcdef";

const dir = mkdtempSync(join(tmpdir(), "dtp-crash-"));
const file = join(dir, "crash.sqlite");
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A device's token family as the clients saw it acknowledged. */
interface Family {
  clientId: string;
  access: string[];
  /** The refresh token last issued (acknowledged), and those it replaced (rotated). */
  refresh: string;
  rotated: string[];
  deviceCode: string;
  /** A revocation was acknowledged (or a rotated refresh token was presented again). */
  revoked: boolean;
  /** A refresh or revocation was cut by the kill: it may or may not have committed. */
  uncertain: boolean;
  /** A rotated refresh token of this family was presented again (once, after a restart). */
  reused: boolean;
}

interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: responses are inspected freely
  body: any;
}

function client(url: string) {
  const dispatcher = new Agent({ connections: WORKERS * 2 });
  const send = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> },
  ): Promise<Res> => {
    const r = await fetch(`${url}${path}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers: {
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...init.headers,
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      dispatcher,
    });
    const text = await r.text();
    return { status: r.status, body: text === "" ? undefined : JSON.parse(text) };
  };
  const basic = (clientId: string) => ({ authorization: basicAuth(clientId, API_KEY) });
  return {
    close: () => dispatcher.destroy(),
    register: (clientId: string) =>
      send("/register", {
        headers: basic(clientId),
        form: { client_id: clientId, client_type: "printer", response_type: "device_code" },
      }),
    approve: (userCode: string) =>
      send(`/admin/registrations/${userCode}/approve`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      }),
    token: (clientId: string, form: Record<string, string>) =>
      send("/token", { headers: basic(clientId), form }),
    revoke: (clientId: string, token: string) =>
      send("/revoke", { headers: basic(clientId), form: { token } }),
    introspect: (clientId: string, token: string) =>
      send("/introspect", { headers: basic(clientId), form: { token } }),
    me: (token: string) => send("/me", { headers: { authorization: `Bearer ${token}` } }),
  };
}
type Client = ReturnType<typeof client>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `dtp serve` on the file and port; resolves with its URL once it listens. */
function serve(port: number): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    [
      MAIN,
      "serve",
      "--store",
      file,
      "--port",
      String(port),
      "--access-token-ttl",
      "1h",
      "--refresh-token-ttl",
      "1h",
      "--device-code-ttl",
      "1h",
      "--interval",
      "1s",
    ],
    {
      cwd: root,
      env: baseEnv({ DTP_API_KEY: API_KEY, DTP_ADMIN_KEY: ADMIN_KEY }),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child = proc;
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`dtp serve printed no URL:\n${out}`)), 20_000);
    proc.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.on("exit", (code) => reject(new Error(`dtp serve exited (${code}):\n${out}`)));
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, proc });
      }
    });
  });
}

/**
 * One client's mixed load until `stop`: a device through registration, approval and
 * redemption, then refreshes, and one family in four revoked. Records only what the
 * server answered; a request cut by the kill (a network error) ends the worker and leaves
 * its family uncertain.
 */
async function worker(
  c: Client,
  id: string,
  families: Family[],
  stopped: () => boolean,
): Promise<void> {
  let n = 0;
  let current: Family | undefined;
  try {
    while (!stopped()) {
      const clientId = `crash-${id}-${n++}`;
      const reg = await c.register(clientId);
      expect(reg.status, JSON.stringify(reg.body)).toBe(200);
      expect((await c.approve(reg.body.user_code)).status).toBe(200);
      const tokens = await c.token(clientId, {
        grant_type: DEVICE_GRANT,
        device_code: reg.body.device_code,
      });
      expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
      const f: Family = {
        clientId,
        access: [tokens.body.access_token],
        refresh: tokens.body.refresh_token,
        rotated: [],
        deviceCode: reg.body.device_code,
        revoked: false,
        uncertain: false,
        reused: false,
      };
      families.push(f);
      current = f;
      for (let i = 0; i < 3 && !stopped(); i++) {
        const next = await c.token(clientId, {
          grant_type: "refresh_token",
          refresh_token: f.refresh,
        });
        expect(next.status, JSON.stringify(next.body)).toBe(200);
        f.rotated.push(f.refresh);
        f.refresh = next.body.refresh_token;
        f.access.push(next.body.access_token);
      }
      if (n % 4 === 0 && !stopped()) {
        expect((await c.revoke(clientId, f.refresh)).status).toBe(200);
        f.revoked = true;
      }
      current = undefined;
    }
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // fetch failed: the server was killed
    if (current) current.uncertain = true;
  }
}

/** Everything acknowledged so far, checked against the restarted server. */
async function verify(c: Client, families: Family[]): Promise<void> {
  await Promise.all(
    families.map(async (f) => {
      // Single use: the device code and every rotated refresh token stay spent.
      const redeemed = await c.token(f.clientId, {
        grant_type: DEVICE_GRANT,
        device_code: f.deviceCode,
      });
      expect(redeemed.body.error, `${f.clientId} device code redeemed again`).toBe("invalid_grant");
      for (const t of f.rotated)
        expect((await c.introspect(f.clientId, t)).body.active, `${f.clientId} rotated`).toBe(
          false,
        );
      if (f.uncertain && !f.revoked) return;
      // Acknowledged issuance and revocation: still valid, or still refused.
      for (const token of f.access)
        expect((await c.me(token)).status, `${f.clientId} access token`).toBe(
          f.revoked ? 401 : 200,
        );
      const live = await c.introspect(f.clientId, f.refresh);
      expect(live.body.active, `${f.clientId} refresh token`).toBe(!f.revoked);
    }),
  );
  // Presenting a rotated refresh token again: refused (and its family revoked from then
  // on, which the next verification checks). Once per family.
  await Promise.all(
    families
      .filter((f) => f.rotated.length > 0 && !f.reused)
      .map(async (f) => {
        const reuse = await c.token(f.clientId, {
          grant_type: "refresh_token",
          refresh_token: f.rotated[0]!,
        });
        expect(reuse.body.error, `${f.clientId} rotated refresh token`).toBe("invalid_grant");
        f.reused = true;
        f.revoked = true;
      }),
  );
}

describe("kill -9 under a mixed load, restart on the same file (sqlite, real processes)", () => {
  it(`loses no acknowledged write and reuses no single-use item, ${ROUNDS} rounds`, async () => {
    const port = await freePort();
    const families: Family[] = [];
    const t0 = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      const { url, proc } = await serve(port);
      const c = client(url);
      // After a kill: what the previous rounds acknowledged, on the restarted server.
      if (round > 0) await verify(c, families);
      const before = families.length;
      const fresh: Family[] = [];
      let stop = false;
      const load = Array.from({ length: WORKERS }, (_, w) =>
        worker(c, `${round}-${w}`, fresh, () => stop),
      );
      // Kill while requests are in flight, at a different point of the load each round:
      // once this round has acknowledged some families, a few milliseconds later.
      while (fresh.length < 6 + 3 * round) await sleep(5);
      await sleep(7 * round);
      proc.removeAllListeners("exit");
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      stop = true;
      await exited;
      await Promise.all(load);
      await c.close();
      families.push(...fresh);
      if (process.env.DTP_CRASH_LOG)
        console.log(`round ${round}: ${fresh.length} families acknowledged, ${Date.now() - t0} ms`);
      expect(families.length, `round ${round} acknowledged nothing`).toBeGreaterThan(before);
    }
    const { url, proc } = await serve(port);
    const c = client(url);
    await verify(c, families);
    await c.close();
    proc.kill("SIGTERM");
    const revoked = families.filter((f) => f.revoked).length;
    expect(revoked).toBeGreaterThan(0);
    expect(families.some((f) => !f.revoked)).toBe(true);
  }, 90_000);
});
