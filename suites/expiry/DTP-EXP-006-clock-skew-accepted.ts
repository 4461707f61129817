/**
 * DTP-EXP-006 (MUST, DTP; RFC 7519 §4.1.4):
 * "The server MUST accept client-supplied times (DPoP `iat`, signature `created`,
 * assertion `iat` and `exp`) that are off by at most `dtp_clock_skew` seconds in either
 * direction, and MUST apply no skew to the lifetimes of what it issued itself."
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
import { register } from "../../src/client/legacy/device.ts";
import { declaredLifetime, declaredSkew, endpoint } from "../../src/client/legacy/endpoints.ts";
import type { Device } from "../../src/client/legacy/tokens.ts";
import { generateDeviceKey } from "../../src/protocol/index.ts";
import {
  deviceTokens,
  ensureFresh,
  offers,
  provablyValid,
  requestServiceToken,
  serviceClient,
} from "../tokens/_helpers.ts";
import { nowSeconds, sendWithDpopAt, signedReRegistration } from "./_helpers.ts";

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
      await assertionTimes(ctx, future, past, numRuns);
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
  const key = await generateDeviceKey("ed25519");
  const { device } = await deviceTokens(ctx, ID, { key, label: "register (DPoP device)" });
  const url = endpoint(ctx.target, "dtp_resource_endpoint");
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: -(maxAge + past), max: future }), async (offset) => {
      let res = await dpopCall(ctx, device, url, offset);
      // A rejection that may be the access token expiring on a slow machine is retried.
      for (let attempt = 0; res.status === 401 && attempt < 2; attempt++) {
        if (provablyValid(device.tokens, ctx.clock.now())) break;
        res = await dpopCall(ctx, device, url, offset);
      }
      if (res.status === 401 && !provablyValid(device.tokens, ctx.clock.now())) {
        ctx.skip(
          "the DPoP-bound access token kept expiring before the request was judged (too slow a machine, or no refresh_token grant)",
        );
      }
      if (res.status !== 200) {
        fail(
          ID,
          `a DPoP proof with iat ${signed(offset)} s accepted (window: ${maxAge} s + skew ${skew} s in the past, skew in the future)`,
          `status ${res.status}${res.headers["www-authenticate"] ? `, WWW-Authenticate: ${res.headers["www-authenticate"]}` : ""}`,
          res,
        );
      }
    }),
    { ...ctx.fc, numRuns },
  );
}

/** GET /me with a proof whose iat is `offset` seconds off, with a fresh enough token. */
async function dpopCall(ctx: CheckContext, device: Device, url: string, offset: number) {
  await ensureFresh(ctx, device, "DTP-REF-001", 1000);
  return sendWithDpopAt(
    ctx,
    device.dpop!,
    { method: "GET", url, label: `GET /me, DPoP proof iat ${signed(offset)} s` },
    offset,
    device.tokens.accessToken,
  );
}

async function signatureCreated(
  ctx: CheckContext,
  future: number,
  past: number,
  numRuns: number,
): Promise<void> {
  const maxAge = declaredLifetime(ctx.target, "signature_max_age", 300);
  const key = await generateDeviceKey("ed25519");
  const reg = await register(ctx, ID, {
    key,
    label: "register (a key for signed re-registration)",
  });
  await ctx.approval.approve(reg.userCode);
  const device = { clientId: reg.clientId, key };
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: -(maxAge + past), max: future }), async (offset) => {
      const res = await signedReRegistration(
        ctx,
        device,
        offset,
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
    { ...ctx.fc, numRuns },
  );
}

async function assertionTimes(
  ctx: CheckContext,
  future: number,
  past: number,
  numRuns: number,
): Promise<void> {
  const svc = await serviceClient(ctx, ID);
  const maxLifetime = declaredLifetime(ctx.target, "assertion_max_lifetime", 300);
  const arb = fc.oneof(
    // iat in the future by up to the skew (exp later still).
    fc.record({
      which: fc.constant("iat" as const),
      offset: fc.integer({ min: 0, max: future }),
      lifetime: fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
    }),
    // exp in the past by up to the skew.
    fc.record({
      which: fc.constant("exp" as const),
      offset: fc.integer({ min: -past, max: 0 }),
      lifetime: fc.integer({ min: 1, max: Math.max(1, maxLifetime) }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(arb, async ({ which, offset, lifetime }) => {
      const now = nowSeconds(ctx);
      const iat = which === "iat" ? now + offset : now + offset - lifetime;
      const res = await requestServiceToken(ctx, svc, {
        iat,
        lifetime,
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
    { ...ctx.fc, numRuns },
  );
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `${n}`;
}
