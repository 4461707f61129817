/**
 * Wrong-actor faults: a server that accepts a real, valid credential it issued to another
 * actor (or of another kind) where one specific credential is required. Made-up values
 * (random tokens, fresh keys) are still refused by these servers, so only the checks'
 * wrong-actor cases (`ctx.wrongActor`, docs/wrong-actor.md) catch them.
 */
import type { JWK } from "jose";
import type { RequestContext, ServerFixture } from "../../../reference-server/index.ts";
import type { DeviceRecord } from "../../../reference-server/store/types.ts";
import {
  activeAccessToken,
  findRefreshToken,
  refreshTokenActive,
} from "../../../reference-server/tokens/active.ts";
import { issueAccessToken } from "../../../reference-server/tokens/issue.ts";
import { verifyClientAssertion } from "../../../src/protocol/assertion.ts";
import { jwkThumbprint } from "../../../src/protocol/jwk.ts";
import { parseRegisteredKey } from "../../../src/protocol/keys.ts";
import type { Fault } from "../types.ts";
import {
  combine,
  jwtHeader,
  presentedToken,
  replyJson,
  store,
  withAcceptedSecret,
  withForm,
  withHeaders,
  withStore,
  wrap,
  wrapAll,
  wrapGrant,
} from "./_lib.ts";

const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];

const ADMIN_OPS = [
  "listRegistrations",
  "approveRegistration",
  "denyRegistration",
  "getDevice",
  "deleteDevice",
];

/**
 * The devices approved through the admin API while the server runs (the faults below look
 * other devices' keys up in it), and the fixture that records them. The fixture wraps
 * approveRegistration, so a fault that wraps it too cannot use this.
 */
function approvedDevices(): { fixture: ServerFixture; devices: Map<string, DeviceRecord> } {
  const devices = new Map<string, DeviceRecord>();
  const fixture = wrap("approveRegistration", async (ctx, next) => {
    const reply = await next(ctx);
    const id = replyJson(reply).client_id;
    const device = typeof id === "string" ? await ctx.app.store.device(id) : undefined;
    if (device) devices.set(device.clientId, device);
    return reply;
  });
  return { fixture, devices };
}

/** The thumbprint of the key in the request's DPoP proof header, if it has one. */
function proofJkt(ctx: RequestContext): string | undefined {
  const proof = ctx.headers.dpop;
  const jwk = typeof proof === "string" ? jwtHeader(proof)?.jwk : undefined;
  if (!jwk || typeof jwk !== "object") return undefined;
  try {
    return jwkThumbprint(jwk as JWK);
  } catch {
    return undefined;
  }
}

export const wrongActor: Fault[] = [
  {
    id: "F-APR-20-issued-token-is-admin",
    area: "approval",
    description:
      "The admin API accepts, besides the admin key, any live access token the server issued (a service, user or device token) as the admin credential.",
    requirement: "DTP-APR-001",
    catchers: ["DTP-APR-001"],
    fixture: () =>
      combine(
        ...ADMIN_OPS.map((op) =>
          wrap(op, async (ctx, next) => {
            const presented = presentedToken(ctx);
            if (!presented || !(await activeAccessToken(ctx.app, presented.token)).ok)
              return next(ctx);
            const admin = withAcceptedSecret(ctx, "admin_key");
            return next(withHeaders(admin.ctx, { authorization: `Bearer ${admin.secret}` }));
          }),
        ),
      ),
  },
  {
    id: "F-SIG-20-key-found-by-keyid",
    area: "signing",
    description:
      "A signed re-registration is verified with the key of whichever approved device its keyid names (the form's public_key is not compared), not the key of the client_id it re-registers: one device can re-register another.",
    requirement: "DTP-SIG-005",
    catchers: ["DTP-SIG-005"],
    fixture: () => {
      const { fixture, devices } = approvedDevices();
      return combine(
        fixture,
        wrap("registerDevice", (ctx, next) => {
          const input = ctx.headers["signature-input"];
          const keyid = /keyid="([^"]+)"/.exec(typeof input === "string" ? input : "")?.[1];
          const owner = [...devices.values()].find((d) => d.jkt === keyid);
          const clientId = ctx.form.client_id;
          if (!owner || owner.clientId === clientId) return next(ctx);
          // The form's public_key is not compared (the signature still covers the body as
          // sent: only the parsed form loses it).
          const { public_key: _key, key_type: _type, ...form } = ctx.form;
          return next(
            withStore(withForm(ctx, form), (base) => ({
              device: async (id) => {
                const d = await base.device(id);
                return d && id === clientId
                  ? { ...d, publicKey: owner.publicKey, keyType: owner.keyType, jkt: owner.jkt }
                  : d;
              },
            })),
          );
        }),
      );
    },
  },
  {
    id: "F-SVC-20-any-service-key-verifies",
    area: "signing",
    description:
      "A client assertion that does not verify with the client's key is tried with the keys of the other approved service clients: any service client can sign as another.",
    requirement: "DTP-SVC-007",
    catchers: ["DTP-SVC-007"],
    fixture: () => {
      const { fixture, devices } = approvedDevices();
      const verify: typeof verifyClientAssertion = async (assertion, options) => {
        const first = await verifyClientAssertion(assertion, options);
        if (first.ok) return first;
        for (const d of devices.values()) {
          if (d.clientType !== "server" || !d.publicKey || !d.keyType) continue;
          const key = parseRegisteredKey(d.publicKey, d.keyType);
          if (!key.ok) continue;
          const other = await verifyClientAssertion(assertion, { ...options, key });
          if (other.ok) return other;
        }
        return first;
      };
      return combine(fixture, { verifiers: { clientAssertion: verify } });
    },
  },
  {
    id: "F-REF-20-any-device-key-refreshes",
    area: "refresh",
    description:
      "Refreshing a DPoP-bound token accepts a proof by the key of any approved device, not only the key the token family is bound to (the new tokens get bound to that key).",
    requirement: "DTP-REF-010",
    catchers: ["DTP-REF-010"],
    fixture: () => {
      const { fixture, devices } = approvedDevices();
      return combine(
        fixture,
        wrapGrant("refresh_token", (ctx, next) => {
          const jkt = proofJkt(ctx);
          if (!jkt || ![...devices.values()].some((d) => d.jkt === jkt)) return next(ctx);
          return next(
            withStore(ctx, (base) => ({
              family: async (id) => {
                const f = await base.family(id);
                return f && f.jkt !== null ? { ...f, jkt } : f;
              },
            })),
          );
        }),
      );
    },
  },
  {
    id: "F-LOGIN-20-refresh-token-as-bearer",
    area: "login",
    description:
      "/login looks the bearer token up among refresh tokens too: a device's live refresh token is accepted as its access token.",
    requirement: "DTP-LOGIN-009",
    catchers: ["DTP-LOGIN-009"],
    fixture: () =>
      wrap("login", async (ctx, next) => {
        const presented = presentedToken(ctx);
        const found = presented ? await findRefreshToken(ctx.app, presented.token) : undefined;
        if (!found || !(await refreshTokenActive(ctx.app, found)) || found.family.jkt !== null)
          return next(ctx);
        const { family } = found;
        const access = await issueAccessToken(ctx.app, {
          clientId: family.clientId,
          deviceUid: family.deviceUid,
          sub: family.sub,
          kind: family.kind,
          scope: family.scope,
          jkt: null,
          familyId: family.id,
        });
        return next(withHeaders(ctx, { authorization: `Bearer ${access.token}` }));
      }),
  },
  {
    id: "F-PAT-20-any-user-revokes",
    area: "personal-tokens",
    description:
      "DELETE /personal-tokens/{id} revokes the token with that id whoever owns it: any user can revoke another user's personal tokens.",
    requirement: "DTP-PAT-011",
    catchers: ["DTP-PAT-010"],
    fixture: () => {
      const owners = new Map<string, string>();
      return store((base) => ({
        insertPersonalToken: async (t) => {
          owners.set(t.id, t.sub);
          await base.insertPersonalToken(t);
        },
        revokePersonalToken: (id, sub, now) =>
          base.revokePersonalToken(id, owners.get(id) ?? sub, now),
      }));
    },
  },
  {
    id: "F-ERR-20-admin-key-is-api-key",
    area: "errors",
    description:
      "Client authentication accepts the admin key as well as the API key: the administrator's credential works as any client's secret.",
    requirement: "DTP-ERR-003",
    catchers: ["DTP-ERR-003"],
    fixture: () =>
      store((base) => ({
        secretHashes: async (kind) =>
          kind === "api_key"
            ? [...(await base.secretHashes(kind)), ...(await base.secretHashes("admin_key"))]
            : base.secretHashes(kind),
      })),
  },
  {
    id: "F-DPOP-20-any-bound-key-at-resource",
    area: "signing",
    description:
      "At the resource, a proof by a key that another live token is bound to is accepted for any DPoP-bound token (a made-up key is still refused): one device's key works with another's token.",
    requirement: "DTP-DPOP-013",
    catchers: ["DTP-DPOP-013"],
    fixture: () => {
      const bound = new Set<string>();
      return wrapAll(async (ctx, next) => {
        const jkt = proofJkt(ctx);
        if (ctx.operationId === "token") {
          const reply = await next(ctx);
          if (jkt && reply.status === 200 && replyJson(reply).token_type === "DPoP") bound.add(jkt);
          return reply;
        }
        if (!RESOURCES.includes(ctx.operationId) || !jkt || !bound.has(jkt)) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            accessToken: async (jti) => {
              const t = await base.accessToken(jti);
              return t && t.jkt !== null ? { ...t, jkt } : t;
            },
          })),
        );
      });
    },
  },
];
