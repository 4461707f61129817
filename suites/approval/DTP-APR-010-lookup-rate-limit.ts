/**
 * DTP-APR-010 (SHOULD, RFC 8628 §5.1):
 * "Failed `user_code` lookups SHOULD be limited per admin credential and source: after
 * `dtp_limits.failed_attempts.user_code.max` (10) failed approve or deny lookups within its
 * `window` (60 seconds) with the same admin credential from one source, further lookups
 * from that source, of a known code too, SHOULD be answered 429 with a problem body and a
 * `Retry-After` header until the window ends (instead of DTP-APR-007's 404), and lookups
 * from other sources SHOULD NOT be refused because of them."
 *
 * DTP-APR-014 (SHOULD, RFC 6749 §10.10; DTP):
 * "A server SHOULD limit wrong admin keys per source (the client's network address): once
 * `dtp_limits.failed_attempts.admin_key.max` requests with a wrong admin key have come from
 * one source within its `window`, further admin requests from that source, with a wrong or
 * the right key, SHOULD be answered 429 with a problem body (`rate-limited`) and a
 * `Retry-After` header until the window ends, instead of DTP-APR-001's 401 (at
 * `/introspect`, instead of DTP-REV-059's 401: OAuth error `temporarily_unavailable`), and
 * requests from other sources SHOULD NOT be refused because of them."
 *
 * DTP-REG-026 (SHOULD, DTP):
 * "A server SHOULD cap the pending, unexpired registrations of one API key at
 * `dtp_limits.pending_registrations`: past the cap, a new registration (not a signed
 * re-registration, which is approved at once) SHOULD be answered 429 OAuth error
 * `temporarily_unavailable` with a `Retry-After` header, and SHOULD be accepted again once
 * one of the pending registrations is decided or expires."
 *
 * In this order (each limit locks out what the next one needs last):
 * 1. DTP-REG-026, when the target declares the cap: registrations until one is answered
 *    429 `temporarily_unavailable` with `Retry-After` (at the latest the cap + 1-th); one of
 *    them denied; the next registration accepted (and denied, to leave a place free).
 * 2. DTP-APR-010: `max` approve/deny requests for unknown user codes (each 404, or already
 *    429 when earlier failures of this credential count too), then an unknown code and the
 *    code of a real pending registration → 429, problem, `Retry-After` in seconds.
 * 3. DTP-APR-014, when the target declares it: `max` list requests with wrong admin keys
 *    (401 each), one more and one with the right key → 429, problem, `Retry-After`.
 * The kit has one source, so "not from other sources" is left to the server's own tests.
 *
 * Opt-in: the kit has one admin credential and one API key, shared by every check. Reaching
 * these limits locks them out for up to a window, which would break the other checks of the
 * run; so this check runs only when DTP_KIT_RATE_LIMIT_CHECKS=1 is set, and should then be
 * run on its own (`DTP_KIT_RATE_LIMIT_CHECKS=1 dtp test --only DTP-APR-010`).
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import {
  describe,
  expectHeader,
  expectOAuthError,
  expectProblem,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { type AdminApi, declaredFailureLimit } from "../../src/client/index.ts";
import { adminApi, newDevice, registeredDevice } from "../../src/client/kit/index.ts";
import { userCode } from "../../src/protocol/random.ts";
import { expectDecision } from "./_helpers.ts";

const ID = "DTP-APR-010";
const APR014 = "DTP-APR-014";
const REG026 = "DTP-REG-026";
export const RATE_LIMIT_OPT_IN = "DTP_KIT_RATE_LIMIT_CHECKS";
/** DTP-APR-010's default when the target declares no user-code limit. */
const LOOKUPS = 10;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, APR014, REG026],
    level: "SHOULD",
    area: "approval",
    title:
      "Failed user-code lookups, wrong admin keys and pending registrations are limited (429 with Retry-After)",
    specRef: "RFC 8628 §5.1; RFC 6749 §10.10",
    requires: ["admin", "device_code"],
  },
  async run(ctx) {
    if (process.env[RATE_LIMIT_OPT_IN] !== "1") {
      ctx.skip(
        `reaching the rate limit locks the admin credential out of approve/deny for up to 60 s and would break the other checks of the run: run it on its own with ${RATE_LIMIT_OPT_IN}=1 dtp test --only ${ID}`,
      );
    }
    const admin = adminApi(ctx);
    await pendingCap(ctx, admin);
    await userCodeLookups(ctx, admin);
    await wrongAdminKeys(ctx, admin);
  },
};

/** 1. DTP-REG-026. */
async function pendingCap(ctx: CheckContext, admin: AdminApi): Promise<void> {
  const cap = (ctx.target.metadata.dtp_limits as { pending_registrations?: unknown } | undefined)
    ?.pending_registrations;
  if (typeof cap !== "number") {
    ctx.note(`${REG026} not tested: the target declares no dtp_limits.pending_registrations`);
    return;
  }
  const started = ctx.clock.now();
  let first: { userCode: string; clientId: string; expiresIn: number } | undefined;
  for (let i = 1; i <= cap + 1; i++) {
    const device = await newDevice(ctx, { label: "reg026" });
    const { clientId } = device;
    const res = await device.sendRegistration({
      label: i === 1 || i > cap ? `register #${i} (cap ${cap})` : `register #${i}`,
    });
    if (res.status === 429) {
      expectOAuthError(res, { status: 429, error: "temporarily_unavailable" }, REG026);
      expectHeader(res, "retry-after", /^[0-9]+$/, REG026, "Retry-After: <seconds>");
      if (!first) fail(REG026, "the first registration accepted", describe(res), res);
      expectDecision(
        await admin.decide("deny", first.userCode),
        { userCode: first.userCode, clientId: first.clientId, status: "denied" },
        ID,
      );
      const againDevice = await newDevice(ctx, { label: "reg026" });
      const again = await againDevice.sendRegistration({
        label: "register once a pending one is decided",
      });
      if (again.status !== 200)
        fail(REG026, "a registration accepted again once one is decided", describe(again), again);
      // Leave a place free for step 2's registration.
      const code = String((again.body as { user_code?: unknown }).user_code);
      expectDecision(
        await admin.decide("deny", code),
        { userCode: code, clientId: againDevice.clientId, status: "denied" },
        ID,
      );
      return;
    }
    if (res.status !== 200)
      fail(REG026, `registration #${i} accepted (200) or 429`, describe(res), res);
    const body = res.body as { user_code?: string; expires_in?: number };
    first ??= { userCode: String(body.user_code), clientId, expiresIn: Number(body.expires_in) };
  }
  if (first && ctx.clock.now() - started >= first.expiresIn * 1000)
    ctx.skip(
      `the first registrations expired before ${cap + 1} could be made: lengthen dtp_lifetimes.device_code (now ${first.expiresIn} s)`,
    );
  fail(
    REG026,
    `429 at the latest for registration #${cap + 1} (cap ${cap})`,
    "every one was accepted",
  );
}

/** 2. DTP-APR-010. */
async function userCodeLookups(ctx: CheckContext, admin: AdminApi): Promise<void> {
  const max = declaredFailureLimit(ctx.target, "user_code")?.max ?? LOOKUPS;
  const { reg: pending } = await registeredDevice(ctx, {
    register: { label: "register (pending)" },
  });
  for (let i = 1; i <= max; i++) {
    const action = i % 2 === 0 ? "deny" : "approve";
    const code = userCode();
    const res = await admin.decide(action, code, {
      label: `failed lookup #${i}: ${action} the unknown user code ${code}`,
      whenLimited: "answer",
    });
    if (res.status !== 404 && res.status !== 429) {
      fail(ID, `failed lookup #${i}: 404 (or 429 once limited)`, describe(res), res);
    }
  }
  const unknown = await admin.decide("approve", userCode(), {
    label: `lookup #${max + 1}: an unknown user code`,
    whenLimited: "answer",
  });
  expectRateLimited(unknown, ID);
  const real = await admin.decide("approve", pending.userCode, {
    label: `lookup #${max + 2}: the pending registration ${pending.userCode}`,
    whenLimited: "answer",
  });
  expectRateLimited(real, ID);
}

/** 3. DTP-APR-014. */
async function wrongAdminKeys(ctx: CheckContext, admin: AdminApi): Promise<void> {
  const limit = declaredFailureLimit(ctx.target, "admin_key");
  if (!limit) {
    ctx.note(`${APR014} not tested: the target declares no dtp_limits.failed_attempts.admin_key`);
    return;
  }
  for (let i = 1; i <= limit.max; i++) {
    const res = await admin.listRegistrations(undefined, {
      authorization: `Bearer dtp-kit-wrong-admin-key-${i}`,
      label: `wrong admin key #${i} of ${limit.max}`,
    });
    if (res.status !== 401) fail(APR014, `wrong admin key #${i}: 401`, describe(res), res);
  }
  expectRateLimited(
    await admin.listRegistrations(undefined, {
      authorization: "Bearer dtp-kit-wrong-admin-key-again",
      label: `wrong admin key #${limit.max + 1}`,
    }),
    APR014,
  );
  expectRateLimited(
    await admin.listRegistrations(undefined, {
      label: "the right admin key, past the limit",
      whenLimited: "answer",
    }),
    APR014,
  );
}

function expectRateLimited(res: HttpResponse, requirement: string): void {
  expectProblem(res, 429, requirement);
  expectHeader(res, "retry-after", /^[0-9]+$/, requirement, "Retry-After: <seconds>");
}
