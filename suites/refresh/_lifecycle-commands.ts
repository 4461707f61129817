/**
 * The commands of DTP-REF-001's model-based test (fast-check `AsyncCommand`s): each checks
 * its precondition on the model, acts on the real system through the client library, judges
 * the answer against the model, and updates the model.
 */
import {
  describe,
  expectOAuthError,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import { expectActive, expectInactive } from "../../src/check/expect-oauth.ts";
import { callResource, OWNERS, readStepTokens } from "../../src/client/index.ts";
import {
  accessExpectation,
  addPair,
  type Cmd,
  checkMe,
  choose,
  type Model,
  NAMES,
  peekScope,
  pickName,
  type Real,
  status,
  step,
  type Tri,
} from "./_lifecycle.ts";

export class Register implements Cmd {
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
      r.reg = await r.device.register();
      return "200";
    });
    m.devs[this.d]!.registered = true;
  }
  toString() {
    return `register device ${NAMES[this.d]}`;
  }
}

export class Approve implements Cmd {
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

export class Poll implements Cmd {
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
      const res = await r.device.poll(r.reg!, { label: `poll ${NAMES[this.d]}` });
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
      const tokens = readStepTokens(ctx, res, OWNERS.approve, "the poll of an approved code");
      if (tokens.refreshToken === undefined) {
        fail(OWNERS.tokenResponse, "a refresh_token with the device's tokens", "none", res);
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

export class Refresh implements Cmd {
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
      const res = await r.device.refresh(r.refresh[latest]!);
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
      const tokens = readStepTokens(real.ctx, res, "DTP-REF-001", "a refresh");
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

export class ReuseOldRefresh implements Cmd {
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
        const res = await r.device.refresh(r.refresh[i]!);
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

export class Revoke implements Cmd {
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
      const res = await actor.device.revoke(token, undefined, {
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

export class CallMe implements Cmd {
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

export class Introspect implements Cmd {
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
      const res = await actor.device.introspect(token, { label: `introspect ${what} as ${who}` });
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
        expectInactive(res, req, true);
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
