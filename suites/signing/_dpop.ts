/**
 * The DPoP checks' assertions: the answers at `/token` (400 OAuth error) and at a resource
 * (401 `DPoP` challenge with the `algs` of DTP-DPOP-016), a binding to a key (token_type
 * and `cnf.jkt`), and the mutation property shared by DTP-DPOP-003 (at `/token`) and
 * DTP-DPOP-012 (at the resource). The devices, proofs and mutations come from src/client
 * and src/protocol.
 */
import fc from "fast-check";
import type { CheckContext } from "../../src/check/check.ts";
import { expectOAuthError, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import { expectInvalidToken } from "../../src/check/expect-oauth.ts";
import { CheckFailure, SkipSignal } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  absoluteEndpoint,
  claimsOf,
  type Device,
  dpopAlgs,
  readTokens,
  type TokenHolder,
  type TokenSet,
} from "../../src/client/index.ts";
import { type MutatedProof, mutateProof } from "../../src/protocol/dpop-mutate.ts";
import {
  type Mutation,
  type MutationKeys,
  mutationArb,
  mutationExamples,
} from "../../src/protocol/dpop-mutations.ts";
import { parseChallenges } from "../../src/protocol/www-authenticate.ts";

/** DTP: a token issued to a request with a valid proof is DPoP-bound (token_type DPoP). */
export const BOUND_WHEN_PROVED = "DTP-DPOP-053";

/** A keyed device of a DPoP check and its bound tokens. */
export interface Keyed {
  device: Device;
  tokens: TokenHolder;
}

/** RFC 9449 §7.1 `algs`: every `DPoP` challenge must list the declared algorithms (DTP-DPOP-016). */
export function expectDpopAlgs(ctx: CheckContext, res: HttpResponse): void {
  const header = res.headers["www-authenticate"];
  if (header === undefined) return;
  let challenges: ReturnType<typeof parseChallenges>;
  try {
    challenges = parseChallenges(header);
  } catch {
    return; // reported by the challenge assertions themselves
  }
  const want = dpopAlgs(ctx.target);
  for (const c of challenges) {
    if (c.scheme.toLowerCase() !== "dpop") continue;
    const algs = c.params.algs;
    const got = algs === undefined ? [] : algs.split(" ").filter((a) => a !== "");
    const same =
      got.length === want.length &&
      new Set(got).size === got.length &&
      want.every((a) => got.includes(a));
    if (!same) {
      fail(
        "DTP-DPOP-016",
        `the DPoP challenge with algs="${want.join(" ")}" (dpop_signing_alg_values_supported)`,
        algs === undefined ? `no algs parameter: ${JSON.stringify(header)}` : `algs="${algs}"`,
        res,
      );
    }
  }
}

/** At a resource: 401 with a `DPoP` challenge whose `error` is one of `errors` (and the algs). */
export function expectDpopChallenge(
  ctx: CheckContext,
  res: HttpResponse,
  errors: string | readonly string[],
  requirement: string,
): void {
  expectWwwAuthenticate(res, { scheme: "DPoP", error: errors }, requirement);
  expectDpopAlgs(ctx, res);
}

/** At `/token`: 400 with OAuth error one of `errors`. */
export function expectTokenError(
  res: HttpResponse,
  errors: string | readonly string[],
  requirement: string,
): void {
  expectOAuthError(res, { status: 400, error: errors }, requirement);
}

/** 401 with a challenge (of any scheme) whose `error` is `invalid_token`, and the algs. */
export function expectRefusedToken(
  ctx: CheckContext,
  res: HttpResponse,
  requirement: string,
): void {
  expectInvalidToken(res, requirement);
  expectDpopAlgs(ctx, res);
}

/** Fails `requirement` unless `res` is a success (`status`), with `what` in the message. */
export function expectAccepted(
  res: HttpResponse,
  status: number,
  requirement: string,
  what: string,
): void {
  if (res.status !== status) {
    const body = res.text.replace(/\s+/g, " ").trim().slice(0, 160);
    const www = res.headers["www-authenticate"];
    fail(
      requirement,
      `${what} accepted (status ${status})`,
      `status ${res.status}${www ? `, WWW-Authenticate: ${www}` : ""}${body ? `: ${body}` : ""}`,
      res,
    );
  }
}

/** Fails `requirement` unless the token response says `token_type: DPoP` (case-insensitive). */
export function expectDpopTokenType(tokens: TokenSet, requirement: string): void {
  if (tokens.tokenType.toLowerCase() !== "dpop") {
    fail(
      requirement,
      '"token_type": "DPoP"',
      `"token_type": ${JSON.stringify(tokens.tokenType)}`,
      tokens.res,
    );
  }
}

/**
 * Fails `requirement` unless the tokens are DPoP-bound to `jkt`: `token_type` DPoP and
 * `cnf.jkt` from the JWT's claims, or (an opaque token) from introspection by `device`.
 */
export async function expectBoundTo(
  ctx: CheckContext,
  device: Device,
  tokens: TokenSet,
  jkt: string,
  requirement: string,
): Promise<void> {
  const claims = claimsOf(tokens.accessToken);
  if (tokens.tokenType.toLowerCase() !== "dpop") {
    const cnf = (claims?.cnf as { jkt?: unknown } | undefined)?.jkt;
    // A bound token typed otherwise breaks the RFC rule; an unbound Bearer token is allowed
    // by RFC 9449 §5, but not by DTP (DTP-DPOP-053: every token issued to a valid proof is bound).
    if (cnf !== undefined) expectDpopTokenType(tokens, requirement);
    if (ctx.target.features.has("dtp")) expectDpopTokenType(tokens, BOUND_WHEN_PROVED);
    return;
  }
  let bound: { jkt: unknown; from: string; res?: HttpResponse };
  if (claims !== undefined) {
    bound = {
      jkt: (claims.cnf as { jkt?: unknown } | undefined)?.jkt,
      from: "the access token's claims",
    };
  } else if (device.ctx.target.metadata.introspection_endpoint !== undefined) {
    const res = await device.introspect(tokens.accessToken);
    const cnf = (res.body as { cnf?: { jkt?: unknown } } | undefined)?.cnf;
    bound = { jkt: cnf?.jkt, from: "introspection", res };
  } else {
    throw new SkipSignal(
      "cannot observe cnf.jkt: the access token is not a JWT and the target has no introspection endpoint (DTP-DPOP-014 checks the binding at the resource)",
      "untested",
    );
  }
  if (bound.jkt !== jkt) {
    fail(
      requirement,
      `cnf.jkt = ${jkt} (RFC 7638 thumbprint of the proof key)`,
      `cnf.jkt in ${bound.from} = ${JSON.stringify(bound.jkt) ?? "absent"}`,
      bound.res ?? tokens.res,
    );
  }
}

/** Ends the check with a failure of a MAY/SHOULD requirement inside a MUST check (a WARN). */
export function failAt(
  level: "SHOULD" | "MAY",
  requirement: string,
  expected: string,
  actual: string,
  res: HttpResponse,
): never {
  throw new CheckFailure({ requirement, expected, actual, level, evidence: [res.exchange] });
}

/**
 * The requirement a proof mutation tests. On a DTP target an `iat` outside the declared
 * window (`dpop_proof_max_age` plus skew) is DTP-DPOP-052; elsewhere the RFC's "limited
 * window" (DTP-DPOP-009).
 */
export function requirementOf(m: Mutation, dtp = false): string {
  if (dtp && m.t === "iat" && m.how !== "absent") return "DTP-DPOP-052";
  switch (m.t) {
    case "malformed":
    case "multiple":
      return "DTP-DPOP-003";
    case "typ":
      return "DTP-DPOP-004";
    case "alg-none":
    case "hmac":
    case "alg-not-allowed":
      return "DTP-DPOP-005";
    case "alg-mismatch":
    case "jwk":
    case "flip":
      return "DTP-DPOP-006";
    case "wrong-key":
      return "DTP-DPOP-002";
    case "htm":
      return "DTP-DPOP-007";
    case "htu":
      return "DTP-DPOP-008";
    case "iat":
      return "DTP-DPOP-009";
    case "ath":
      return "DTP-DPOP-012";
  }
}

/**
 * Every mutated proof, carrying the current server nonce, is rejected with the exact error
 * (400 `invalid_dpop_proof` at `/token` on `dev`'s refresh grant, 401 `DPoP
 * error="invalid_dpop_proof"` with the declared `algs` at the resource with `dev`'s access
 * token, kept live by its holder). One case per kind and value of mutation, then `numRuns`
 * random ones. A wrongly accepted refresh keeps its new pair, so later runs use live tokens.
 */
export async function assertMutationsRejected(
  ctx: CheckContext,
  dev: Keyed,
  where: "token" | "resource",
  keys: MutationKeys,
  numRuns = ctx.fc.numRuns,
): Promise<void> {
  const htu = absoluteEndpoint(
    ctx.target,
    where === "token" ? "token_endpoint" : "dtp_resource_endpoint",
  );
  const htm = where === "token" ? "POST" : "GET";
  const session = dev.device.dpop!;
  const rejected = async (m: Mutation) => {
    let last: MutatedProof | undefined;
    const label = `proof mutation ${JSON.stringify(m)}`;
    const proofFor = (accessToken?: string) => (nonce: string | undefined) => {
      last = mutateProof(m, keys, {
        htm,
        htu,
        nonce,
        ...(accessToken !== undefined ? { accessToken } : {}),
      });
      return last.value;
    };
    const res =
      where === "resource"
        ? await dev.tokens.use((t) =>
            session.send(
              ctx,
              { method: "GET", url: htu, label },
              { build: proofFor(t.accessToken), accessToken: t.accessToken },
            ),
          )
        : await dev.device.refresh(
            dev.tokens.tokens.refreshToken ?? "",
            {},
            { proof: proofFor(), label },
          );
    if (where === "token" && res.status === 200) dev.tokens.tokens = readTokens(ctx, res);
    const errors = last?.errors ?? ["invalid_dpop_proof"];
    // RFC 9449 §5 binds a (public client's) refresh token to its key but names no error for
    // a proof by another key: outside DTP, invalid_grant (RFC 6749 §5.2) is as right.
    if (m.t === "wrong-key" && !ctx.target.features.has("dtp")) errors.push("invalid_grant");
    const requirement = requirementOf(m, ctx.target.features.has("dtp"));
    if (where === "token") expectTokenError(res, errors, requirement);
    else expectDpopChallenge(ctx, res, errors, requirement);
  };
  // Every mutation kind and value is a case: a rare kind (alg none, HS256 keyed with one
  // encoding of the key) is never left to chance. Then random ones.
  for (const m of mutationExamples(where, keys, dpopAlgs(ctx.target))) {
    await ctx.case(`${where}: ${JSON.stringify(m)}`, () => rejected(m));
  }
  await ctx.property(
    `${where}: random proof mutations`,
    fc.asyncProperty(mutationArb(where, keys, dpopAlgs(ctx.target)), rejected),
    { numRuns },
  );
}
