/**
 * How the kit reaches a real target: extra trusted CAs, a client certificate for mutual
 * TLS, no certificate checks (`--insecure`), a forward proxy, and extra headers a gateway
 * in front of the target wants. One undici dispatcher carries the TLS and proxy settings
 * for the whole run; the headers are added by the HTTP client (`client.ts`) to requests
 * for the target's origin.
 *
 * Proxies: undici's `EnvHttpProxyAgent` reads `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`
 * (lower-case forms too); `proxy` sets one proxy for both schemes (`NO_PROXY` still
 * applies). https targets are tunnelled with CONNECT, so the TLS settings apply end to end.
 */
import { createSecureContext, getCACertificates } from "node:tls";
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici";
import { UsageError } from "../check/failure.ts";
import { readTextFile } from "../config/read-file.ts";

/** Transport settings with file contents loaded (see {@link loadTransport}). */
export interface Transport {
  /** CA certificates (PEM) trusted on top of Node's own, which include NODE_EXTRA_CA_CERTS. */
  ca?: string[];
  /** Client certificate chain and private key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  passphrase?: string;
  /** Do not verify the target's certificate (stated in every report). */
  insecure?: boolean;
  /** Proxy URL for http and https targets; `false`: no proxy, whatever the environment. */
  proxy?: string | false;
}

/** Transport settings as given: file paths, before loading. */
export interface TransportFiles {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
  insecure?: boolean;
  proxy?: string;
}

/**
 * The kit's connection pool. An idle keep-alive connection is reused only well inside the
 * server's advertised keep-alive timeout (3 s margin, undici's default is 2 s), so that a
 * busy machine's event-loop lag does not make the kit reuse a socket the server is closing
 * (which would surface as a spurious "target closed the connection" failure).
 *
 * @example
 * const dispatcher = createDispatcher({ ca: [pem], proxy: "http://proxy.internal:3128" });
 */
export function createDispatcher(transport: Transport = {}): Dispatcher {
  const tls = {
    ...(transport.ca ? { ca: [...getCACertificates("default"), ...transport.ca] } : {}),
    ...(transport.cert !== undefined ? { cert: transport.cert } : {}),
    ...(transport.key !== undefined ? { key: transport.key } : {}),
    ...(transport.passphrase !== undefined ? { passphrase: transport.passphrase } : {}),
    ...(transport.insecure ? { rejectUnauthorized: false } : {}),
  };
  const pool = { keepAliveTimeout: 2_000, keepAliveTimeoutThreshold: 3_000 };
  if (transport.proxy === false) return new Agent({ ...pool, connect: tls });
  return new EnvHttpProxyAgent({
    ...pool,
    connect: tls,
    requestTls: tls,
    // A proxy reached over https is checked against the same CAs (no client certificate).
    proxyTls: {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(transport.insecure ? { rejectUnauthorized: false } : {}),
    },
    ...(transport.proxy !== undefined
      ? { httpProxy: transport.proxy, httpsProxy: transport.proxy }
      : {}),
  });
}

/**
 * Reads the files named by the settings and checks that they make a TLS context (PEM that
 * parses, a key that matches its certificate), so that a mistake is one clear error
 * before the run rather than a TLS failure in every check.
 */
export async function loadTransport(files: TransportFiles): Promise<Transport> {
  const read = (path: string, what: string): Promise<string> =>
    readTextFile(path, what, (m) => new UsageError(m));
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new UsageError(
      "a client certificate needs its key and a key its certificate (--cert and --key, or tls.cert and tls.key)",
    );
  }
  const out: Transport = {};
  if (files.ca?.length) {
    out.ca = [];
    for (const path of files.ca) {
      const pem = await read(path, "CA file");
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
        throw new UsageError(
          `CA file ${path}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`,
        );
      }
      tryContext({ ca: pem }, `CA file ${path}`);
      out.ca.push(pem);
    }
  }
  if (files.cert !== undefined && files.key !== undefined) {
    out.cert = await read(files.cert, "client certificate");
    out.key = await read(files.key, "client key");
    if (files.passphrase !== undefined) out.passphrase = files.passphrase;
    tryContext(
      {
        cert: out.cert,
        key: out.key,
        ...(out.passphrase !== undefined ? { passphrase: out.passphrase } : {}),
      },
      `client certificate ${files.cert} with key ${files.key}`,
    );
  }
  if (files.insecure) out.insecure = true;
  if (files.proxy !== undefined) out.proxy = checkProxyUrl(files.proxy);
  return out;
}

/** A proxy URL: http(s)://host[:port] (credentials allowed, sent as Proxy-Authorization). */
export function checkProxyUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(
      `proxy ${JSON.stringify(value)} is not a URL (example: http://proxy.internal:3128)`,
    );
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UsageError(`proxy ${JSON.stringify(value)}: only http:// and https:// proxies`);
  }
  return value;
}

function tryContext(options: Parameters<typeof createSecureContext>[0], what: string): void {
  try {
    createSecureContext(options);
  } catch (err) {
    throw new UsageError(`${what}: ${(err as Error).message}`);
  }
}

/** Headers the kit's checks set themselves (or undici does): not allowed as extra headers. */
const RESERVED_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "dpop",
  "signature",
  "signature-input",
  "content-digest",
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "host",
  "user-agent",
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why an extra header cannot be sent, or undefined when it can. */
export function extraHeaderProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid header name`;
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    return `${name} is set by the kit itself; a gateway credential must travel in another header`;
  }
  if (/[\r\n\0]/.test(value)) return `the value of ${name} contains a line break`;
  return undefined;
}

/** Parses `--header 'Name: value'`. */
export function parseHeaderArg(arg: string): [string, string] {
  const colon = arg.indexOf(":");
  if (colon <= 0) throw new UsageError("expected 'Name: value'");
  const name = arg.slice(0, colon).trim();
  const value = arg.slice(colon + 1).trim();
  const problem = extraHeaderProblem(name, value);
  if (problem) throw new UsageError(problem);
  return [name, value];
}
