/**
 * DTP-EXP-001 (MUST, RFC 6750 §3.1; "Authentication in the API" (private tokens)):
 * "An access token presented after its lifetime (`exp`, or `expires_in` seconds after it
 * was issued) plus at most a small clock-skew leeway (a few minutes, RFC 7519 §4.1.4) MUST
 * be refused at every protected resource as an invalid token (DTP-RES-005)."
 *
 * DTP-EXP-006 (MUST, DTP; RFC 7519 §4.1.4):
 * "The server MUST accept client-supplied times (DPoP `iat`, signature `created`, assertion
 * `iat` and `exp`) that are off by at most `dtp_clock_skew` seconds in either direction,
 * and MUST apply no skew to the lifetimes of what it issued itself."
 *
 * DTP-EXP-006 (MUST, DTP; RFC 7519 §4.1.4), its second half:
 * "... and MUST apply no skew to the lifetimes of what it issued itself."
 *
 * Tokens: a Bearer device token, a DPoP-bound device token (with `dpop`), and a user token
 * (with `login`). Each is shown to work at `/me` first. Then the kit waits until the
 * token's lifetime has passed since it RECEIVED it (plus 2 s for whole-second rounding, no
 * clock skew) and presents each at every protected resource the target offers: `/me`,
 * `/login` (device tokens), and `POST`/`GET`/`DELETE /personal-tokens` (the user token).
 * When the first expired token is still accepted, the kit waits the declared
 * `dtp_clock_skew` more to tell "skew applied to its own tokens" (DTP-EXP-006) from
 * "expiry not enforced" (DTP-EXP-001).
 *
 * Outside DTP (no "dtp" feature) DTP-EXP-006 does not apply: RFC 7519 §4.1.4 lets a server
 * allow some leeway on its own tokens too, so the kit presents them only once the skew
 * allowance (5 s unless declared) has passed as well.
 */

import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectStatus, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  callResource,
  claimsOf,
  type DpopSession,
  declaredLifetime,
  declaredSkew,
  endpointOf,
  loginWith,
  presentToken,
  provablyValid,
  type TokenSet,
} from "../../src/client/index.ts";
import {
  approvedDevice,
  EXPIRY_MARGIN_MS,
  loggedInUser,
  offers,
  requireWait,
  userCredentials,
  waitLifetime,
} from "../../src/client/kit/index.ts";

const ID = "DTP-EXP-001";
const NO_SKEW = "DTP-EXP-006";

interface Held {
  label: string;
  /** The tokens exactly as issued (never renewed: they must expire). */
  tokens: TokenSet;
  /** A device's own token (it is also presented at /login). */
  device?: boolean;
  dpop?: DpopSession | undefined;
  /** The token's lifetime (s): the larger of expires_in and exp − iat. */
  lifetime: number;
}

function lifetimeOf(tokens: TokenSet): number {
  const claims = claimsOf(tokens.accessToken);
  const fromClaims =
    typeof claims?.exp === "number" && typeof claims.iat === "number" ? claims.exp - claims.iat : 0;
  return Math.max(tokens.expiresIn, fromClaims);
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_SKEW],
    level: "MUST",
    area: "expiry",
    title: "An expired access token is answered 401 invalid_token at every protected resource",
    specRef: "RFC 6750 §3.1; RFC 9449 §7.1",
    requires: ["device_code", "admin", "resource"],
    waits: true,
  },
  async run(ctx) {
    // Each token is shown to work at /me as soon as it is issued (the lifetimes are short).
    const [bearer, bound] = await Promise.all([
      approvedDevice(ctx, { register: { label: "register (Bearer device)" } }),
      offers(ctx, "dpop")
        ? approvedDevice(ctx, {
            kind: "ed25519",
            register: { label: "register (DPoP device, ed25519)" },
          }).then(async (r) => {
            await control(ctx, {
              label: "DPoP-bound device token",
              tokens: r.tokens.tokens,
              dpop: r.device.dpop,
            });
            return r;
          })
        : undefined,
    ]);
    const withLogin = offers(ctx, "login", "user_credentials");
    const user = withLogin ? await loggedInUser(ctx, { through: bearer }) : undefined;
    // The login may have refreshed the Bearer device's tokens: hold the latest ones.
    const held: Held[] = [
      {
        label: "Bearer device token",
        tokens: bearer.tokens.tokens,
        device: true,
        lifetime: lifetimeOf(bearer.tokens.tokens),
      },
    ];
    await control(ctx, held[0]!);
    if (bound) {
      held.push({
        label: "DPoP-bound device token",
        tokens: bound.tokens.tokens,
        device: true,
        dpop: bound.device.dpop,
        lifetime: lifetimeOf(bound.tokens.tokens),
      });
    }
    const userHeld: Held | undefined = user && {
      label: "user token",
      tokens: user.tokens.tokens,
      lifetime: lifetimeOf(user.tokens.tokens),
    };
    if (userHeld) {
      held.push(userHeld);
      await control(ctx, userHeld);
    }
    const patUrl = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    const withPat = user !== undefined && patUrl !== undefined;
    const patLifetime = Math.min(60, declaredLifetime(ctx.target, "personal_token_max", 60));
    let patId = "unknown-id";
    if (withPat && userHeld) {
      const created = await presentToken(ctx, userHeld.tokens, undefined, {
        method: "POST",
        url: patUrl,
        json: { name: "expiry check", expires_in: patLifetime, scope: "me" },
        label: "create a personal token (while the user token is valid)",
      });
      const id = (created.body as { id?: unknown } | undefined)?.id;
      if (created.status === 201 && typeof id === "string") patId = id;
      else
        ctx.note(
          `could not create a personal token (${describe(created)}): DELETE uses an unknown id`,
        );
    }

    const leeway = ctx.target.features.has("dtp") ? 0 : declaredSkew(ctx.target);
    const longest = Math.max(
      ...held.map((h) => h.tokens.receivedAt + (h.lifetime + leeway) * 1000),
    );
    requireWait(
      ctx,
      (longest - ctx.clock.now() + EXPIRY_MARGIN_MS) / 1000,
      "dtp_lifetimes.access_token",
    );
    for (const h of held)
      await waitLifetime(
        ctx,
        h.tokens.receivedAt,
        h.lifetime + leeway,
        "dtp_lifetimes.access_token",
      );

    // /me with every token.
    for (const [i, h] of held.entries()) {
      await ctx.case(`GET /me with the ${h.label}`, async () => {
        const res = await callResource(
          ctx,
          h.tokens,
          h.dpop,
          `GET /me with the ${h.label} (expired)`,
        );
        if (i === 0 && res.status === 200 && leeway === 0) await diagnoseAccepted(ctx, h, res);
        expectExpired(res, h);
      });
    }
    // /login with the device tokens.
    if (withLogin) {
      const creds = userCredentials(ctx);
      for (const h of held.filter((x) => x.device)) {
        await ctx.case(`POST /login with the ${h.label}`, async () => {
          const res = await loginWith(
            ctx,
            h.tokens,
            h.dpop,
            { username: creds.username, password: creds.password },
            `POST /login with the ${h.label} (expired)`,
          );
          expectExpired(res, h);
        });
      }
    }
    // The personal-token endpoints with the user token.
    if (withPat && patUrl && userHeld) {
      const requests = [
        {
          method: "POST" as const,
          url: patUrl,
          json: { name: "expired", expires_in: patLifetime, scope: "me" },
          label: "POST /personal-tokens with the user token (expired)",
        },
        {
          method: "GET" as const,
          url: patUrl,
          label: "GET /personal-tokens with the user token (expired)",
        },
        {
          method: "DELETE" as const,
          url: `${patUrl}/${encodeURIComponent(patId)}`,
          label: "DELETE /personal-tokens/{id} with the user token (expired)",
        },
      ];
      for (const req of requests) {
        await ctx.case(req.label, async () => {
          expectExpired(await presentToken(ctx, userHeld.tokens, undefined, req), userHeld);
        });
      }
    }
    ctx.note(
      `expired: ${held.map((h) => h.label).join(", ")}; resources: /me${withLogin ? ", /login" : ""}${withPat ? ", /personal-tokens (POST, GET, DELETE)" : ""}`,
    );
  },
};

/** The token works at /me — judged only while it is certainly still valid. */
async function control(
  ctx: CheckContext,
  h: Pick<Held, "label" | "tokens" | "dpop">,
): Promise<void> {
  const res = await callResource(ctx, h.tokens, h.dpop, `GET /me with the ${h.label} (valid)`);
  if (res.status === 200) return;
  if (provablyValid(h.tokens, ctx.clock.now())) expectStatus(res, 200, ID);
  ctx.note(`the control call with the ${h.label} came too late to judge (slow machine)`);
}

function expectExpired(res: HttpResponse, h: Held): void {
  expectWwwAuthenticate(res, { scheme: h.dpop ? "DPoP" : "Bearer", error: "invalid_token" }, ID);
}

/**
 * The expired token was accepted 2 s after its lifetime: wait the declared skew more and
 * try again, to name the violated requirement.
 */
async function diagnoseAccepted(ctx: CheckContext, h: Held, first: HttpResponse): Promise<never> {
  const skew = declaredSkew(ctx.target);
  const lifetime = h.lifetime;
  const detail = `the ${h.label} (lifetime ${lifetime} s) was accepted at /me ${lifetime + EXPIRY_MARGIN_MS / 1000} s after it was received`;
  if (skew > 0 && skew + 1 <= ctx.waitBudget()) {
    await waitLifetime(ctx, h.tokens.receivedAt, lifetime + skew, "dtp_clock_skew");
    const again = await callResource(
      ctx,
      h.tokens,
      h.dpop,
      `GET /me with the ${h.label} (expired + skew)`,
    );
    if (again.status === 401) {
      fail(
        NO_SKEW,
        "no clock skew applied to the server's own access tokens: 401 invalid_token once exp has passed",
        `${detail}, and rejected only after the declared dtp_clock_skew (${skew} s) more`,
        [first, again],
      );
    }
    fail(
      ID,
      "401 invalid_token for an access token presented after its exp",
      `${detail}, and still ${again.status} after the declared dtp_clock_skew (${skew} s) more`,
      [first, again],
    );
  }
  fail(
    ID,
    "401 invalid_token for an access token presented after its exp",
    `${detail} (no clock skew applies to the server's own tokens, DTP-EXP-006)`,
    first,
  );
}
