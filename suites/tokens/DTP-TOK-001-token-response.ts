/**
 * DTP-TOK-001 (MUST, RFC 6749 §5.1):
 * "A successful token response MUST be 200 with an `application/json` object containing
 * `access_token` and `token_type` as JSON strings; `expires_in`, when present, MUST be a
 * JSON number."
 *
 * DTP-TOK-002 (MUST, RFC 6749 §5.1):
 * "Every token response MUST carry `Cache-Control: no-store` and `Pragma: no-cache`."
 *
 * DTP-TOK-011 (MUST, RFC 6750 §4; RFC 9449 §5; RFC 6749 §5.1):
 * "An access token that is not DPoP-bound MUST be announced with `token_type` `Bearer`
 * (compared case-insensitively) in the token response."
 *
 * DTP-TOK-053 (MUST, DTP; RFC 6749 §5.1):
 * "A DTP token response MUST also contain `expires_in` (integer seconds) and `scope`, its
 * `token_type` MUST be `Bearer` or `DPoP`, and it MUST contain `refresh_token` for device
 * and user tokens."
 *
 * DTP-TOK-055 (MUST, DTP; RFC 9449 §6.1):
 * "A DTP access token that is not DPoP-bound MUST NOT carry a `cnf` claim."
 *
 * DTP-TOK-052 (SHOULD, RFC 6749 §5.1):
 * "A successful token response SHOULD contain `expires_in`, the lifetime in seconds of the
 * access token."
 *
 * Examined: every kind of token response the target offers — device token (device code
 * grant), DPoP-bound device token, refreshed token, user token (login), service token.
 * A token is certainly not DPoP-bound when its client sent no DPoP proof (no key).
 *
 * On a DTP target the response must also hold what DTP adds (DTP-TOK-053: `expires_in` a
 * positive integer, `scope`, `token_type` spelled `Bearer` or `DPoP`, a `refresh_token` for
 * device and user tokens), and an unbound access token must carry no `cnf` claim
 * (DTP-TOK-055). RFC 6749 §5.1 leaves those optional (`expires_in` RECOMMENDED: DTP-TOK-052)
 * and RFC 9449 does not forbid `cnf` in a Bearer token (another confirmation method may
 * bind it): the OAuth profile judges the RFC rules only. An absent `expires_in` is a WARN
 * (DTP-TOK-052), judged after every MUST of the response.
 */
import type { Check } from "../../src/check/check.ts";
import {
  expectHeader,
  expectJson,
  expectNoStore,
  expectStatus,
  fail,
} from "../../src/check/expect.ts";
import { decodeJwt } from "../../src/client/index.ts";
import { type Issued, tokenKinds } from "../../src/client/kit/index.ts";

const ID = "DTP-TOK-001";
const NO_STORE = "DTP-TOK-002";
const BEARER = "DTP-TOK-011";
const DTP_FIELDS = "DTP-TOK-053";
const NO_CNF = "DTP-TOK-055";
const EXPIRES_IN = "DTP-TOK-052";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_STORE, BEARER, DTP_FIELDS, NO_CNF, EXPIRES_IN],
    level: "MUST",
    area: "tokens",
    title:
      "Token responses: fields and types, no-store / no-cache, Bearer without cnf when unbound",
    specRef: "RFC 6749 §5.1; RFC 6750 §4; RFC 9449 §6.1",
    requires: ["device_code", "admin"],
  },
  async run(ctx) {
    const examined: string[] = [];
    for (const kind of tokenKinds(ctx)) {
      await ctx.case(kind.label, async () => {
        const x = await kind.issue();
        examined.push(x.label);
        examine(x, ctx.target.features.has("dtp"));
      });
    }
    ctx.note(`examined: ${examined.join(", ")}`);
  },
};

function examine(x: Issued, dtp: boolean): void {
  const { res } = x;
  expectStatus(res, 200, ID);
  const body = expectJson(res, ID, "application/json");
  const what = (field: string) => `${field} of the ${x.label} response`;
  if (typeof body.access_token !== "string" || body.access_token.length === 0) {
    fail(ID, `${what("access_token")}: a non-empty string`, JSON.stringify(body.access_token), res);
  }
  if (typeof body.token_type !== "string" || body.token_type === "") {
    fail(ID, `${what("token_type")}: a non-empty string`, JSON.stringify(body.token_type), res);
  }
  if (body.expires_in !== undefined && typeof body.expires_in !== "number") {
    fail(ID, `${what("expires_in")}: a JSON number`, JSON.stringify(body.expires_in), res);
  }
  if (dtp) examineDtp(x, body);

  expectNoStore(res, NO_STORE);
  expectHeader(
    res,
    "pragma",
    (v) =>
      v
        .toLowerCase()
        .split(",")
        .some((d) => d.trim() === "no-cache"),
    NO_STORE,
    "Pragma: no-cache",
  );

  const bearer = body.token_type.toLowerCase() === "bearer";
  if (!x.keyed && !bearer) {
    fail(
      BEARER,
      `token_type of the ${x.label}: "Bearer" (no DPoP proof was sent)`,
      JSON.stringify(body.token_type),
      res,
    );
  }
  if (dtp && (bearer || !x.keyed)) {
    const jwt = decodeJwt(body.access_token);
    if (jwt && jwt.claims.cnf !== undefined) {
      fail(
        NO_CNF,
        `no "cnf" claim in the ${x.label} (not DPoP-bound)`,
        `"cnf": ${JSON.stringify(jwt.claims.cnf)}`,
        res,
      );
    }
  }
  // Last: a SHOULD (a WARN), so that every MUST above is judged first.
  if (body.expires_in === undefined) {
    fail(EXPIRES_IN, `${what("expires_in")}: present (RECOMMENDED, RFC 6749 §5.1)`, "absent", res);
  }
}

/** DTP-TOK-053: the members DTP adds to RFC 6749 §5.1's. */
function examineDtp(x: Issued, body: Record<string, unknown>): void {
  const { res } = x;
  const what = (field: string) => `${field} of the ${x.label} response`;
  if (body.token_type !== "Bearer" && body.token_type !== "DPoP") {
    fail(
      DTP_FIELDS,
      `${what("token_type")}: "Bearer" or "DPoP"`,
      JSON.stringify(body.token_type),
      res,
    );
  }
  if (!Number.isInteger(body.expires_in) || (body.expires_in as number) < 1) {
    fail(
      DTP_FIELDS,
      `${what("expires_in")}: a positive integer (seconds)`,
      JSON.stringify(body.expires_in) ?? "absent",
      res,
    );
  }
  if (typeof body.scope !== "string") {
    fail(DTP_FIELDS, `${what("scope")}: a string`, JSON.stringify(body.scope) ?? "absent", res);
  }
  if (x.refreshExpected && (typeof body.refresh_token !== "string" || body.refresh_token === "")) {
    fail(
      DTP_FIELDS,
      `${what("refresh_token")}: a non-empty string (device and user tokens)`,
      body.refresh_token === undefined ? "absent" : JSON.stringify(typeof body.refresh_token),
      res,
    );
  }
}
