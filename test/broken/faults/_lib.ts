/**
 * Building blocks for faults: wrap an operation, give one request a modified view of the
 * server (its store, options, clock, signer), read who the client is.
 */

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

/** A store whose methods in `overrides` replace the base ones (the others delegate). */
export function overrideStore(base: Store, overrides: Partial<Store>): Store {
  return { ...base, ...overrides };
}

/** A fixture wrapping the store. */
export function store(make: (base: Store) => Partial<Store>): ServerFixture {
  return { wrapStore: (base) => overrideStore(base, make(base)) };
}

/** The request as seen by a server whose App differs in `overrides`. */
export function withApp(ctx: RequestContext, overrides: Partial<App>): RequestContext {
  return { ...ctx, app: { ...ctx.app, ...overrides } };
}

/** The request as seen by a server whose store differs in `overrides` (this request only). */
export function withStore(ctx: RequestContext, overrides: Partial<Store>): RequestContext {
  return withApp(ctx, { store: overrideStore(ctx.app.store, overrides) });
}

/** A store view that never counts a failed attempt: no failed-attempt limit applies. */
export const noFailureLimits: Partial<Store> = {
  countFailure: (_key, now) => ({ count: 0, resetAt: now }),
  failures: (_key, now) => ({ count: 0, resetAt: now }),
};

/** A store view in which every failed attempt counts against one `shared` counter. */
export function oneFailureCounter(base: Store, shared: string): Partial<Store> {
  return {
    countFailure: (_key, now, window) => base.countFailure(shared, now, window),
    failures: (_key, now) => base.failures(shared, now),
  };
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
  const base = ctx.app.store;
  return {
    secret,
    ctx: withStore(ctx, {
      secretHashes: (k) => (k === kind ? [...base.secretHashes(k), hash] : base.secretHashes(k)),
    }),
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
