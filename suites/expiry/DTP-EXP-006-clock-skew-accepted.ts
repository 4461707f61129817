/**
 * DTP-EXP-006 (MUST, DTP; RFC 7519 §4.1.4):
 * "The server MUST accept client-supplied times (DPoP `iat`, signature `created`, assertion
 * `iat` and `exp`) that are off by at most `dtp_clock_skew` seconds in either direction,
 * and MUST apply no skew to the lifetimes of what it issued itself."
 *
 * This check covers the first half (the second is verified by DTP-EXP-001, DTP-EXP-004 and
 * DTP-POLL-006, which wait no skew on the server's own lifetimes). Properties, for each
 * kind of client-supplied time the target supports:
 *  - DPoP `iat` from `dpop_proof_max_age` + skew in the past to skew in the future: a
 *    DPoP-bound token is accepted at `/me`;
 *  - signature `created` from `signature_max_age` + skew in the past to skew in the future:
 *    a signed re-registration is accepted (200);
 *  - assertion `iat` up to skew in the future, or `exp` up to skew in the past: a service
 *    token is issued.
 * Past offsets stop 2 s and future offsets 1 s short of the limit, so that a clock
 * difference of about a second between kit and server never fails a correct server.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import {
  declaredLifetime,
  declaredSkew,
  endpoint,
  sendSigned,
  signReRegistration,
} from "../../src/client/index.ts";
import {
  approvedDevice,
  nowSeconds,
  offers,
  registeredDevice,
  serviceClient,
} from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-006";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "expiry",
    title:
      "Client-supplied times off by up to dtp_clock_skew are accepted (DPoP iat, created, assertions)",
    specRef: "DTP; RFC 7519 §4.1.4; RFC 9449 §11.1; RFC 7523 §3",
    requires: ["dtp", "device_code", "admin"],
    property: true,
  },
  async run(ctx) {
    const skew = declaredSkew(ctx.target);
    const future = Math.max(0, skew - 1);
    const past = Math.max(0, skew - 2);
    const numRuns = Math.max(5, Math.ceil(ctx.fc.numRuns / 2));
    const tested: string[] = [];

    if (offers(ctx, "dpop", "resource")) {
      tested.push("DPoP iat");
      await dpopIat(ctx, skew, future, past, numRuns);
    }
    if (offers(ctx, "http_signatures")) {
      tested.push("signature created");
      await signatureCreated(ctx, future, past, numRuns);
    }
    if (offers(ctx, "client_credentials")) {
      tested.push("assertion iat/exp");
      await assertionTimes(ctx, skew, future, past, numRuns);
    }
    if (tested.length === 0) {
      ctx.notClaimed(
        "the target offers none of DPoP (with a resource), HTTP signatures, client assertions",
      );
    }
    ctx.note(`accepted within dtp_clock_skew (${skew} s): ${tested.join(", ")}`);
  },
};

async function dpopIat(
  ctx: CheckContext,
  skew: number,
  future: number,
  past: number,
  numRuns: number,
): Promise<void> {
  const maxAge = declaredLifetime(ctx.target, "dpop_proof_max_age", 300);
  const { device, tokens } = await approvedDevice(ctx, {
    kind: "ed25519",
    register: { label: "register (DPoP device)" },
  });
  const url = endpoint(ctx.target, "dtp_resource_endpoint");
  await ctx.property(
    "DPoP proofs with iat off by up to the skew",
    fc.asyncProperty(fc.integer({ min: -(maxAge + past), max: future }), async (offset) => {
      // The access token is kept live by the client's policy (an answer about an expired
      // token would prove nothing).
      const res = await tokens.use((t) =>
        device.dpop!.send(
          ctx,
          { method: "GET", url, label: `GET /me, DPoP proof iat ${signed(offset)} s` },
          { accessToken: t.accessToken, iatOffset: offset },
        ),
      );
      if (res.status !== 200) {
        fail(
          ID,
          `a DPoP proof with iat ${signed(offset)} s accepted (window: ${maxAge} s + skew ${skew} s in the past, skew in the future)`,
          `status ${res.status}${res.headers["www-authenticate"] ? `, WWW-Authenticate: ${res.headers["www-authenticate"]}` : ""}`,
          res,
        );
      }
    }),
    { numRuns },
  );
}

async function signatureCreated(
  ctx: CheckContext,
  future: number,
  past: number,
  numRuns: number,
): Promise<void> {
  const maxAge = declaredLifetime(ctx.target, "signature_max_age", 300);
  const { device, reg } = await registeredDevice(ctx, {
    kind: "ed25519",
    register: { label: "register (a key for signed re-registration)" },
  });
  await ctx.approval.approve(reg.userCode);
  await ctx.property(
    "signatures with created off by up to the skew",
    fc.asyncProperty(fc.integer({ min: -(maxAge + past), max: future }), async (offset) => {
      const now = nowSeconds(ctx);
      const created = now + offset;
      const signed_ = await signReRegistration(device, {
        created,
        expires: Math.max(now, created) + 60,
      });
      const res = await sendSigned(
        device,
        signed_,
        `signed re-registration, created ${signed(offset)} s`,
      );
      if (res.status !== 200) {
        fail(
          ID,
          `a signature with created ${signed(offset)} s accepted (window: signature_max_age ${maxAge} s + skew in the past, skew in the future)`,
          `status ${res.status}: ${res.text.slice(0, 160)}`,
          res,
        );
      }
    }),
    { numRuns },
  );
}

async function assertionTimes(
  ctx: CheckContext,
  skew: number,
  future: number,
  past: number,
  numRuns: number,
): Promise<void> {
  const svc = await serviceClient(ctx);
  const maxLifetime = declaredLifetime(ctx.target, "assertion_max_lifetime", 300);
  // iat in the future by up to the skew (exp later still).
  const iatArm = fc.record({
    which: fc.constant("iat" as const),
    offset: fc.integer({ min: 0, max: future }),
    lifetime: fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
  });
  // exp in the past by up to the skew, 2 s short of it. Under a skew of less than 2 s no
  // past exp keeps that margin (exp = now is already expired by RFC 7519 §4.1.4 once the
  // server's clock ticks): a random seed once failed the reference server this way.
  const expArm = fc.record({
    which: fc.constant("exp" as const),
    offset: fc.integer({ min: -past, max: 0 }),
    lifetime: fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
  });
  const arb = skew >= 2 ? fc.oneof(iatArm, expArm) : iatArm;
  if (skew < 2) ctx.note(`assertion exp in the past not tried: dtp_clock_skew ${skew} s < 2 s`);
  await ctx.property(
    "assertions with iat or exp off by up to the skew",
    fc.asyncProperty(arb, async ({ which, offset, lifetime }) => {
      const now = nowSeconds(ctx);
      const iat = which === "iat" ? now + offset : now + offset - lifetime;
      const res = await svc.send(svc.assertion({ iat, lifetime }), {
        label: `service token, assertion ${which} ${signed(offset)} s (lifetime ${lifetime} s)`,
      });
      if (res.status !== 200) {
        fail(
          ID,
          `a service token for an assertion whose ${which} is ${signed(offset)} s off (within dtp_clock_skew)`,
          describe(res),
          res,
        );
      }
    }),
    { numRuns },
  );
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `${n}`;
}
