/**
 * DTP-TOK-003 (MUST, RFC 9068 §2.1):
 * "An access token MUST be a JWT signed with ES256 whose header has `typ` `at+jwt` and a
 * `kid` naming a key in the JWK Set at `jwks_uri`."
 *
 * DTP-TOK-004 (MUST, RFC 9068 §4; RFC 8725 §3.1):
 * "The access token signature MUST verify with the JWK Set key named by its `kid`."
 *
 * DTP-TOK-005 (MUST, RFC 9068 §2.2; RFC 8725 §3.9):
 * "An access token MUST carry the claims `iss` and `aud` (both equal to the issuer), `sub`,
 * `client_id`, `exp`, `iat`, `jti`, `scope` (space-separated) and `dtp_kind` (`device`,
 * `user` or `service`)."
 *
 * DTP-TOK-006 (MUST, RFC 6749 §5.1; SAFEQ Cloud "User and device tokens"):
 * "`expires_in` MUST equal the access token's `exp − iat` and MUST equal
 * `dtp_lifetimes.access_token`."
 *
 * DTP-TOK-008 (MUST, DTP; SAFEQ Cloud "User and device tokens"):
 * "A device token (from the device code grant) MUST have `sub` and `client_id` equal to the
 * device's `client_id`, `dtp_kind` `device` and the scope registered for the device
 * (default `me login`)."
 *
 * DTP-TOK-009 (MUST, RFC 6749 §5.1; RFC 9068 §2.2.3):
 * "The `scope` member of a token response MUST equal the `scope` claim of the issued access
 * token."
 *
 * Every kind of access token the target issues (device, DPoP-bound device, refreshed, user,
 * service) is verified with jose against the JWK Set fetched from `jwks_uri`. Property:
 * devices registered with a generated scope (none = default, `me`, `login`, both in either
 * order) get a device token with exactly that scope. Scopes compare as sets (RFC 6749 §3.3).
 */
import fc from "fast-check";
import { compactVerify, type JSONWebKeySet } from "jose";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { expectEqual, fail } from "../../src/check/expect.ts";
import {
  declaredLifetime,
  decodeJwt,
  fetchJwks,
  issuerOf,
  scopeList,
} from "../../src/client/index.ts";
import { deviceIssued, type Issued, tokenKinds } from "../../src/client/kit/index.ts";
import { keyById, SCOPE_SYNTAX } from "./_helpers.ts";

/** A space-separated scope as a sorted list without duplicates. */
const scopeSet = (scope: string): string[] => scopeList(scope) ?? [];

const ID = "DTP-TOK-003";
const SIGNATURE = "DTP-TOK-004";
const CLAIMS = "DTP-TOK-005";
const LIFETIME = "DTP-TOK-006";
const DEVICE = "DTP-TOK-008";
const SCOPE = "DTP-TOK-009";
const DEFAULT_DEVICE_SCOPE = "me login";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, SIGNATURE, CLAIMS, LIFETIME, DEVICE, SCOPE],
    level: "MUST",
    area: "tokens",
    title: "Access tokens are ES256 at+jwt verified with jwks_uri, with the RFC 9068 + DTP claims",
    specRef: "RFC 9068 §2, §4; RFC 6749 §5.1",
    requires: ["dtp", "device_code", "admin"],
    property: true,
  },
  async run(ctx) {
    const jwks = await fetchJwks(ctx);
    const examined: string[] = [];
    for (const kind of tokenKinds(ctx)) {
      await ctx.case(kind.label, async () => {
        const x = await kind.issue();
        examined.push(x.label);
        await examine(ctx, jwks, x);
      });
    }
    ctx.note(`examined: ${examined.join(", ")}`);

    await ctx.property(
      "device tokens of every registered scope",
      fc.asyncProperty(
        fc.constantFrom<string | undefined>(undefined, "me", "login", "me login", "login me"),
        async (scope) => {
          const { issued: x } = await deviceIssued(ctx, {
            ...(scope !== undefined ? { scope } : {}),
            registerLabel: `register (scope ${scope === undefined ? "absent" : `"${scope}"`})`,
          });
          await examine(ctx, jwks, x);
        },
      ),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 5)) },
    );
  },
};

async function examine(ctx: CheckContext, jwks: JSONWebKeySet, x: Issued): Promise<void> {
  const { res } = x;
  const token = x.tokens.accessToken;
  const jwt = decodeJwt(token);
  if (!jwt) {
    fail(
      ID,
      `the ${x.label} to be a JWT (compact JWS with JSON header and claims)`,
      "it is not",
      res,
    );
  }
  const { header, claims } = jwt;

  // TOK-003: header.
  expectEqual(header.alg, "ES256", ID, `"alg" of the ${x.label}`, res);
  const typ = typeof header.typ === "string" ? header.typ.toLowerCase() : header.typ;
  if (typ !== "at+jwt" && typ !== "application/at+jwt") {
    fail(
      ID,
      `"typ": "at+jwt" in the ${x.label} header`,
      `"typ": ${JSON.stringify(header.typ)}`,
      res,
    );
  }
  const jwk = keyById(jwks, header.kid);
  if (!jwk) {
    fail(
      ID,
      `"kid" of the ${x.label} naming exactly one key of the JWK Set at jwks_uri`,
      `"kid": ${JSON.stringify(header.kid)}; JWK Set kids: ${JSON.stringify(jwks.keys.map((k) => k.kid))}`,
      res,
    );
  }

  // TOK-004: signature, with that key only.
  try {
    await compactVerify(token, jwk, { algorithms: ["ES256"] });
  } catch (err) {
    fail(
      SIGNATURE,
      `the ${x.label} signature to verify with the JWK Set key "${header.kid}"`,
      `jose: ${(err as Error).message}`,
      res,
    );
  }

  // TOK-005: claims.
  const issuer = issuerOf(ctx.target);
  expectEqual(claims.iss, issuer, CLAIMS, `"iss" of the ${x.label}`, res);
  const audOk =
    claims.aud === issuer ||
    (Array.isArray(claims.aud) && claims.aud.length === 1 && claims.aud[0] === issuer);
  if (!audOk) {
    fail(
      CLAIMS,
      `"aud" of the ${x.label} equal to the issuer ${issuer}`,
      `"aud": ${JSON.stringify(claims.aud)}`,
      res,
    );
  }
  for (const name of ["sub", "client_id", "jti"] as const) {
    if (typeof claims[name] !== "string" || claims[name] === "") {
      fail(
        CLAIMS,
        `"${name}" in the ${x.label}: a non-empty string`,
        `"${name}": ${JSON.stringify(claims[name]) ?? "absent"}`,
        res,
      );
    }
  }
  for (const name of ["exp", "iat"] as const) {
    if (!Number.isInteger(claims[name])) {
      fail(
        CLAIMS,
        `"${name}" in the ${x.label}: a NumericDate (integer seconds)`,
        `"${name}": ${JSON.stringify(claims[name]) ?? "absent"}`,
        res,
      );
    }
  }
  if (typeof claims.scope !== "string" || !SCOPE_SYNTAX.test(claims.scope)) {
    fail(
      CLAIMS,
      `"scope" in the ${x.label}: space-separated scope tokens (RFC 6749 §3.3)`,
      `"scope": ${JSON.stringify(claims.scope) ?? "absent"}`,
      res,
    );
  }
  if (claims.dtp_kind !== x.kind) {
    fail(
      CLAIMS,
      `"dtp_kind": "${x.kind}" in the ${x.label}`,
      `"dtp_kind": ${JSON.stringify(claims.dtp_kind) ?? "absent"}`,
      res,
    );
  }

  // TOK-006: lifetimes.
  const body = res.body as Record<string, unknown>;
  const exp = claims.exp as number;
  const iat = claims.iat as number;
  expectEqual(
    body.expires_in,
    exp - iat,
    LIFETIME,
    `expires_in of the ${x.label} vs its exp − iat`,
    res,
  );
  const declared = declaredLifetime(ctx.target, "access_token", Number.NaN);
  if (!Number.isFinite(declared)) {
    fail(LIFETIME, "dtp_lifetimes.access_token in the metadata", "absent");
  }
  expectEqual(
    body.expires_in,
    declared,
    LIFETIME,
    `expires_in of the ${x.label} vs dtp_lifetimes.access_token`,
    res,
  );

  // TOK-009: response scope = claim scope.
  const responseScope = body.scope;
  if (
    typeof responseScope !== "string" ||
    scopeSet(responseScope).join(" ") !== scopeSet(claims.scope as string).join(" ")
  ) {
    fail(
      SCOPE,
      `the ${x.label} response "scope" equal to its "scope" claim ${JSON.stringify(claims.scope)}`,
      `"scope": ${JSON.stringify(responseScope)}`,
      res,
    );
  }

  // TOK-008: device tokens from the device code grant.
  if (x.kind === "device" && x.grant === "device_code") {
    expectEqual(
      claims.sub,
      x.clientId,
      DEVICE,
      `"sub" of the ${x.label} (the device's client_id)`,
      res,
    );
    expectEqual(claims.client_id, x.clientId, DEVICE, `"client_id" of the ${x.label}`, res);
    expectEqual(claims.dtp_kind, "device", DEVICE, `"dtp_kind" of the ${x.label}`, res);
    const registered = scopeSet(x.registeredScope ?? DEFAULT_DEVICE_SCOPE).join(" ");
    const got = scopeSet(claims.scope as string).join(" ");
    if (got !== registered) {
      fail(
        DEVICE,
        `the ${x.label} "scope" claim to be the registered scope "${registered}"`,
        `"scope": ${JSON.stringify(claims.scope)}`,
        res,
      );
    }
  }
}
