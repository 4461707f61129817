/**
 * DTP-REF-001 (MUST, RFC 6749 §6; RFC 9700 §4.14.2):
 * "A `/token` request with `grant_type=refresh_token`, a valid `refresh_token` and the
 * authentication of the client it was issued to MUST be answered 200 with a token
 * response containing a new access token and a new refresh token."
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
import {
  describe,
  expectJson,
  expectOAuthError,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import { CheckFailure } from "../../src/check/failure.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  basicAuth,
  callResource,
  clientSecret,
  endpoint,
  type Holder,
  obtainDeviceTokens,
  peekJwt,
  poll,
  type Registration,
  readTokens,
  refresh,
  register,
  type TokenSet,
} from "../../src/client/legacy/index.ts";
import {
  aliveUntil,
  declaredGrace,
  expectActive,
  expectInactive,
  introspectAs,
  scopeSet,
} from "./_helpers.ts";

const ID = "DTP-REF-001";
const NAMES = ["A", "B"] as const;

// ——— the model ———

/** What the server must do with a token: accept it, refuse it, or either (not decided). */
type Tri = "alive" | "dead" | "maybe";

interface DevModel {
  registered: boolean;
  approved: boolean;
  /** Polled once while pending. */
  pendingPolled: boolean;
  /** Polled too close to the device code's expiry: out of the sequence. */
  codeExpired: boolean;
  /** The device code was redeemed: the device holds a token family. */
  redeemed: boolean;
  /** One entry per access token issued, in order: revoked individually? */
  access: { revoked: boolean }[];
  /** Refresh tokens issued, in order; all but the last one were rotated. */
  refreshCount: number;
  /** The latest refresh token. */
  refreshState: Tri;
  /** The family's access tokens (on top of individual revocation). */
  accessFamily: Tri;
}

interface Model {
  devs: [DevModel, DevModel];
}

// ——— the real system ———

interface RealDev {
  clientId: string;
  reg?: Registration;
  registeredAt?: number;
  lastPollAt?: number;
  access: TokenSet[];
  refresh: string[];
  /** When each refresh token was rotated (ms), by index. */
  rotatedAt: number[];
  scope?: string | undefined;
}

interface Real {
  ctx: CheckContext;
  grace: number;
  devs: [RealDev, RealDev];
  /** The numbered log of steps and HTTP answers. */
  steps: string[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Runs one step, logging "n. text → answers"; a failure marks the step. */
async function step(real: Real, text: string, fn: () => Promise<string>): Promise<void> {
  const n = real.steps.length; // step 0 is the setup
  try {
    const outcome = await fn();
    real.steps.push(`${n}. ${text} → ${outcome}`);
  } catch (err) {
    real.steps.push(`${n}. ${text} → FAILED HERE`);
    throw err;
  }
}

const status = (res: HttpResponse): string => {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  const challenge = res.headers["www-authenticate"];
  if (typeof error === "string") return `${res.status} ${error}`;
  const m = challenge ? /error="([^"]+)"/.exec(challenge) : null;
  return m ? `${res.status} ${m[1]}` : `${res.status}`;
};

const newDev = (): DevModel => ({
  registered: false,
  approved: false,
  pendingPolled: false,
  codeExpired: false,
  redeemed: false,
  access: [],
  refreshCount: 0,
  refreshState: "alive",
  accessFamily: "alive",
});

/** Adds a token pair to both sides (after a successful poll or refresh). */
function addPair(m: DevModel, r: RealDev, tokens: TokenSet, ctx: CheckContext): void {
  m.access.push({ revoked: false });
  r.access.push(tokens);
  if (m.refreshCount > 0) r.rotatedAt[m.refreshCount - 1] = ctx.clock.now();
  m.refreshCount++;
  r.refresh.push(tokens.refreshToken!);
}

/** Expected answer for access token `i` of a device. */
function accessExpectation(ctx: CheckContext, m: DevModel, r: RealDev, i: number): Tri {
  if (m.access[i]!.revoked || m.accessFamily === "dead") return "dead";
  if (m.accessFamily === "maybe") return "maybe";
  return ctx.clock.now() <= aliveUntil(r.access[i]!) ? "alive" : "maybe";
}

// ——— commands ———

class Register implements Cmd {
  readonly d: number;
  constructor(d: number) {
    this.d = d;
  }
  check(m: Readonly<Model>) {
    return !m.devs[this.d]!.registered;
  }
  async run(m: Model, real: Real) {
    const r = real.devs[this.d]!;
    await step(real, this.toString(), async () => {
      r.registeredAt = real.ctx.clock.now();
      r.reg = await register(real.ctx, "DTP-REG-001", { clientId: r.clientId });
      return "200";
    });
    m.devs[this.d]!.registered = true;
  }
  toString() {
    return `register device ${NAMES[this.d]}`;
  }
}

class Approve implements Cmd {
  readonly d: number;
  constructor(d: number) {
    this.d = d;
  }
  check(m: Readonly<Model>) {
    const dm = m.devs[this.d]!;
    return dm.registered && !dm.approved;
  }
  async run(m: Model, real: Real) {
    const r = real.devs[this.d]!;
    await step(real, this.toString(), async () => {
      await real.ctx.approval.approve(r.reg!.userCode);
      return "approved";
    });
    m.devs[this.d]!.approved = true;
  }
  toString() {
    return `approve device ${NAMES[this.d]}`;
  }
}

class Poll implements Cmd {
  readonly d: number;
  constructor(d: number) {
    this.d = d;
  }
  check(m: Readonly<Model>) {
    const dm = m.devs[this.d]!;
    // One poll while pending at most (more would only test slow_down, the polling suite's job).
    return dm.registered && !dm.redeemed && !dm.codeExpired && (dm.approved || !dm.pendingPolled);
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const { ctx } = real;
    await step(real, this.toString(), async () => {
      if (r.lastPollAt !== undefined) {
        // Honour the interval since the previous poll (no slow_down).
        const wait = r.lastPollAt + r.reg!.interval * 1000 + 100 - ctx.clock.now();
        if (wait > 0) await ctx.clock.sleep(wait);
      }
      const res = await poll(ctx, r.reg!, { label: `poll ${NAMES[this.d]}` });
      r.lastPollAt = ctx.clock.now();
      if (r.lastPollAt >= r.registeredAt! + (r.reg!.expiresIn - 1) * 1000) {
        // Too close to the device code's expiry to say what the answer must be (the
        // expiry suite checks expired_token): the device drops out of the sequence.
        dm.codeExpired = true;
        return `${status(res)} (the device code's ${r.reg!.expiresIn} s were nearly over)`;
      }
      if (!dm.approved) {
        expectOAuthError(res, { status: 400, error: "authorization_pending" }, "DTP-POLL-001");
        dm.pendingPolled = true;
        return status(res);
      }
      const tokens = readTokens(ctx, res, "DTP-APR-004");
      if (tokens.refreshToken === undefined) {
        fail("DTP-APR-004", "a refresh_token with the device's tokens", "none", res);
      }
      r.scope = tokens.scope ?? peekScope(tokens.accessToken);
      addPair(dm, r, tokens, ctx);
      dm.redeemed = true;
      return "200 tokens";
    });
  }
  toString() {
    return `poll device ${NAMES[this.d]}`;
  }
}

class Refresh implements Cmd {
  readonly d: number;
  constructor(d: number) {
    this.d = d;
  }
  check(m: Readonly<Model>) {
    return m.devs[this.d]!.redeemed;
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const latest = dm.refreshCount - 1;
    await step(real, `${this.toString()} (refresh token #${latest})`, async () => {
      const res = await refresh(real.ctx, holder(r), r.refresh[latest]!);
      const expected = dm.refreshState;
      if (expected === "dead") {
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, "DTP-REF-004");
        return status(res);
      }
      if (expected === "maybe" && res.status !== 200) {
        // DTP-REV-008: revoking an access token may have taken the refresh token with it.
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, "DTP-REV-008");
        dm.refreshState = "dead";
        return `${status(res)} (the server revoked the refresh token with the access token)`;
      }
      const tokens = readTokens(real.ctx, res, "DTP-REF-001");
      if (tokens.refreshToken === undefined) {
        fail("DTP-REF-001", "a new refresh_token", "none", res);
      }
      if (r.refresh.includes(tokens.refreshToken)) {
        fail("DTP-REF-002", "a refresh_token never issued before", "one issued before", res);
      }
      if (expected === "maybe") {
        dm.refreshState = "alive";
        if (dm.accessFamily === "maybe") dm.accessFamily = "alive";
      }
      addPair(dm, r, tokens, real.ctx);
      return `200 (access #${dm.access.length - 1}, refresh #${dm.refreshCount - 1})`;
    });
  }
  toString() {
    return `refresh device ${NAMES[this.d]}`;
  }
}

class ReuseOldRefresh implements Cmd {
  readonly d: number;
  readonly k: number;
  constructor(d: number, k: number) {
    this.d = d;
    this.k = k;
  }
  check(m: Readonly<Model>) {
    return m.devs[this.d]!.refreshCount >= 2;
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const i = choose(this.k, dm.refreshCount - 1);
    const { ctx } = real;
    await step(
      real,
      `present device ${NAMES[this.d]}'s rotated refresh token #${i} again`,
      async () => {
        let waited = "";
        if (real.grace > 0) {
          const wait = r.rotatedAt[i]! + real.grace * 1000 + 1000 - ctx.clock.now();
          if (wait > 0) {
            if (wait > ctx.waitBudget() * 1000) {
              ctx.skip(
                `the declared dtp_refresh_token_reuse_grace_period (${real.grace} s) does not fit --max-wait`,
              );
            }
            await ctx.clock.sleep(wait);
            waited = ` (after the ${real.grace} s grace period)`;
          }
        }
        const res = await refresh(ctx, holder(r), r.refresh[i]!);
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, "DTP-REF-003");
        return `${status(res)}${waited}`;
      },
    );
    // DTP-REF-004: the whole family is revoked.
    dm.refreshState = "dead";
    dm.accessFamily = "dead";
  }
  toString() {
    return `reuse device ${NAMES[this.d]}'s rotated refresh token (${pickName(this.k)})`;
  }
}

class Revoke implements Cmd {
  readonly d: number;
  readonly kind: "access" | "refresh";
  readonly k: number;
  readonly byOther: boolean;
  constructor(d: number, kind: "access" | "refresh", k: number, byOther: boolean) {
    this.d = d;
    this.kind = kind;
    this.k = k;
    this.byOther = byOther;
  }
  check(m: Readonly<Model>) {
    return m.devs[this.d]!.redeemed && (!this.byOther || m.devs[1 - this.d]!.redeemed);
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const actor = real.devs[this.byOther ? 1 - this.d : this.d]!;
    const i = this.kind === "access" ? choose(this.k, dm.access.length) : dm.refreshCount - 1;
    const token = this.kind === "access" ? r.access[i]!.accessToken : r.refresh[i]!;
    const what = `device ${NAMES[this.d]}'s ${this.kind} token #${i}${this.kind === "refresh" ? " (latest)" : ""}`;
    const who = `device ${NAMES[this.byOther ? 1 - this.d : this.d]}`;
    await step(real, `revoke ${what} as ${who}`, async () => {
      const res = await real.ctx.http.request({
        method: "POST",
        url: endpoint(real.ctx.target, "revocation_endpoint"),
        headers: {
          authorization: basicAuth(actor.clientId, clientSecret(real.ctx.target, actor.clientId)),
        },
        form: { token },
        label: `revoke ${what} as ${who}`,
      });
      const req = this.byOther ? "DTP-REV-003" : "DTP-REV-001";
      expectStatus(res, 200, req);
      if (res.text.trim() !== "") fail(req, "an empty body", JSON.stringify(res.text), res);
      if (this.byOther || this.kind === "refresh") return "200";
      // DTP-REV-004: refused from the very next request on.
      const me = await callResource(real.ctx, r.access[i]!, undefined, "GET /me right after");
      expectWwwAuthenticate(me, { scheme: "Bearer", error: "invalid_token" }, "DTP-REV-004");
      return `200, then GET /me → ${status(me)}`;
    });
    if (this.byOther) return; // DTP-REV-003: another client's token is left alone.
    if (this.kind === "refresh") {
      // DTP-REV-005: the family goes.
      dm.refreshState = "dead";
      dm.accessFamily = "dead";
    } else {
      // DTP-REV-001/004: this token goes; DTP-REV-008: the family's refresh token may go.
      dm.access[i]!.revoked = true;
      if (dm.refreshState === "alive") dm.refreshState = "maybe";
      if (dm.accessFamily === "alive") dm.accessFamily = "maybe";
    }
  }
  toString() {
    return `revoke device ${NAMES[this.d]}'s ${this.kind} token${this.kind === "access" ? ` (${pickName(this.k)})` : ""}${this.byOther ? " as the other device" : ""}`;
  }
}

class CallMe implements Cmd {
  readonly d: number;
  readonly k: number;
  constructor(d: number, k: number) {
    this.d = d;
    this.k = k;
  }
  check(m: Readonly<Model>) {
    return m.devs[this.d]!.redeemed;
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const i = choose(this.k, dm.access.length);
    const { ctx } = real;
    await step(real, `GET /me with device ${NAMES[this.d]}'s access token #${i}`, async () => {
      const expected = accessExpectation(ctx, dm, r, i);
      const tokens = r.access[i]!;
      const res = await callResource(ctx, tokens, undefined, `GET /me (${NAMES[this.d]} #${i})`);
      if (expected === "dead" || (expected === "maybe" && res.status !== 200)) {
        const req = dm.access[i]!.revoked ? "DTP-REV-004" : "DTP-REV-005";
        expectWwwAuthenticate(res, { scheme: "Bearer", error: "invalid_token" }, req);
        return status(res);
      }
      if (expected === "alive" && res.status !== 200) {
        fail("DTP-RES-001", "status 200 for a live access token", describe(res), res);
      }
      checkMe(res, r, tokens);
      if (dm.accessFamily === "maybe") dm.accessFamily = "alive";
      return "200";
    });
  }
  toString() {
    return `GET /me with device ${NAMES[this.d]}'s access token (${pickName(this.k)})`;
  }
}

class Introspect implements Cmd {
  readonly d: number;
  readonly kind: "access" | "refresh";
  readonly k: number;
  readonly byOther: boolean;
  constructor(d: number, kind: "access" | "refresh", k: number, byOther: boolean) {
    this.d = d;
    this.kind = kind;
    this.k = k;
    this.byOther = byOther;
  }
  check(m: Readonly<Model>) {
    return m.devs[this.d]!.redeemed && (!this.byOther || m.devs[1 - this.d]!.redeemed);
  }
  async run(m: Model, real: Real) {
    const dm = m.devs[this.d]!;
    const r = real.devs[this.d]!;
    const { ctx } = real;
    const count = this.kind === "access" ? dm.access.length : dm.refreshCount;
    const i = choose(this.k, count);
    const token = this.kind === "access" ? r.access[i]!.accessToken : r.refresh[i]!;
    const actor = real.devs[this.byOther ? 1 - this.d : this.d]!;
    const what = `device ${NAMES[this.d]}'s ${this.kind} token #${i}`;
    const who = `device ${NAMES[this.byOther ? 1 - this.d : this.d]}`;
    await step(real, `introspect ${what} as ${who}`, async () => {
      const res = await introspectAs(ctx, actor.clientId, token, `introspect ${what} as ${who}`);
      let expected: Tri;
      if (this.byOther)
        expected = "dead"; // DTP-REV-012: not the caller's token.
      else if (this.kind === "access") expected = accessExpectation(ctx, dm, r, i);
      else if (i < dm.refreshCount - 1) {
        // Rotated: dead once the grace period is over (DTP-REF-003).
        const graceOver = ctx.clock.now() > r.rotatedAt[i]! + real.grace * 1000 + 1000;
        expected = real.grace === 0 || graceOver ? "dead" : "maybe";
      } else expected = dm.refreshState;
      const body = (res.body ?? {}) as { active?: unknown };
      const req = this.byOther ? "DTP-REV-012" : "DTP-REV-011";
      if (expected === "dead" || (expected === "maybe" && body.active !== true)) {
        expectInactive(res, req);
        return "200 active:false";
      }
      const info = expectActive(res, "DTP-REV-010");
      for (const [field, want] of [
        ["client_id", r.clientId],
        ["dtp_kind", "device"],
      ] as const) {
        if (info[field] !== want) {
          fail(
            "DTP-REV-010",
            `"${field}": ${JSON.stringify(want)}`,
            `"${field}": ${JSON.stringify(info[field])}`,
            res,
          );
        }
      }
      return "200 active:true";
    });
  }
  toString() {
    return `introspect device ${NAMES[this.d]}'s ${this.kind} token (${pickName(this.k)})${this.byOther ? " as the other device" : ""}`;
  }
}

// ——— helpers ———

/** A pick of {@link LATEST} is the last of `count` items; any other the pick modulo count. */
const LATEST = -1;
function pickName(k: number): string {
  return k === LATEST ? "the latest" : `pick ${k}`;
}
function choose(k: number, count: number): number {
  return k === LATEST ? count - 1 : k % count;
}

function holder(r: RealDev): Holder {
  return { clientId: r.clientId };
}

function peekScope(accessToken: string): string | undefined {
  const s = peekJwt(accessToken)?.scope;
  return typeof s === "string" ? s : undefined;
}

/** DTP-RES-001/002: the `/me` body names the token's subject, client, kind and scopes. */
function checkMe(res: HttpResponse, r: RealDev, tokens: TokenSet): void {
  const body = expectJson(res, "DTP-RES-001");
  const claims = peekJwt(tokens.accessToken);
  const sub = typeof claims?.sub === "string" ? claims.sub : r.clientId;
  const want: Record<string, unknown> = { sub, client_id: r.clientId, token_kind: "device" };
  for (const [field, value] of Object.entries(want)) {
    if (body[field] !== value) {
      fail(
        "DTP-RES-002",
        `"${field}": ${JSON.stringify(value)}`,
        `"${field}": ${JSON.stringify(body[field])}`,
        res,
      );
    }
  }
  const scope = body.scope;
  if (!Array.isArray(scope) || !scope.every((s) => typeof s === "string")) {
    fail("DTP-RES-001", '"scope" as an array of strings', JSON.stringify(scope), res);
  }
  const granted = tokens.scope ?? r.scope;
  if (granted !== undefined && scopeSet(scope.join(" ")) !== scopeSet(granted)) {
    fail("DTP-RES-002", `"scope" = the token's scopes (${granted})`, JSON.stringify(scope), res);
  }
}

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
    const grace = declaredGrace(ctx);
    await fc.assert(
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
      { ...ctx.fc, numRuns: Math.max(3, Math.ceil(ctx.fc.numRuns / 6)) },
    );
  },
};

/** Device A starts with its tokens (registered, approved, polled); device B unregistered. */
async function startingState(
  ctx: CheckContext,
  grace: number,
): Promise<{ model: Model; real: Real }> {
  const a = await obtainDeviceTokens(ctx, "DTP-APR-004", { clientId: ctx.clientId("lcA") });
  if (a.tokens.refreshToken === undefined) {
    fail("DTP-TOK-001", "a refresh_token with the device's tokens", "none", a.tokens.res);
  }
  const model: Model = { devs: [newDev(), newDev()] };
  const real: Real = {
    ctx,
    grace,
    devs: [
      { clientId: a.clientId, reg: a, access: [], refresh: [], rotatedAt: [] },
      { clientId: ctx.clientId("lcB"), access: [], refresh: [], rotatedAt: [] },
    ],
    steps: ["0. setup: device A registered, approved and polled (access #0, refresh #0)"],
  };
  Object.assign(model.devs[0], { registered: true, approved: true, redeemed: true });
  real.devs[0].scope = a.tokens.scope ?? peekScope(a.tokens.accessToken);
  addPair(model.devs[0], real.devs[0], a.tokens, ctx);
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
