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
 * Examined: every kind of token response the target offers — device token (device code
 * grant), DPoP-bound device token, refreshed token, user token (login), service token.
 * A token is certainly not DPoP-bound when its client sent no DPoP proof (no key).
 */
import type { Check } from "../../src/check/check.ts";
import {
  expectEqual,
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

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_STORE, BEARER],
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
        examine(x);
      });
    }
    ctx.note(`examined: ${examined.join(", ")}`);
  },
};

function examine(x: Issued): void {
  const { res } = x;
  expectStatus(res, 200, ID);
  const body = expectJson(res, ID, "application/json");
  const what = (field: string) => `${field} of the ${x.label} response`;
  if (typeof body.access_token !== "string" || body.access_token.length === 0) {
    fail(ID, `${what("access_token")}: a non-empty string`, JSON.stringify(body.access_token), res);
  }
  if (body.token_type !== "Bearer" && body.token_type !== "DPoP") {
    fail(ID, `${what("token_type")}: "Bearer" or "DPoP"`, JSON.stringify(body.token_type), res);
  }
  if (!Number.isInteger(body.expires_in) || (body.expires_in as number) < 1) {
    fail(
      ID,
      `${what("expires_in")}: a positive integer (seconds)`,
      JSON.stringify(body.expires_in) ?? "absent",
      res,
    );
  }
  if (typeof body.scope !== "string") {
    fail(ID, `${what("scope")}: a string`, JSON.stringify(body.scope) ?? "absent", res);
  }
  if (x.refreshExpected && (typeof body.refresh_token !== "string" || body.refresh_token === "")) {
    fail(
      ID,
      `${what("refresh_token")}: a non-empty string (device and user tokens)`,
      body.refresh_token === undefined ? "absent" : JSON.stringify(typeof body.refresh_token),
      res,
    );
  }

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

  if (!x.keyed) {
    expectEqual(
      body.token_type,
      "Bearer",
      BEARER,
      `token_type of the ${x.label} (no DPoP proof was sent)`,
      res,
    );
  }
  if (body.token_type === "Bearer") {
    const jwt = decodeJwt(body.access_token);
    if (jwt && jwt.claims.cnf !== undefined) {
      fail(
        BEARER,
        `no "cnf" claim in the ${x.label} (token_type Bearer: not DPoP-bound)`,
        `"cnf": ${JSON.stringify(jwt.claims.cnf)}`,
        res,
      );
    }
  }
}
