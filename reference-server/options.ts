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

/** What a failed-attempt limit counts (DTP-ERR-017, DTP-LOGIN-013, DTP-APR-014, DTP-APR-010). */
export type FailureKind = "client_secret" | "password" | "admin_key" | "user_code";

/** At most `max` failures per `window` seconds for one subject from one source. */
export interface FailureLimit {
  max: number;
  window: number;
}

/** Limits on failed attempts and on state, advertised as `dtp_limits`. */
export interface Limits {
  failedAttempts: Record<FailureKind, FailureLimit>;
  /** Pending, unexpired registrations one API key may have at once (DTP-REG-026). */
  pendingRegistrations: number;
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
  limits: Limits;
  /** Admin credential (`Authorization: Bearer <adminKey>`); random when absent. */
  adminKey?: string;
  /** The vendor API key (`client_secret`); random when absent. */
  apiKey?: string;
  /**
   * The key-encryption key of the signing key at rest (DTP-SEC-009): 32 bytes, base64url
   * (`DTP_KEY_ENCRYPTION_KEY`). Wins over `keyFile`.
   */
  keyEncryptionKey?: string;
  /**
   * A file holding the key-encryption key (`--key-file`), created with mode 0600 when
   * missing. Default with the sqlite store: `<store file>.key`; with the memory store, a
   * random key for the life of the process.
   */
  keyFile?: string;
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
export type ServerOptionsInput = Partial<
  Omit<ServerOptions, "lifetimes" | "policies" | "limits">
> & {
  lifetimes?: Partial<Lifetimes>;
  policies?: Partial<Policies>;
  limits?: {
    failedAttempts?: Partial<Record<FailureKind, FailureLimit>>;
    pendingRegistrations?: number;
  };
};

/**
 * Default limits. The embedded `dtp test` run sends at most 14 wrong API keys for one
 * client_id and about 20 wrong admin keys in a minute from one address (docs/decisions.md).
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  failedAttempts: {
    client_secret: { max: 20, window: 60 },
    password: { max: 10, window: 300 },
    admin_key: { max: 20, window: 60 },
    user_code: { max: 10, window: 60 },
  },
  pendingRegistrations: 1000,
});

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
  limits: DEFAULT_LIMITS,
});

/** Merges the input over the defaults (lifetimes and policies field by field). */
export function resolveOptions(input: ServerOptionsInput = {}): ServerOptions {
  const { lifetimes, policies, limits, ...rest } = input;
  const merged: ServerOptions = {
    ...DEFAULT_OPTIONS,
    ...stripUndefined(rest),
    lifetimes: { ...DEFAULT_LIFETIMES, ...stripUndefined(lifetimes ?? {}) },
    policies: { ...DEFAULT_OPTIONS.policies, ...stripUndefined(policies ?? {}) },
    limits: {
      failedAttempts: {
        ...DEFAULT_LIMITS.failedAttempts,
        ...stripUndefined(limits?.failedAttempts ?? {}),
      },
      pendingRegistrations: limits?.pendingRegistrations ?? DEFAULT_LIMITS.pendingRegistrations,
    },
  };
  for (const [name, value] of Object.entries(merged.lifetimes)) {
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`lifetime "${name}" must be a positive integer (seconds)`);
  }
  const { failedAttempts, pendingRegistrations } = merged.limits;
  for (const [name, { max, window }] of Object.entries(failedAttempts)) {
    if (!Number.isInteger(max) || max < 1 || !Number.isInteger(window) || window < 1)
      throw new RangeError(`limit "${name}" needs positive integers max and window (seconds)`);
  }
  if (!Number.isInteger(pendingRegistrations) || pendingRegistrations < 1)
    throw new RangeError("limit pendingRegistrations must be a positive integer");
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
