/**
 * `startReferenceServer`: builds the store, the signing key and the validators, then
 * listens on node:http. The issuer is the URL the server listens on.
 */
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { verifyClientAssertion } from "../src/protocol/assertion.ts";
import { verifyDpopProof } from "../src/protocol/dpop.ts";
import { verifyRequestSignature } from "../src/protocol/http-signature.ts";
import { randomToken, sha256b64url } from "../src/protocol/random.ts";
import type { App, OperationSpec, Verifiers } from "./context.ts";
import { OPERATIONS } from "./handlers/index.ts";
import { handleConnections } from "./http/connections.ts";
import { createPipeline } from "./http/pipeline.ts";
import {
  resolveOptions,
  type ServerOptionsInput,
  type ServerUser,
  type StoreOptions,
} from "./options.ts";
import { createRouter } from "./router.ts";
import { loadServerSpec } from "./spec-source.ts";
import { createMemoryStore } from "./store/memory.ts";
import { createPostgresStore } from "./store/postgres.ts";
import { createSqliteStore } from "./store/sqlite.ts";
import type { Store } from "./store/types.ts";
import { loadKeyEncryptionKey } from "./tokens/key-encryption.ts";
import { createSigner, loadSigningKey } from "./tokens/signer.ts";
import { createUserDirectory } from "./users.ts";
import { compileValidators } from "./validation.ts";

/** How often expired state is dropped from the store. */
const PURGE_INTERVAL_MS = 60_000;

export interface RunningServer {
  /** The base URL this process listens on, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The issuer identifier: `url`, unless the `issuer` option named another. */
  issuer: string;
  adminKey: string;
  apiKey: string;
  users: ServerUser[];
  close(): Promise<void>;
}

/**
 * Test fixtures only (e.g. the broken-server catalogue): replace operations, wrap the
 * store or replace a protocol verifier to inject one documented fault. `dtp serve` never
 * passes one.
 */
export interface ServerFixture {
  operations?: Readonly<Record<string, OperationSpec>>;
  wrapStore?: (store: Store) => Store;
  verifiers?: Partial<Verifiers>;
}

/**
 * Starts the reference server.
 *
 * @example
 * const server = await startReferenceServer({ store: { kind: "memory" }, lifetimes: SHORT_LIFETIMES });
 * const metadata = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
 * await server.close();
 */
export async function startReferenceServer(
  input: ServerOptionsInput = {},
  fixture: ServerFixture = {},
): Promise<RunningServer> {
  // 1. The spec: routes, handlers for every operation, validators.
  const options = resolveOptions(input);
  const spec = await loadServerSpec();
  const operations = { ...OPERATIONS, ...fixture.operations };
  const missing = spec.operations.filter((op) => !operations[op.operationId]);
  if (missing.length > 0)
    throw new Error(`no handler for ${missing.map((op) => op.operationId).join(", ")}`);
  const validators = compileValidators(spec);
  const router = createRouter(spec.operations);
  // 2. Credentials and users (secrets kept only as hashes).
  const apiKey = options.apiKey ?? `dtp_key_${randomToken(24)}`;
  const adminKey = options.adminKey ?? `dtp_admin_${randomToken(24)}`;
  const users = options.users ?? [
    { username: "alice", password: randomToken(12), cardId: "CARD-1234" },
    { username: "bob", password: randomToken(12) },
  ];
  const directory = await createUserDirectory(users);
  // 3. The store (API and admin key hashes accumulate, so a restart keeps old keys valid)
  //    and the signing key, kept in it encrypted under a key from outside it.
  const kek = loadKeyEncryptionKey(options);
  const opened = await openStore(options.store);
  const store = fixture.wrapStore ? fixture.wrapStore(opened) : opened;
  let signingKey: Awaited<ReturnType<typeof loadSigningKey>>;
  try {
    await store.addSecretHash("api_key", sha256b64url(apiKey));
    await store.addSecretHash("admin_key", sha256b64url(adminKey));
    signingKey = await loadSigningKey(store, kek);
  } catch (e) {
    await store.close();
    throw e;
  }
  // 4. Listen; the issuer is the address we got.
  const timeouts = { requestTimeout: 30_000, headersTimeout: 10_000 };
  const server: Server = options.tls
    ? createHttpsServer({ ...timeouts, ...options.tls, rejectUnauthorized: true })
    : createServer(timeouts);
  // Idle keep-alive connections stay open longer than clients keep them (they close first),
  // so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  try {
    await listen(server, options.port, options.host);
  } catch (e) {
    await store.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `${options.tls ? "https" : "http"}://${host}:${port}`;
  const issuer = options.issuer ?? url;
  const clock = options.clock ?? Date.now;
  const app: App = {
    options,
    issuer,
    store,
    signer: createSigner(signingKey, issuer),
    validators,
    users: directory,
    verifiers: {
      dpopProof: verifyDpopProof,
      clientAssertion: verifyClientAssertion,
      requestSignature: verifyRequestSignature,
      ...fixture.verifiers,
    },
    nowMs: clock,
    now: () => Math.floor(clock() / 1000),
  };
  const onError = (err: unknown) => console.error("dtp reference server: internal error", err);
  server.on("request", createPipeline(app, router, operations, onError));
  handleConnections(server);
  // Expired registrations are kept for another device-code lifetime (DTP-POLL-006).
  const purge = setInterval(
    () => void store.purge(app.now(), options.lifetimes.deviceCode).catch(onError),
    PURGE_INTERVAL_MS,
  );
  purge.unref();

  let closed: Promise<void> | undefined;
  return {
    url,
    issuer,
    adminKey,
    apiKey,
    users: users.map((u) => ({ ...u })),
    close() {
      closed ??= new Promise<void>((resolve) => {
        clearInterval(purge);
        server.close(() => void store.close().then(resolve, resolve));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function openStore(s: StoreOptions): Promise<Store> | Store {
  if (s.kind === "postgres") return createPostgresStore(s.url);
  return s.kind === "sqlite" ? createSqliteStore(s.file) : createMemoryStore();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
