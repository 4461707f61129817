/**
 * Reference-server options: lifetimes, policies, store, credentials. Every lifetime is
 * in seconds and is advertised in the metadata (`dtp_lifetimes`).
 */

/** Lifetimes and windows (seconds), advertised as `dtp_lifetimes`. */
export interface Lifetimes {
  accessToken: number;
  refreshToken: number;
  deviceCode: number;
  interval: number;
  personalTokenMax: number;
  dpopProofMaxAge: number;
  assertionMaxLifetime: number;
  signatureMaxAge: number;
}

/** A user known to the server (`--user alice:secret:CARD-1234`). */
export interface ServerUser {
  username: string;
  password: string;
  cardId?: string;
}

export type StoreOptions = { kind: "sqlite"; file: string } | { kind: "memory" };

export interface Policies {
  /** Login without a device token (the API key authenticates the client instead). */
  allowUntrustedEndpoints: boolean;
  /** Login with weak identifiers (card id) instead of username + password. */
  allowUnauthenticatedRequests: boolean;
}

export interface ServerOptions {
  /** 0 = any free port. */
  port: number;
  host: string;
  store: StoreOptions;
  lifetimes: Lifetimes;
  /** Allowance for client-supplied times (DPoP iat, signature created, assertion iat/exp). */
  clockSkew: number;
  /** Seconds during which a rotated refresh token may be presented again (RFC 9700 §4.14). */
  refreshReuseGrace: number;
  dpopNonceRequired: boolean;
  policies: Policies;
  /** Admin credential (`Authorization: Bearer <adminKey>`); random when absent. */
  adminKey?: string;
  /** The vendor API key (`client_secret`); random when absent. */
  apiKey?: string;
  /** Users; a demo user (alice, random password, a card id) when absent. */
  users?: ServerUser[];
  /** Seconds between DPoP server-nonce rotations; a nonce stays valid for two periods. */
  dpopNonceRotation?: number;
  /** Clock in milliseconds (tests); `Date.now` when absent. */
  clock?: () => number;
  /**
   * Serve HTTPS (the issuer becomes `https://…`): PEM certificate chain and key, and for
   * mutual TLS the CA of acceptable client certificates with `requestCert`.
   */
  tls?: ServerTls;
}

/** TLS settings of the reference server (node:https options). */
export interface ServerTls {
  cert: string;
  key: string;
  /** Client CAs; with `requestCert: true` a client certificate signed by one is required. */
  ca?: string;
  requestCert?: boolean;
}

/** What `startReferenceServer` accepts: any part of the options, lifetimes and policies merged. */
export type ServerOptionsInput = Partial<Omit<ServerOptions, "lifetimes" | "policies">> & {
  lifetimes?: Partial<Lifetimes>;
  policies?: Partial<Policies>;
};

export const DEFAULT_LIFETIMES: Readonly<Lifetimes> = Object.freeze({
  accessToken: 3600,
  refreshToken: 7_776_000,
  deviceCode: 600,
  interval: 5,
  personalTokenMax: 31_536_000,
  dpopProofMaxAge: 300,
  assertionMaxLifetime: 300,
  signatureMaxAge: 300,
});

/**
 * Short lifetimes for conformance runs, so that expiry and polling checks fit a time budget.
 *
 * @example
 * await startReferenceServer({ lifetimes: SHORT_LIFETIMES, store: { kind: "memory" } });
 */
export const SHORT_LIFETIMES: Readonly<Lifetimes> = Object.freeze({
  accessToken: 4,
  refreshToken: 30,
  deviceCode: 15,
  interval: 1,
  personalTokenMax: 3600,
  dpopProofMaxAge: 300,
  assertionMaxLifetime: 300,
  signatureMaxAge: 300,
});

export const DEFAULT_OPTIONS: Readonly<ServerOptions> = Object.freeze<ServerOptions>({
  port: 0,
  host: "127.0.0.1",
  store: { kind: "sqlite", file: "dtp-reference.sqlite" },
  lifetimes: DEFAULT_LIFETIMES,
  clockSkew: 5,
  refreshReuseGrace: 0,
  dpopNonceRequired: true,
  policies: { allowUntrustedEndpoints: false, allowUnauthenticatedRequests: false },
});

/** Merges the input over the defaults (lifetimes and policies field by field). */
export function resolveOptions(input: ServerOptionsInput = {}): ServerOptions {
  const { lifetimes, policies, ...rest } = input;
  const merged: ServerOptions = {
    ...DEFAULT_OPTIONS,
    ...stripUndefined(rest),
    lifetimes: { ...DEFAULT_LIFETIMES, ...stripUndefined(lifetimes ?? {}) },
    policies: { ...DEFAULT_OPTIONS.policies, ...stripUndefined(policies ?? {}) },
  };
  for (const [name, value] of Object.entries(merged.lifetimes)) {
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`lifetime "${name}" must be a positive integer (seconds)`);
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Parses a `--user` value: `username:password[:cardId]`.
 *
 * @example
 * parseUserSpec("alice:secret:CARD-1234"); // { username: "alice", password: "secret", cardId: "CARD-1234" }
 */
export function parseUserSpec(spec: string): ServerUser {
  const [username, password, cardId, ...extra] = spec.split(":");
  if (!username || !password || extra.length > 0)
    throw new Error(`invalid user "${spec}": expected username:password[:cardId]`);
  return cardId ? { username, password, cardId } : { username, password };
}
