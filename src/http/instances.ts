/**
 * Several instances of one server (`--instance URL`, repeatable): the same issuer served by
 * N processes behind a load balancer. The kit sends each request meant for the target's
 * origin to one instance, so that every check exercises what the instances must share
 * (single-use items, replay caches, nonces, limits):
 *
 * - a request the run has not sent before goes to the next instance in turn (so a
 *   registration, its approval, its polls and its token request land on different ones);
 * - a request identical to one already sent (same method, URL, body and proof or signature
 *   headers: a replay, or one of a race's identical requests) goes to another instance than
 *   the one that got it last, so a replay never reaches the instance that saw the original.
 *
 * The exchange records the instance's URL, so the report says which instance answered what.
 * Only the origin changes: the request keeps the issuer's path, and proofs and signatures
 * keep the issuer's URL (what a load balancer forwards).
 */
import { createHash } from "node:crypto";

/** Headers that make a request single-use: a replay repeats them. */
const REPLAY_HEADERS = ["dpop", "signature", "signature-input", "authorization"];

export class InstanceRouter {
  readonly origins: readonly string[];
  private readonly target: string;
  private next = 0;
  private readonly last = new Map<string, number>();

  /**
   * `targetUrl`: the issuer the checks address; `instances`: the origins that serve it.
   * Throws on an instance that is not an absolute http(s) URL without path, query or fragment.
   */
  constructor(targetUrl: string, instances: readonly string[]) {
    this.target = new URL(targetUrl).origin;
    this.origins = instances.map(instanceOrigin);
  }

  /** The URL to send this request to (unchanged when it is not for the target's origin). */
  route(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    if (parsed.origin !== this.target || this.origins.length === 0) return url;
    const key = createHash("sha256")
      .update(`${method}\n${url}\n`)
      .update(REPLAY_HEADERS.map((h) => headers[h] ?? "").join("\n"))
      .update(`\n${body ?? ""}`)
      .digest("base64url");
    const seen = this.last.get(key);
    const n = this.origins.length;
    const index = seen === undefined ? this.next++ % n : (seen + 1) % n;
    this.last.set(key, index);
    return `${this.origins[index]}${parsed.pathname}${parsed.search}`;
  }
}

/** The origin of an `--instance` URL; a path, query or fragment is an error. */
export function instanceOrigin(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`instance "${value}" is not a URL (write http://host:port)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`instance "${value}": only http:// and https:// instances can be tested`);
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username)
    throw new Error(
      `instance "${value}": give the instance's origin only (scheme, host, port); requests keep the issuer's paths`,
    );
  return u.origin;
}
