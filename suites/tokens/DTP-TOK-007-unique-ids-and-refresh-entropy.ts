/**
 * DTP-TOK-007 (MUST, RFC 9068 §2.2; RFC 7519 §4.1.7):
 * "Every access token the server issues MUST have a `jti` that no other access token issued
 * by the server has."
 *
 * DTP-TOK-010 (MUST, RFC 6749 §10.10):
 * "A refresh token MUST carry at least 128 bits of entropy (the chance of guessing it at
 * most 2^-128) and MUST differ from every other token issued."
 *
 * DTP-TOK-054 (MUST, DTP):
 * "A DTP refresh token MUST be an opaque string."
 *
 * Two devices each get tokens and refresh them several times (a user login is added when
 * the target offers it): every `jti` is distinct; every refresh token is distinct from the
 * other refresh tokens, the access tokens and the device codes. Entropy is bounded from
 * above from the samples: the positions where the samples differ (a constant prefix,
 * suffix or separator carries nothing) times log2 of the smallest usual alphabet (digits,
 * hex, base32, base62, base64) holding every character seen. A format that cannot hold 128
 * bits fails; a random one passes (12+ samples: a random position looks constant with
 * probability at most 10^-11).
 *
 * DTP-TOK-054: no refresh token is a JWT (a JWS or JWE in compact form, RFC 7515 §7.1,
 * RFC 7516 §7.1: three or five base64url parts, the first a JSON object naming an `alg`):
 * DTP refresh tokens are opaque, their meaning is the server's alone.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { decodeJwt } from "../../src/client/index.ts";
import {
  deviceIssued,
  type Issued,
  offers,
  refreshedIssued,
  userIssued,
} from "../../src/client/kit/index.ts";

const ID = "DTP-TOK-007";
const REFRESH = "DTP-TOK-010";
const OPAQUE = "DTP-TOK-054";
const DEVICES = 2;
const REFRESHES = 5;
const MIN_BITS = 128;

const ALPHABETS: readonly [string, RegExp, number][] = [
  ["decimal digits", /^[0-9]*$/, 10],
  ["hex", /^[0-9a-f]*$/, 16],
  ["hex", /^[0-9A-F]*$/, 16],
  ["base32", /^[A-Z2-7=]*$/, 32],
  ["base32", /^[a-z2-7=]*$/, 32],
  ["base62", /^[A-Za-z0-9]*$/, 62],
  ["base64url", /^[A-Za-z0-9_-]*$/, 64],
  ["base64", /^[A-Za-z0-9+/=]*$/, 64],
];

/** An upper bound of the entropy (bits) of one sample, and how it was found. */
export function entropyUpperBound(samples: readonly string[]): { bits: number; how: string } {
  const first = samples[0] ?? "";
  const minLen = Math.min(...samples.map((s) => s.length));
  // The characters at the positions where the samples differ.
  const varyingChars: string[] = [];
  let varying = 0;
  if (samples.every((s) => s.length === minLen)) {
    for (let i = 0; i < minLen; i++) {
      if (samples.some((s) => s[i] !== first[i])) {
        varying++;
        for (const s of samples) varyingChars.push(s[i]!);
      }
    }
  } else {
    let prefix = 0;
    while (prefix < minLen && samples.every((s) => s[prefix] === first[prefix])) prefix++;
    let suffix = 0;
    const at = (s: string, k: number) => s[s.length - 1 - k];
    while (suffix < minLen - prefix && samples.every((s) => at(s, suffix) === at(first, suffix)))
      suffix++;
    varying = minLen - prefix - suffix;
    for (const s of samples) varyingChars.push(s.slice(prefix, s.length - suffix));
  }
  const chars = varyingChars.join("");
  const found = ALPHABETS.find(([, re]) => re.test(chars));
  const [name, size] = found
    ? [found[0], found[2]]
    : ["printable characters", Math.max(95, new Set(chars).size)];
  const bits = Math.floor(varying * Math.log2(size));
  return { bits, how: `${varying} varying characters of ${name} (${size} symbols)` };
}

/** The JOSE header of a compact JWS or JWE (three or five parts), or undefined. */
function jwtHeader(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if ((parts.length !== 3 && parts.length !== 5) || !/^[A-Za-z0-9_-]+$/.test(parts[0]!)) {
    return undefined;
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as unknown;
    return typeof header === "object" &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === "string"
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, REFRESH, OPAQUE],
    level: "MUST",
    area: "tokens",
    title:
      "Access token jti values are unique; refresh tokens carry ≥ 128 bits and are all distinct",
    specRef: "RFC 9068 §2.2; RFC 6749 §10.10; RFC 9700 §4.14",
    requires: ["dtp", "device_code", "admin", "refresh_token"],
  },
  async run(ctx) {
    const chains = await Promise.all(
      Array.from({ length: DEVICES }, async (_, d) => {
        const made = await deviceIssued(ctx, { registerLabel: `register device ${d + 1}` });
        const out: Issued[] = [made.issued];
        if (d === 0 && offers(ctx, "login", "user_credentials")) {
          out.push(await userIssued(ctx, made));
        }
        for (let i = 0; i < REFRESHES; i++)
          out.push(await refreshedIssued(made.device, made.tokens));
        return { deviceCode: made.reg.deviceCode, issued: out };
      }),
    );
    const issued = chains.flatMap((c) => c.issued);
    const deviceCodes = chains.map((c) => c.deviceCode);

    // TOK-007: jti unique across every access token seen.
    const byJti = new Map<string, Issued>();
    for (const x of issued) {
      const jti = decodeJwt(x.tokens.accessToken)?.claims.jti;
      if (typeof jti !== "string") {
        fail(
          ID,
          `a "jti" claim in the ${x.label}`,
          `"jti": ${JSON.stringify(jti) ?? "absent"}`,
          x.res,
        );
      }
      const seen = byJti.get(jti);
      if (seen) {
        fail(
          ID,
          "a different jti in every access token",
          `the ${seen.label} and the ${x.label} share "jti": ${JSON.stringify(jti)}`,
          [seen.res, x.res],
        );
      }
      byJti.set(jti, x);
    }

    // TOK-010: refresh tokens distinct from everything else issued.
    const refreshTokens: { token: string; x: Issued }[] = [];
    for (const x of issued) {
      if (x.tokens.refreshToken === undefined) {
        fail(REFRESH, `a refresh_token in the ${x.label} response`, "none", x.res);
      }
      refreshTokens.push({ token: x.tokens.refreshToken, x });
      const header = jwtHeader(x.tokens.refreshToken);
      if (header !== undefined) {
        fail(
          OPAQUE,
          `an opaque refresh_token in the ${x.label} response`,
          `a JWT (header ${JSON.stringify(header).slice(0, 80)})`,
          x.res,
        );
      }
    }
    const others = new Set<string>([...issued.map((x) => x.tokens.accessToken), ...deviceCodes]);
    const seenRefresh = new Map<string, Issued>();
    for (const { token, x } of refreshTokens) {
      const dup = seenRefresh.get(token);
      if (dup) {
        fail(
          REFRESH,
          "a different refresh token in every response",
          `the ${dup.label} and the ${x.label} responses carry the same refresh_token`,
          [dup.res, x.res],
        );
      }
      if (others.has(token)) {
        fail(
          REFRESH,
          "refresh tokens that differ from every access token and device code",
          `the ${x.label} refresh_token equals another token the server issued`,
          x.res,
        );
      }
      seenRefresh.set(token, x);
    }

    const estimate = entropyUpperBound(refreshTokens.map((r) => r.token));
    if (estimate.bits < MIN_BITS) {
      fail(
        REFRESH,
        `refresh tokens carrying at least ${MIN_BITS} bits of entropy`,
        `at most ${estimate.bits} bits over ${refreshTokens.length} refresh tokens: ${estimate.how}`,
        refreshTokens.map((r) => r.x.res),
      );
    }
    ctx.note(
      `${byJti.size} distinct jti; refresh tokens: at most ${estimate.bits} bits (${estimate.how})`,
    );
  },
};
