/**
 * Building blocks for faults: wrap an operation, give one request a modified view of the
 * server (its store, options, clock, signer), read who the client is.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { basicCredentials } from "../../../reference-server/auth/client-auth.ts";
import type { Reply } from "../../../reference-server/http/reply.ts";
import {
  type App,
  type Handler,
  OPERATIONS,
  type RequestContext,
  type ServerFixture,
  type Store,
} from "../../../reference-server/index.ts";
import { sha256b64url } from "../../../src/protocol/random.ts";
import { INSTANCE_HEADER } from "../instance-proxies.ts";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export type Wrapper = (ctx: RequestContext, next: Handler) => Reply | Promise<Reply>;

/** Replaces the handler of `operationId` by `wrapper` (which may call the original). */
export function wrap(operationId: string, wrapper: Wrapper): ServerFixture {
  return { operations: wrapOps([operationId], wrapper) };
}

/** Wraps every operation. */
export function wrapAll(wrapper: Wrapper): ServerFixture {
  return { operations: wrapOps(Object.keys(OPERATIONS), wrapper) };
}

/** Wraps the token endpoint for one grant type only. */
export function wrapGrant(grantType: string, wrapper: Wrapper): ServerFixture {
  return wrap("token", (ctx, next) =>
    ctx.form.grant_type === grantType ? wrapper(ctx, next) : next(ctx),
  );
}

function wrapOps(ids: string[], wrapper: Wrapper): Record<string, (typeof OPERATIONS)[string]> {
  const out: Record<string, (typeof OPERATIONS)[string]> = {};
  for (const id of ids) {
    const op = OPERATIONS[id];
    if (!op) throw new Error(`no operation ${id}`);
    out[id] = { ...op, handler: (ctx) => wrapper(ctx, op.handler) };
  }
  return out;
}

/** Combines fixtures (operations must not overlap). */
export function combine(...parts: ServerFixture[]): ServerFixture {
  const operations: Record<string, (typeof OPERATIONS)[string]> = {};
  const wrappers: ((s: Store) => Store)[] = [];
  let verifiers: ServerFixture["verifiers"];
  for (const p of parts) {
    for (const [id, op] of Object.entries(p.operations ?? {})) {
      if (operations[id]) throw new Error(`two fixtures replace ${id}`);
      operations[id] = op;
    }
    if (p.wrapStore) wrappers.push(p.wrapStore);
    if (p.verifiers) verifiers = { ...verifiers, ...p.verifiers };
  }
  return {
    operations,
    ...(wrappers.length > 0
      ? { wrapStore: (s: Store) => wrappers.reduce((acc, w) => w(acc), s) }
      : {}),
    ...(verifiers ? { verifiers } : {}),
  };
}

/**
 * Methods that replace a store's, made over the store they act on: the server's store, or
 * inside a transaction its `tx` (`Store.transaction`: a transaction's work goes through
 * `tx`), so that a fault stays in place inside transactions and reaches their connection.
 * State a fault keeps across requests lives outside `make`.
 */
export type StoreOverrides = (base: Store) => Partial<Store>;

/** The store with `make(base)`'s methods in place of its own (the others delegate). */
export function overrideStore(base: Store, make: StoreOverrides): Store {
  return {
    ...base,
    transaction: (fn) => base.transaction((tx) => fn(overrideStore(tx, make))),
    ...make(base),
  };
}

/** A fixture wrapping the store. */
export function store(make: StoreOverrides): ServerFixture {
  return { wrapStore: (base) => overrideStore(base, make) };
}

/** The request as seen by a server whose App differs in `overrides`. */
export function withApp(ctx: RequestContext, overrides: Partial<App>): RequestContext {
  return { ...ctx, app: { ...ctx.app, ...overrides } };
}

/** The request as seen by a server whose store differs by `make` (this request only). */
export function withStore(ctx: RequestContext, make: StoreOverrides): RequestContext {
  return withApp(ctx, { store: overrideStore(ctx.app.store, make) });
}

/** A store view that never counts a failed attempt: no failed-attempt limit applies. */
export const noFailureLimits: StoreOverrides = () => ({
  countFailure: async (_key, now) => ({ count: 0, resetAt: now }),
  failures: async (_key, now) => ({ count: 0, resetAt: now }),
});

/** A store view in which every failed attempt counts against one `shared` counter. */
export function oneFailureCounter(shared: string): StoreOverrides {
  return (base) => ({
    countFailure: (_key, now, window) => base.countFailure(shared, now, window),
    failures: (_key, now) => base.failures(shared, now),
  });
}

/** The request with a different form. */
export function withForm(ctx: RequestContext, form: Record<string, string>): RequestContext {
  return { ...ctx, form };
}

/** The request with headers changed (undefined removes one). */
export function withHeaders(
  ctx: RequestContext,
  headers: Record<string, string | undefined>,
): RequestContext {
  const next = { ...ctx.headers };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return { ...ctx, headers: next };
}

/** The client_id the request claims (Basic user name or form `client_id`), unauthenticated. */
export function claimedClientId(ctx: RequestContext): string | undefined {
  try {
    return basicCredentials(ctx)?.id ?? ctx.form.client_id;
  } catch {
    return ctx.form.client_id;
  }
}

/** The request re-authenticated as `clientId` with the same API key it presented. */
export function asClient(ctx: RequestContext, clientId: string): RequestContext {
  const basic = (() => {
    try {
      return basicCredentials(ctx);
    } catch {
      return null;
    }
  })();
  if (basic) {
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
    const authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(basic.secret)}`).toString("base64")}`;
    const form = { ...ctx.form };
    if (form.client_id !== undefined) form.client_id = clientId;
    return withForm(withHeaders(ctx, { authorization }), form);
  }
  return withForm(ctx, { ...ctx.form, client_id: clientId });
}

/**
 * The request as if it carried a valid credential of `kind`: a made-up secret that this
 * request's store view also accepts (a server that skips the check).
 */
export function withAcceptedSecret(
  ctx: RequestContext,
  kind: "api_key" | "admin_key",
): { ctx: RequestContext; secret: string } {
  const secret = `fault-${kind}`;
  const hash = sha256b64url(secret);
  return {
    secret,
    ctx: withStore(ctx, (base) => ({
      secretHashes: async (k) =>
        k === kind ? [...(await base.secretHashes(k)), hash] : base.secretHashes(k),
    })),
  };
}

/** The JSON payload of a JWT (no verification), or undefined. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (part === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON header of a JWT (no verification), or undefined. */
export function jwtHeader(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[0];
  if (part === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON object of a reply (handlers answer JSON objects). */
export function replyJson(reply: Reply): Record<string, unknown> {
  return (reply.json ?? {}) as Record<string, unknown>;
}

/** A reply with its JSON body changed. */
export function withJson(reply: Reply, json: Record<string, unknown>): Reply {
  return { ...reply, json };
}

/** A reply with headers removed (case-insensitive names). */
export function withoutHeaders(reply: Reply, names: string[]): Reply {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  const headers = Object.fromEntries(
    Object.entries(reply.headers ?? {}).filter(([k]) => !drop.has(k.toLowerCase())),
  );
  return { ...reply, headers };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The bearer / DPoP token of the Authorization header, if any. */
export function presentedToken(ctx: RequestContext): { scheme: string; token: string } | undefined {
  const m = /^(\S+) +(\S+)$/.exec(ctx.headers.authorization ?? "");
  return m ? { scheme: m[1]!.toLowerCase(), token: m[2]! } : undefined;
}

/**
 * State a fault keeps "in process memory" when the target is several instances (the
 * catalogue's instance proxies, see instance-proxies.ts): one copy per instance, chosen by
 * the instance that received the request. `fixture` must be combined into the fault (it
 * notes the instance of every request); `state()` is this request's instance's copy.
 */
export function perInstance<T>(make: () => T): { fixture: ServerFixture; state: () => T } {
  const current = new AsyncLocalStorage<string>();
  const states = new Map<string, T>();
  return {
    fixture: wrapAll((ctx, next) => {
      const header = ctx.headers[INSTANCE_HEADER];
      return current.run(typeof header === "string" ? header : "0", () => next(ctx));
    }),
    state: () => {
      const instance = current.getStore() ?? "0";
      let s = states.get(instance);
      if (s === undefined) {
        s = make();
        states.set(instance, s);
      }
      return s;
    },
  };
}

/**
 * The reference server seen as a plain OAuth server: its metadata without `dtp_version`, so
 * the kit judges it by the RFC rules alone (a fault breaking an RFC SHOULD that DTP makes a
 * MUST would otherwise be that MUST's FAIL). Combine it into the fault.
 */
export function plainOAuthServer(): ServerFixture {
  return wrap("getMetadata", async (ctx, next) => {
    const reply = await next(ctx);
    const { dtp_version: _version, ...body } = replyJson(reply);
    return withJson(reply, body);
  });
}
