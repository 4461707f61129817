/**
 * DTP-RES-054 (MUST, RFC 6750 §3):
 * "Every `Bearer` challenge in `WWW-Authenticate` MUST carry at least one auth-param (such
 * as `realm` or `error`)."
 *
 * DTP-RES-055 (MUST, RFC 6750 §3):
 * "In a `Bearer` challenge, each of `realm`, `scope`, `error`, `error_description` and
 * `error_uri` MUST appear at most once."
 *
 * DTP-RES-056 (MUST, RFC 6750 §3):
 * "In a `Bearer` challenge, `scope` MUST use only the characters `%x21 / %x23-5B / %x5D-7E`
 * (with spaces between values), `error` and `error_description` only `%x20-21 / %x23-5B /
 * %x5D-7E`, and `error_uri` only `%x21 / %x23-5B / %x5D-7E`."
 *
 * DTP-RES-052 (SHOULD, RFC 6750 §3.1):
 * "The challenge answering a request without any authentication information SHOULD NOT
 * include an error code or other error information."
 *
 * DTP-RES-057 (SHOULD, RFC 6750 §3, §3.1):
 * "The answer to a request whose access token failed authentication SHOULD be 401, and its
 * challenge SHOULD carry `error="invalid_token"`."
 *
 * Requests a protected resource refuses with a challenge (RFC 6750 §3, §3.1), each a case:
 * no token, an unknown token, a malformed one (characters outside b64token); at a DTP target
 * also the personal-token list and `/login` without a token. Every `Bearer` challenge among
 * the answers' `WWW-Authenticate` headers, read with the one challenge parser
 * (`parseChallengeList`, RFC 9110 §11.6.1, repeats kept), is judged; `DPoP` and other
 * schemes are not this check's. Whether a challenge is there at all is DTP-RES-004's,
 * DTP-RES-005's and DTP-ERR-057's.
 *
 * On the same answers, after the syntax (MUSTs), two SHOULDs of RFC 6750 §3.1, each a WARN:
 * the Bearer challenge to the request without a token has no `error`, `error_description`
 * or `error_uri` (DTP-RES-052); the unknown (well-formed) token is answered 401 with a Bearer
 * challenge carrying `error="invalid_token"` (DTP-RES-057). The malformed token is not
 * judged for DTP-RES-057: a header outside the b64token syntax may be a malformed request
 * (`invalid_request`, 400) as well.
 */
import type { Check } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { endpoint, endpointOf } from "../../src/client/index.ts";
import { randomToken } from "../../src/protocol/random.ts";
import {
  ChallengeParseError,
  parseChallengeList,
  type RawChallenge,
} from "../../src/protocol/www-authenticate.ts";

const ID = "DTP-RES-054";
const ONCE = "DTP-RES-055";
const CHARS = "DTP-RES-056";
const NO_ERROR = "DTP-RES-052";
const INVALID_TOKEN = "DTP-RES-057";
/** The RFC 6750 §3 attributes that carry error information. */
const ERROR_INFO = ["error", "error_description", "error_uri"];

/** RFC 6750 §3's attributes that may appear once, and the characters of their values. */
const ATTRIBUTES: Readonly<Record<string, RegExp>> = {
  realm: /^[\s\S]*$/,
  scope: /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/,
  error: /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/,
  error_description: /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/,
  error_uri: /^[\x21\x23-\x5B\x5D-\x7E]*$/,
};

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ONCE, CHARS, NO_ERROR, INVALID_TOKEN],
    level: "MUST",
    area: "resource",
    title:
      "Bearer challenges: at least one auth-param, each RFC 6750 attribute once, values in its characters",
    specRef: "RFC 6750 §3",
    requires: ["resource"],
  },
  async run(ctx) {
    const resource = endpoint(ctx.target, "dtp_resource_endpoint");
    const requests: [string, HttpRequest][] = [
      ["no token", { method: "GET", url: resource }],
      [
        "an unknown token",
        { method: "GET", url: resource, headers: { authorization: `Bearer ${randomToken(32)}` } },
      ],
      [
        "a malformed token",
        { method: "GET", url: resource, headers: { authorization: 'Bearer a"b\\c{}' } },
      ],
    ];
    if (ctx.target.features.has("dtp")) {
      const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
      if (pats) requests.push(["GET /personal-tokens, no token", { method: "GET", url: pats }]);
      const login = endpointOf(ctx.target, "dtp_login_endpoint");
      if (login) {
        requests.push([
          "POST /login, no token",
          { method: "POST", url: login, form: { username: "dtp-kit-nobody", password: "x" } },
        ]);
      }
    }
    let judged = 0;
    for (const [what, req] of requests) {
      await ctx.case(what, async () => {
        const res = await ctx.http.request({ ...req, label: `resource: ${what}` });
        const header = res.headers["www-authenticate"];
        if (header === undefined) return ctx.note(`${what}: no WWW-Authenticate (${res.status})`);
        let challenges: RawChallenge[];
        try {
          challenges = parseChallengeList(header);
        } catch (err) {
          if (!(err instanceof ChallengeParseError)) throw err;
          fail(
            ID,
            "a WWW-Authenticate header made of challenges (RFC 9110 §11.6.1)",
            `WWW-Authenticate: ${JSON.stringify(header)} (${err.message})`,
            res,
          );
        }
        const bearer = challenges.filter((c) => c.scheme.toLowerCase() === "bearer");
        for (const c of bearer) {
          judged++;
          expectBearerChallenge(c, header, res);
        }
        // The SHOULDs, after the syntax.
        if (what === "no token") expectNoErrorInformation(bearer, header, res);
        if (what === "an unknown token") expectInvalidToken(bearer, header, res);
      });
    }
    if (judged === 0) ctx.notClaimed("the resource answered no request with a Bearer challenge");
  },
};

/** Fails unless the Bearer challenge `c` (from `header`) keeps RFC 6750 §3's syntax. */
function expectBearerChallenge(c: RawChallenge, header: string, res: HttpResponse): void {
  const shown = `WWW-Authenticate: ${JSON.stringify(header)} (${describe(res)})`;
  if (c.params.length === 0) {
    fail(ID, "a Bearer challenge with at least one auth-param (RFC 6750 §3)", shown, res);
  }
  const seen = new Set<string>();
  for (const [name, value] of c.params) {
    const chars = ATTRIBUTES[name];
    if (chars === undefined) continue;
    if (seen.has(name)) {
      fail(ONCE, `"${name}" at most once in a Bearer challenge (RFC 6750 §3)`, shown, res);
    }
    seen.add(name);
    if (!chars.test(value)) {
      fail(
        CHARS,
        `a Bearer "${name}" made only of the characters RFC 6750 §3 allows`,
        `${name}=${JSON.stringify(value)} in ${shown}`,
        res,
      );
    }
  }
}

/** DTP-RES-052: no error information in the challenge to a request without a token. */
function expectNoErrorInformation(bearer: RawChallenge[], header: string, res: HttpResponse) {
  const info = bearer.flatMap((c) => c.params.filter(([name]) => ERROR_INFO.includes(name)));
  if (info.length > 0) {
    fail(
      NO_ERROR,
      "a Bearer challenge without error, error_description or error_uri (RFC 6750 §3.1: the request had no authentication information)",
      `WWW-Authenticate: ${JSON.stringify(header)} (${describe(res)})`,
      res,
    );
  }
}

/** DTP-RES-057: 401 and error="invalid_token" for a token that failed authentication. */
function expectInvalidToken(bearer: RawChallenge[], header: string, res: HttpResponse) {
  if (bearer.length === 0) return; // no Bearer challenge: not a Bearer resource's answer
  const invalid = bearer.some((c) =>
    c.params.some(([name, value]) => name === "error" && value === "invalid_token"),
  );
  if (res.status !== 401 || !invalid) {
    fail(
      INVALID_TOKEN,
      'status 401 with a Bearer challenge error="invalid_token" (RFC 6750 §3.1, an unknown access token)',
      `WWW-Authenticate: ${JSON.stringify(header)} (${describe(res)})`,
      res,
    );
  }
}
