/**
 * Redirects. The HTTP client never follows one: a 3xx goes back to the check as is. A check
 * that wants to follow it uses these helpers, which refuse a `Location` that leaves the
 * target's origin (scheme, host and port), so the kit is never led off the target.
 */
import { CheckFailure } from "../check/failure.ts";
import type { HttpClient, HttpResponse } from "../check/http.ts";

function evidence(res: HttpResponse): number[] {
  return [res.exchange];
}

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The absolute URL a redirect points to, checked to stay on `targetBaseUrl`'s origin.
 * Throws a CheckFailure (code DTP_HTTP_OFF_TARGET_REDIRECT) otherwise.
 */
export function redirectLocation(
  res: HttpResponse,
  targetBaseUrl: string,
  requirement: string,
): URL {
  const location = res.headers.location;
  const from = res.url ?? targetBaseUrl;
  if (location === undefined) {
    throw new CheckFailure({
      requirement,
      expected: "a Location header on a redirect",
      actual: `status ${res.status} without Location`,
      code: "DTP_HTTP_OFF_TARGET_REDIRECT",
      evidence: evidence(res),
    });
  }
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    throw new CheckFailure({
      requirement,
      expected: "a valid Location URL",
      actual: `Location: ${JSON.stringify(location)}`,
      code: "DTP_HTTP_OFF_TARGET_REDIRECT",
      evidence: evidence(res),
    });
  }
  const target = new URL(targetBaseUrl);
  if (url.origin !== target.origin) {
    throw new CheckFailure({
      requirement,
      expected: `a redirect within ${target.origin}`,
      actual: `Location: ${JSON.stringify(location)} (origin ${url.origin}); not followed`,
      code: "DTP_HTTP_OFF_TARGET_REDIRECT",
      evidence: evidence(res),
    });
  }
  return url;
}

/**
 * Follows redirects from `res` (GET, at most `maxHops`) while they stay on the target's
 * origin; returns the first non-redirect response.
 *
 * @example
 * let res = await ctx.http.request({ method: "GET", url: "/device" });
 * res = await followRedirects(ctx.http, res, ctx.target.baseUrl, "DTP-REG-010");
 */
export async function followRedirects(
  http: HttpClient,
  res: HttpResponse,
  targetBaseUrl: string,
  requirement: string,
  maxHops = 5,
): Promise<HttpResponse> {
  let current = res;
  for (let hop = 0; REDIRECT_STATUSES.has(current.status); hop++) {
    if (hop >= maxHops) {
      throw new CheckFailure({
        requirement,
        expected: `at most ${maxHops} redirects`,
        actual: `redirect #${hop + 1} to ${current.headers.location}`,
        evidence: evidence(current),
      });
    }
    const next = redirectLocation(current, targetBaseUrl, requirement);
    current = await http.request({
      method: "GET",
      url: next.toString(),
      label: `redirect ${hop + 1}`,
    });
  }
  return current;
}
