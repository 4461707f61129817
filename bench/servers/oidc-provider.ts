/**
 * The baseline: oidc-provider 9 (in-memory adapter, its default) configured for the
 * operations DTP shares with it, in its own process:
 *
 * - refresh: `refresh_token` grant with rotation on every use (`rotateRefreshToken: true`,
 *   as DTP always rotates) issuing an ES256-signed JWT access token (a resource server with
 *   `accessTokenFormat: "jwt"`, as DTP's access tokens are ES256 JWTs); no ID token.
 * - poll: `device_code` grant on a pending code → `authorization_pending`. oidc-provider
 *   does not enforce `slow_down`, so codes are reused freely.
 * - introspect-refresh: introspection of a refresh token (it refuses JWT access tokens).
 * - userinfo: `GET /me` with an opaque access token (a lookup, no JWT verification): the
 *   nearest thing it has to a protected resource; shown for information only.
 * - introspect-access: introspection of those opaque access tokens (it refuses its JWT
 *   ones): the baseline of DTP's access-token introspection (a JWT verified, then looked up).
 *
 * Storage: its own in-memory adapter over an unbounded Map. Its default quick-start
 * storage is an LRU capped at 1000 entries, which evicts tokens under any real load; the
 * adapter logic (grant indexes, consumption) is unchanged. Compare with the reference
 * server's memory store for like-for-like.
 *
 * Grants, tokens and codes are created through its models (Grant, RefreshToken,
 * AccessToken, DeviceCode), as its token endpoint would store them. Clients authenticate
 * with client_secret_basic.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import ProviderModule from "oidc-provider";
import MemoryAdapter from "oidc-provider/lib/adapters/memory_adapter.js";
import {
  basicAuth,
  FORM,
  form,
  type RequestItem,
  type RequestSet,
  serveChild,
} from "../lib/protocol.ts";

export interface OidcConfig {
  tokens: number;
  pollCodes: number;
}

const CLIENT_ID = "bench-client";
const CLIENT_SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
const RESOURCE = "urn:dtp:bench";
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

// biome-ignore lint/suspicious/noExplicitAny: oidc-provider ships no types
type Any = any;
const Provider = ProviderModule as unknown as new (issuer: string, config: Any) => Any;
const Adapter = MemoryAdapter as unknown as new (model: string, storage: Storage) => Any;

/** The storage interface of oidc-provider's memory adapter (its LRU's), without eviction. */
class Storage {
  private readonly map = new Map<string, { value: unknown; expiry: number | undefined }>();
  get(key: string): unknown {
    const e = this.map.get(key);
    if (e?.expiry !== undefined && e.expiry <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e?.value;
  }
  set(key: string, value: unknown, { maxAge }: { maxAge?: number } = {}): this {
    const finite = typeof maxAge === "number" && maxAge !== Number.POSITIVE_INFINITY;
    this.map.set(key, { value, expiry: finite ? Date.now() + maxAge : undefined });
    return this;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
}

serveChild<OidcConfig>(async (config) => {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
    format: "jwk",
  });
  const storage = new Storage();
  const provider = new Provider(issuer, {
    adapter: (model: string) => new Adapter(model, storage),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ["refresh_token", DEVICE_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "ES256",
      },
    ],
    jwks: { keys: [{ ...signingKey, alg: "ES256", use: "sig", kid: "bench" }] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub }),
    }),
    scopes: ["openid", "offline_access", "me"],
    rotateRefreshToken: true,
    ttl: { AccessToken: 3600, RefreshToken: 86_400, DeviceCode: 3600, Grant: 86_400 },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "me",
          audience: RESOURCE,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
  });
  http.on("request", provider.callback());
  const rssStartMiB = process.memoryUsage.rss() / 2 ** 20;
  const client = await provider.Client.find(CLIENT_ID);
  const headers = { authorization: basicAuth(CLIENT_ID, CLIENT_SECRET), "content-type": FORM };
  let n = 0;

  const grant = async (accountId: string) => {
    const g = new provider.Grant({ accountId, clientId: CLIENT_ID });
    g.addOIDCScope("openid offline_access");
    g.addResourceScope(RESOURCE, "me");
    return g.save() as Promise<string>;
  };
  const refreshToken = async () => {
    const accountId = `bench-account-${n++}`;
    const grantId = await grant(accountId);
    const rt = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: DEVICE_GRANT,
      scope: "offline_access me",
      resource: RESOURCE,
    });
    return rt.save() as Promise<string>;
  };
  const opaqueAccessToken = async () => {
    const accountId = `bench-account-${n++}`;
    const grantId = await grant(accountId);
    const at = new provider.AccessToken({
      accountId,
      client,
      grantId,
      gty: DEVICE_GRANT,
      scope: "openid",
    });
    return at.save() as Promise<string>;
  };
  const pendingCode = async () => {
    const code = new provider.DeviceCode({
      client,
      params: { client_id: CLIENT_ID, scope: "openid offline_access" },
      userCode: `BENCH${n++}`,
      deviceInfo: { ip: "127.0.0.1", ua: "bench" },
    });
    return code.save() as Promise<string>;
  };
  const many = async <T>(count: number, make: () => Promise<T>): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(await make());
    return out;
  };
  const post = (fields: Record<string, string>): RequestItem => ({ headers, body: form(fields) });
  const refreshItems = async (count: number) =>
    (await many(count, refreshToken)).map((t) =>
      post({ grant_type: "refresh_token", refresh_token: t }),
    );

  const accessTokens = await many(config.tokens, opaqueAccessToken);
  const sets: Record<string, RequestSet> = {
    refresh: { method: "POST", path: "/token", items: [], cycle: false, expect: '"access_token"' },
    poll: {
      method: "POST",
      path: "/token",
      items: (await many(config.pollCodes, pendingCode)).map((c) =>
        post({ grant_type: DEVICE_GRANT, device_code: c }),
      ),
      cycle: true,
      expect: "authorization_pending",
    },
    "introspect-refresh": {
      method: "POST",
      path: "/token/introspection",
      items: (await many(config.tokens, refreshToken)).map((t) => post({ token: t })),
      cycle: true,
      expect: '"active":true',
    },
    userinfo: {
      method: "GET",
      path: "/me",
      items: accessTokens.map((t) => ({ headers: { authorization: `Bearer ${t}` } })),
      cycle: true,
      expect: '"sub"',
    },
    // Its nearest to DTP's access-token introspection: it introspects opaque access tokens
    // only (a lookup), not its JWT ones.
    "introspect-access": {
      method: "POST",
      path: "/token/introspection",
      items: accessTokens.map((t) => post({ token: t })),
      cycle: true,
      expect: '"active":true',
    },
  };
  return {
    url: issuer,
    sets,
    info: { rssStartMiB },
    mint: (op, count) => {
      if (op !== "refresh") throw new Error(`cannot mint "${op}"`);
      return refreshItems(count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
});
