/**
 * The target URL given on the command line (or to `runConformance`): an absolute http(s)
 * URL with a host and nothing else, or a usage error (exit 2) that says what to type.
 */
import { UsageError } from "../check/failure.ts";

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d+(\/.*)?$/;
const DOTTED_HOST = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(\/.*)?$/;

/**
 * Returns the URL when it can be tested; throws a {@link UsageError} saying why not.
 *
 * @example
 * checkTargetUrl("https://as.example"); // "https://as.example"
 * checkTargetUrl("127.0.0.1:8080"); // throws: "127.0.0.1:8080" has no scheme: write http://127.0.0.1:8080 …
 */
export function checkTargetUrl(value: string): string {
  const shown = JSON.stringify(value);
  if (HOST_PORT.test(value) || (DOTTED_HOST.test(value) && !value.includes("://"))) {
    throw new UsageError(`${shown} has no scheme: write http://${value} or https://${value}`);
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    if (/^https?:\/*$/i.test(value)) throw new UsageError(`${shown} has no host`);
    throw new UsageError(
      `${shown} is not a URL: give the server's base URL (its issuer), e.g. https://as.example`,
    );
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UsageError(
      `${u.protocol}//… cannot be tested: give the server's http:// or https:// base URL`,
    );
  }
  if (u.username || u.password) {
    throw new UsageError(
      "the URL carries credentials (user:password@), which the kit does not send: put them in the config (apiKey, admin.token)",
    );
  }
  if (u.search || u.hash) {
    throw new UsageError(
      `${u.origin}${u.pathname}: a base URL (issuer) has no query or fragment (RFC 8414 §2)`,
    );
  }
  return value;
}
