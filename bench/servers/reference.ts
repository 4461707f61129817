/**
 * The reference server under test, in its own process. Its tokens and device codes are
 * minted in-process with the server's own functions (createRegistration, installDevice,
 * createFamily, issueTokenPair: exactly what a device-code redemption stores and signs) on
 * its own store, reached through the test-fixture hook `wrapStore` (identity: the server
 * behaves as `dtp serve` does). Tokens are Bearer (keyless devices): a DPoP proof per
 * request would measure the client's signing as much as the server.
 */
import { randomBytes } from "node:crypto";
import type { App } from "../../reference-server/context.ts";
import {
  type Lifetimes,
  type ServerOptionsInput,
  startReferenceServer,
} from "../../reference-server/index.ts";
import { resolveOptions } from "../../reference-server/options.ts";
import { createRegistration, installDevice } from "../../reference-server/registration/install.ts";
import type { Store } from "../../reference-server/store/types.ts";
import { createFamily, issueTokenPair } from "../../reference-server/tokens/issue.ts";
import { createSigner, loadSigningKey } from "../../reference-server/tokens/signer.ts";
import { sha256b64url } from "../../src/protocol/random.ts";
import {
  basicAuth,
  FORM,
  form,
  type RequestItem,
  type RequestSet,
  serveChild,
} from "../lib/protocol.ts";

export interface ReferenceConfig {
  store: { kind: "memory" } | { kind: "sqlite"; file: string };
  /** Distinct access tokens (and devices) behind `me`, `introspect` and `introspect-refresh`. */
  tokens: number;
  /** Pending registrations behind `poll` (each polled at most once per interval). */
  pollCodes: number;
  /** Lifetimes (seconds) instead of {@link BENCH_LIFETIMES}, e.g. to run the suite against it. */
  lifetimes?: Partial<Lifetimes>;
  /** Allowance for client-supplied times, seconds (the server's default when absent). */
  clockSkew?: number;
}

/**
 * Lifetimes long enough that nothing expires during a run; `interval` is the smallest the
 * server accepts (lifetimes are positive integers of seconds: 0 is not a legal config).
 */
export const BENCH_LIFETIMES = {
  accessToken: 3600,
  refreshToken: 86_400,
  deviceCode: 3600,
  interval: 1,
} as const;

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const SCOPE = "me login";

serveChild<ReferenceConfig>(async (config) => {
  let store: Store | undefined;
  const lifetimes = config.lifetimes ?? BENCH_LIFETIMES;
  // A key-encryption key the bench knows, so that it can sign with the server's own key.
  const kek = randomBytes(32);
  const options: ServerOptionsInput = {
    keyEncryptionKey: kek.toString("base64url"),
    // Every poll code is a pending registration of the one API key: lift the cap over them.
    limits: { pendingRegistrations: config.pollCodes + 1 },
    store: config.store,
    lifetimes,
    ...(config.clockSkew !== undefined ? { clockSkew: config.clockSkew } : {}),
  };
  const server = await startReferenceServer(options, {
    wrapStore: (s) => {
      store = s;
      return s;
    },
  });
  if (!store) throw new Error("the store was not captured");
  const rssStartMiB = process.memoryUsage.rss() / 2 ** 20;
  const s: Store = store;
  // The subset of App that the minting functions read.
  const app = {
    options: resolveOptions(options),
    issuer: server.url,
    store: s,
    signer: createSigner(await loadSigningKey(s, { key: kek, source: "bench" }), server.url),
    nowMs: Date.now,
    now: () => Math.floor(Date.now() / 1000),
  } as unknown as App;
  const tag = randomBytes(4).toString("hex");
  let n = 0;
  const clientId = () => `bench-${tag}-${(n++).toString(36)}`;
  const auth = (id: string) => basicAuth(id, server.apiKey);
  const apiKeyHash = sha256b64url(server.apiKey);

  /** A keyless device with one token pair, as a device-code redemption leaves it. */
  const device = () => {
    const id = clientId();
    const fields = {
      clientId: id,
      clientType: "printer" as const,
      clientDescription: null,
      keyType: null,
      publicKey: null,
      jkt: null,
      scope: SCOPE,
      apiKeyHash,
    };
    const { record } = createRegistration(app, fields, "approved");
    const d = installDevice(app, record);
    s.redeemRegistration(record.id, app.now());
    const family = createFamily(app, {
      clientId: id,
      deviceUid: d.uid,
      sub: id,
      kind: "device",
      scope: SCOPE,
      jkt: null,
    });
    const pair = issueTokenPair(app, family, SCOPE, null);
    return { clientId: id, access: pair.access_token, refresh: pair.refresh_token! };
  };

  const devices = Array.from({ length: config.tokens }, device);
  const pending = Array.from({ length: config.pollCodes }, () => {
    const id = clientId();
    const { deviceCode } = createRegistration(
      app,
      {
        clientId: id,
        clientType: "printer",
        clientDescription: null,
        keyType: null,
        publicKey: null,
        jkt: null,
        scope: SCOPE,
        apiKeyHash,
      },
      "pending",
    );
    return { clientId: id, deviceCode };
  });
  const post = (id: string, fields: Record<string, string>): RequestItem => ({
    headers: { authorization: auth(id), "content-type": FORM },
    body: form(fields),
  });
  const refreshItems = (count: number): RequestItem[] =>
    Array.from({ length: count }, () => {
      const d = device();
      return post(d.clientId, { grant_type: "refresh_token", refresh_token: d.refresh });
    });

  const sets: Record<string, RequestSet> = {
    me: {
      method: "GET",
      path: "/me",
      items: devices.map((d) => ({ headers: { authorization: `Bearer ${d.access}` } })),
      cycle: true,
      expect: '"sub"',
    },
    refresh: {
      method: "POST",
      path: "/token",
      items: [],
      cycle: false,
      expect: '"access_token"',
    },
    poll: {
      method: "POST",
      path: "/token",
      items: pending.map((p) =>
        post(p.clientId, { grant_type: DEVICE_GRANT, device_code: p.deviceCode }),
      ),
      cycle: true,
      expect: "authorization_pending",
    },
    introspect: {
      method: "POST",
      path: "/introspect",
      items: devices.map((d) => post(d.clientId, { token: d.access })),
      cycle: true,
      expect: '"active":true',
    },
    "introspect-refresh": {
      method: "POST",
      path: "/introspect",
      items: devices.map((d) => post(d.clientId, { token: d.refresh })),
      cycle: true,
      expect: '"active":true',
    },
  };
  return {
    url: server.url,
    sets,
    info: {
      rssStartMiB,
      store: config.store.kind,
      lifetimes: resolveOptions(options).lifetimes,
      apiKey: server.apiKey,
      adminKey: server.adminKey,
      users: server.users,
    },
    mint: (op, count) => {
      if (op !== "refresh") throw new Error(`cannot mint "${op}"`);
      return refreshItems(count);
    },
    close: () => server.close(),
  };
});
