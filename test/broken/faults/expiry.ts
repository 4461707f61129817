/** Lifetimes and clock skew. */
import type { Fault } from "../types.ts";
import { jwtPayload, store, withApp, wrapAll, wrapGrant } from "./_lib.ts";
import { assertionIgnoringExpiry } from "./_verifiers.ts";

const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];
const FAR_FUTURE = 4_000_000_000;

export const expiry: Fault[] = [
  {
    id: "F-EXP-01-access-token-exp-ignored",
    area: "expiry",
    description:
      "Protected resources do not check an access token's exp: an expired access token keeps working.",
    requirement: "DTP-EXP-001",
    catchers: ["DTP-EXP-001"],
    fixture: () =>
      wrapAll((ctx, next) => {
        if (!RESOURCES.includes(ctx.operationId)) return next(ctx);
        const real = ctx.app.signer;
        return next(
          withApp(ctx, {
            signer: {
              ...real,
              verify: (token, now) => {
                const iat = jwtPayload(token)?.iat;
                return real.verify(token, typeof iat === "number" ? iat : now);
              },
            },
          }),
        );
      }),
  },
  {
    id: "F-EXP-02-personal-token-exp-ignored",
    area: "expiry",
    description: "A personal token is accepted after its expires_at.",
    requirement: "DTP-EXP-002",
    catchers: ["DTP-EXP-002"],
    fixture: () =>
      store((base) => ({
        personalTokenByHash: async (hash) => {
          const t = await base.personalTokenByHash(hash);
          return t && { ...t, expiresAt: FAR_FUTURE };
        },
      })),
  },
  {
    id: "F-EXP-03-rotation-extends-lifetime",
    area: "expiry",
    description:
      "Every rotation gives the new refresh token a full lifetime, so a family that keeps refreshing never expires.",
    requirement: "DTP-EXP-003",
    catchers: ["DTP-EXP-003"],
    fixture: () =>
      store((base) => ({
        insertRefreshToken: async (t) => {
          const family = await base.family(t.familyId);
          const lifetime = family ? t.expiresAt - family.createdAt : 0;
          await base.insertRefreshToken({ ...t, expiresAt: t.createdAt + lifetime });
        },
      })),
  },
  {
    id: "F-EXP-04-approved-code-never-expires",
    area: "expiry",
    description:
      "Once approved, a device code no longer expires: it can be redeemed long after expires_in.",
    requirement: "DTP-EXP-004",
    catchers: ["DTP-EXP-004"],
    fixture: () =>
      store((base) => ({
        registrationByDeviceCodeHash: async (hash) => {
          const r = await base.registrationByDeviceCodeHash(hash);
          return r?.status === "approved" ? { ...r, expiresAt: FAR_FUTURE } : r;
        },
      })),
  },
  {
    id: "F-EXP-05-declared-skew-not-applied",
    area: "expiry",
    description:
      "The server declares dtp_clock_skew 5 but applies none: a DPoP proof, signature or assertion a few seconds ahead of its clock is refused.",
    requirement: "DTP-EXP-006",
    catchers: ["DTP-EXP-006"],
    fixture: () =>
      wrapAll((ctx, next) =>
        ctx.operationId === "getMetadata"
          ? next(ctx)
          : next(withApp(ctx, { options: { ...ctx.app.options, clockSkew: 0 } })),
      ),
  },
  {
    id: "F-EXP-06-expired-assertion-accepted",
    area: "expiry",
    description: "A client assertion whose exp has passed is still exchanged for a service token.",
    requirement: "DTP-EXP-005",
    catchers: ["DTP-EXP-005"],
    fixture: () => ({ verifiers: { clientAssertion: assertionIgnoringExpiry } }),
  },
  {
    id: "F-EXP-07-assertion-leeway-beyond-declared-skew",
    area: "expiry",
    description:
      "Client assertions are judged with a minute more clock-skew leeway than the dtp_clock_skew the metadata declares: an assertion expired by the declared skew plus a few seconds still gets a service token.",
    requirement: "DTP-EXP-050",
    catchers: ["DTP-EXP-005"],
    fixture: () =>
      wrapGrant("client_credentials", (ctx, next) =>
        next(
          withApp(ctx, {
            options: { ...ctx.app.options, clockSkew: ctx.app.options.clockSkew + 60 },
          }),
        ),
      ),
  },
];
