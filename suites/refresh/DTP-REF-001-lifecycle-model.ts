/**
 * DTP-REF-001 (MUST, RFC 6749 §6):
 * "A `/token` request with `grant_type=refresh_token`, a valid `refresh_token` and the
 * authentication of the client it was issued to MUST be answered 200 with a token response
 * containing a new access token."
 *
 * DTP-REF-002 (MUST, RFC 9700 §4.14.2):
 * "Every successful refresh MUST rotate the refresh token: the returned `refresh_token`
 * MUST differ from the presented one."
 *
 * DTP-REF-003 (MUST, RFC 9700 §4.14.2):
 * "After a successful refresh, the presented refresh token MUST be dead: presenting it
 * again after the grace period MUST be answered 400 OAuth error `invalid_grant`."
 *
 * DTP-REF-004 (MUST, RFC 9700 §4.14.2):
 * "On a refresh request presenting a refresh token that was already rotated (after
 * `dtp_refresh_token_reuse_grace_period` seconds), the server MUST answer 400
 * `invalid_grant` and MUST revoke every access and refresh token of the same family: the
 * latest refresh token MUST then be answered 400 `invalid_grant` and the family's access
 * tokens 401 `invalid_token` at protected resources."
 *
 * DTP-REV-001 (MUST, RFC 7009 §2, §2.1, §2.2, §2.2.1):
 * "`POST /revoke` with `token` and valid client authentication, for a token issued to that
 * client, MUST be answered 200 and MUST revoke the token; only an access token, at a server
 * that does not support revoking access tokens, may instead be answered 400 OAuth error
 * `unsupported_token_type`."
 *
 * DTP-REV-003 (MUST, RFC 7009 §2.1):
 * "A revocation request for a token issued to another client MUST NOT revoke the token."
 *
 * DTP-REV-004 (MUST, RFC 7009 §2.2):
 * "Revocation MUST take effect immediately: an access token whose revocation was answered
 * 200 MUST be refused at protected resources from the next request on (DTP-RES-005)."
 *
 * DTP-REV-005 (MUST, RFC 7009 §2, §2.1; RFC 6749 §5.2):
 * "The server MUST support revoking refresh tokens: once the revocation of a refresh token
 * issued to the client was answered 200, a refresh with that token MUST be answered 400
 * OAuth error `invalid_grant`."
 *
 * DTP-REV-008 (MAY, RFC 7009 §2.1):
 * "Revoking an access token MAY also revoke the refresh token of its family; clients MUST
 * NOT rely on either behaviour."
 *
 * DTP-REV-010 (MUST, RFC 7662 §2.2):
 * "An introspection response MUST be 200 with an `application/json` object holding a
 * boolean `active`; when `active` is true, the other members it carries MUST describe the
 * token (`scope` a space-separated string of its scopes, `client_id` the client it was
 * issued to, `exp`, `iat` and `nbf` integer seconds since the epoch)."
 *
 * DTP-REV-011 (MUST, RFC 7662 §2.2, §2.3, §4):
 * "A properly formed and authorized introspection request for an unknown, malformed,
 * expired or revoked token, or for a token the caller may not see, MUST be answered 200
 * with `active` false, not with an error."
 *
 * DTP-REV-012 (MUST, RFC 7662 §2.1, §4):
 * "A device MUST be able to introspect its own tokens; introspection by a device of a token
 * issued to another client MUST answer `{"active": false}`, while the admin bearer MUST be
 * able to introspect any token."
 *
 * DTP-RES-001 (MUST, DTP):
 * "`GET /me` with a valid access token or personal token that has scope `me` MUST answer
 * 200 `{"sub", "client_id", "token_kind", "scope"}` where `scope` is an array of the
 * token's scopes."
 *
 * DTP-RES-002 (MUST, DTP):
 * "`sub`, `client_id` and `token_kind` (`device`, `user`, `personal` or `service`) in the
 * `/me` response MUST match the presented token."
 *
 * DTP-RES-005 (MUST, RFC 6750 §3, §3.1):
 * "A protected resource MUST NOT serve a request with a malformed, unknown, wrongly signed
 * or revoked access token, and MUST answer it with a `WWW-Authenticate` challenge
 * (`Bearer`, or `DPoP` for a DPoP-bound token)."
 *
 * Model-based lifecycle: fast-check generates command sequences (register, approve, poll,
 * refresh, reuse an old refresh token, revoke an access or refresh token — by its owner or
 * by another device —, call `/me`, introspect) over two keyless devices and runs them with
 * `fc.asyncModelRun` against a model of what the server must accept and refuse. Device A
 * starts with its tokens (so every sequence exercises the token life cycle); device B
 * starts unregistered. A failure reports the shrunk sequence as numbered steps, each with
 * the HTTP answers it got.
 *
 * The model follows the catalogue: rotation (DTP-REF-001/002), a rotated token is dead and
 * its reuse revokes the family (DTP-REF-003/004, after the declared grace period),
 * revocation is immediate and 200 for anything (DTP-REV-001/002/004), revoking a refresh
 * token kills the family (DTP-REV-005), revoking an access token MAY kill the refresh token
 * (DTP-REV-008: the model then accepts both answers and learns which one the server chose),
 * another client's revocation changes nothing (DTP-REV-003), introspection says active or
 * `{"active": false}` (DTP-REV-010/011/012), `/me` accepts live tokens with the right
 * fields and refuses dead ones with `invalid_token` (DTP-RES-001/002/005). An access token
 * close to its `expires_in` may be accepted or refused.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import { declaredGrace, withRefreshToken } from "../../src/client/index.ts";
import { approvedDevice, newDevice } from "../../src/client/kit/index.ts";
import {
  addPair,
  type Cmd,
  LATEST,
  type Model,
  newDev,
  peekScope,
  type Real,
} from "./_lifecycle.ts";
import {
  Approve,
  CallMe,
  Introspect,
  Poll,
  Refresh,
  Register,
  ReuseOldRefresh,
  Revoke,
} from "./_lifecycle-commands.ts";

const ID = "DTP-REF-001";

/** Token commands favour device A (which starts with tokens); B must first be set up. */
const dev = fc.oneof(
  { arbitrary: fc.constant(0), weight: 4 },
  { arbitrary: fc.constant(1), weight: 1 },
);
/** Which token: mostly the latest one (the interesting one), sometimes an older one. */
const pick = fc.oneof(
  { arbitrary: fc.constant(LATEST), weight: 2 },
  { arbitrary: fc.nat({ max: 7 }), weight: 1 },
);
/** Another device acts in one case out of four. */
const byOther = fc.oneof(
  { arbitrary: fc.constant(false), weight: 3 },
  { arbitrary: fc.constant(true), weight: 1 },
);
const kind = fc.constantFrom("access" as const, "refresh" as const);
const B = 1;

const command: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.constant(new Register(B)), weight: 1 },
  { arbitrary: fc.constant(new Approve(B)), weight: 1 },
  { arbitrary: fc.constant(new Poll(B)), weight: 1 },
  { arbitrary: dev.map((d) => new Refresh(d)), weight: 4 },
  { arbitrary: fc.tuple(dev, pick).map(([d, k]) => new ReuseOldRefresh(d, k)), weight: 3 },
  {
    arbitrary: fc.tuple(dev, kind, pick, byOther).map(([d, t, k, o]) => new Revoke(d, t, k, o)),
    weight: 4,
  },
  { arbitrary: fc.tuple(dev, pick).map(([d, k]) => new CallMe(d, k)), weight: 4 },
  {
    arbitrary: fc.tuple(dev, kind, pick, byOther).map(([d, t, k, o]) => new Introspect(d, t, k, o)),
    weight: 4,
  },
);

export const check: Check = {
  meta: {
    id: ID,
    requirements: [
      ID,
      "DTP-REF-002",
      "DTP-REF-003",
      "DTP-REF-004",
      "DTP-REV-001",
      "DTP-REV-003",
      "DTP-REV-004",
      "DTP-REV-005",
      "DTP-REV-008",
      "DTP-REV-010",
      "DTP-REV-011",
      "DTP-REV-012",
      "DTP-RES-001",
      "DTP-RES-002",
      "DTP-RES-005",
    ],
    level: "MUST",
    area: "refresh",
    title:
      "Model-based token life cycle: register, approve, poll, refresh, reuse, revoke, /me and introspection agree with the model",
    specRef: "RFC 6749 §6; RFC 9700 §4.14.2; RFC 7009; RFC 7662; RFC 6750",
    requires: ["refresh_token", "revocation", "introspection", "resource", "admin"],
    property: true,
    waits: true,
  },
  async run(ctx) {
    const grace = declaredGrace(ctx.target);
    await ctx.property(
      "command sequences against the model",
      fc.asyncProperty(fc.commands([command], { maxCommands: 8 }), async (cmds) => {
        let real: Real | undefined;
        const setup = async (): Promise<{ model: Model; real: Real }> => {
          const started = await startingState(ctx, grace);
          real = started.real;
          return started;
        };
        try {
          await fc.asyncModelRun(setup, cmds);
        } catch (err) {
          throw withSteps(err, real);
        }
      }),
      { numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 6)) },
    );
  },
};

/** Device A starts with its tokens (registered, approved, polled); device B unregistered. */
async function startingState(
  ctx: CheckContext,
  grace: number,
): Promise<{ model: Model; real: Real }> {
  const a = await approvedDevice(ctx, { label: "lcA" });
  const first = withRefreshToken(a.tokens.tokens);
  const b = await newDevice(ctx, { label: "lcB" });
  const model: Model = { devs: [newDev(), newDev()] };
  const real: Real = {
    ctx,
    grace,
    devs: [
      {
        device: a.device,
        clientId: a.device.clientId,
        reg: a.reg,
        access: [],
        refresh: [],
        rotatedAt: [],
      },
      { device: b, clientId: b.clientId, access: [], refresh: [], rotatedAt: [] },
    ],
    steps: ["0. setup: device A registered, approved and polled (access #0, refresh #0)"],
  };
  Object.assign(model.devs[0], { registered: true, approved: true, redeemed: true });
  real.devs[0].scope = first.scope ?? peekScope(first.accessToken);
  addPair(model.devs[0], real.devs[0], first, ctx);
  return { model, real };
}

/** Puts the numbered steps of this run (the shrunk one, in the end) into its failure. */
function withSteps(err: unknown, real: Real | undefined): unknown {
  if (real === undefined || !(err instanceof CheckFailure)) return err;
  const steps = `\nsteps:\n${real.steps.map((s) => `  ${s}`).join("\n")}`;
  return new CheckFailure({
    requirement: err.requirement,
    expected: err.expected,
    actual: `${err.actual}${steps}`,
    evidence: err.evidence,
    ...(err.level !== undefined ? { level: err.level } : {}),
  });
}
