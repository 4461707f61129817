/** DPoP (RFC 9449) at the token endpoint and at protected resources. */

import type { JWK } from "jose";
import { ChallengeError } from "../../../reference-server/errors.ts";
import type { RequestContext } from "../../../reference-server/index.ts";
import { jwkThumbprint } from "../../../src/protocol/jwk.ts";
import type { Fault } from "../types.ts";
import {
  DEVICE_CODE_GRANT,
  jwtHeader,
  jwtPayload,
  presentedToken,
  replyJson,
  store,
  withApp,
  withJson,
  withStore,
  wrap,
  wrapAll,
  wrapGrant,
} from "./_lib.ts";
import {
  dpopAcceptingHs256,
  dpopAcceptingNone,
  dpopHtuByteForByte,
  dpopIgnoringAth,
  dpopIgnoringHtm,
  dpopIgnoringIat,
  dpopWideWindow,
} from "./_verifiers.ts";

const RESOURCES = [
  "getMe",
  "login",
  "createPersonalToken",
  "listPersonalTokens",
  "revokePersonalToken",
];

/** The thumbprint of the request's DPoP proof key, if it has one. */
function proofJkt(ctx: RequestContext): string | undefined {
  const proof = ctx.headers.dpop;
  const jwk = typeof proof === "string" ? jwtHeader(proof)?.jwk : undefined;
  try {
    return jwk && typeof jwk === "object" ? jwkThumbprint(jwk as JWK) : undefined;
  } catch {
    return undefined;
  }
}

export const dpop: Fault[] = [
  {
    id: "F-DPOP-01-jti-not-tracked",
    area: "signing",
    description:
      "DPoP proof jti values are not recorded: a captured proof can be replayed (at /token and at the resource) while its iat is in the window.",
    requirement: "DTP-DPOP-010",
    catchers: ["DTP-DPOP-010"],
    fixture: () =>
      store((base) => ({
        consumeOnce: async (kind, value, expiresAt) =>
          kind === "dpop_jti" ? true : await base.consumeOnce(kind, value, expiresAt),
      })),
  },
  {
    id: "F-DPOP-02-replay-key-unnormalised-htu",
    area: "signing",
    description:
      "The DPoP replay cache is keyed by the proof's htu as sent plus its jti: the same jti with another spelling of the same URL (upper-case scheme or host, explicit default port) is accepted again.",
    requirement: "DTP-DPOP-010",
    catchers: ["DTP-DPOP-010"],
    fixture: () =>
      wrapAll((ctx, next) => {
        const proof = ctx.headers.dpop;
        const htu = typeof proof === "string" ? jwtPayload(proof)?.htu : undefined;
        if (typeof htu !== "string") return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            consumeOnce: async (kind, value, expiresAt) =>
              await base.consumeOnce(
                kind,
                kind === "dpop_jti" ? `${htu} ${value}` : value,
                expiresAt,
              ),
          })),
        );
      }),
  },
  {
    id: "F-DPOP-03-alg-none-accepted",
    area: "signing",
    description:
      'An unsigned DPoP proof (alg "none") is accepted: the JWT library trusts the header\'s alg.',
    requirement: "DTP-DPOP-005",
    catchers: ["DTP-DPOP-003", "DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopAcceptingNone } }),
  },
  {
    id: "F-DPOP-04-hs256-with-public-key-accepted",
    area: "signing",
    description:
      "A DPoP proof signed HS256 with the proof's own public key (PEM) as the HMAC secret is accepted: key confusion in the JWT library.",
    requirement: "DTP-DPOP-005",
    catchers: ["DTP-DPOP-003", "DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopAcceptingHs256 } }),
  },
  {
    id: "F-DPOP-05-htm-not-checked",
    area: "signing",
    description: "The proof's htm is not compared with the request method.",
    requirement: "DTP-DPOP-007",
    catchers: ["DTP-DPOP-003", "DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopIgnoringHtm } }),
  },
  {
    id: "F-DPOP-06-iat-not-checked",
    area: "signing",
    description:
      "The proof's iat is not checked: proofs from long ago or from the future are accepted.",
    requirement: "DTP-DPOP-009",
    catchers: ["DTP-DPOP-003", "DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopIgnoringIat } }),
  },
  {
    id: "F-DPOP-07-ath-not-checked",
    area: "signing",
    description:
      "At the resource the proof's ath is not checked: a proof made for another access token (or none) is accepted.",
    requirement: "DTP-DPOP-012",
    catchers: ["DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopIgnoringAth } }),
  },
  {
    id: "F-DPOP-08-any-nonce-accepted",
    area: "signing",
    description:
      "The server requires a DPoP nonce but accepts any value: a proof with a made-up or stale nonce is not answered use_dpop_nonce.",
    requirement: "DTP-DPOP-017",
    catchers: ["DTP-DPOP-017"],
    fixture: () => store(() => ({ dpopNonceValid: async () => true })),
  },
  {
    id: "F-DPOP-09-bound-token-typed-bearer",
    area: "signing",
    description:
      "Token responses for DPoP-bound tokens say token_type Bearer (the token carries cnf.jkt).",
    requirement: "DTP-DPOP-011",
    catchers: ["DTP-DPOP-011"],
    fixture: () =>
      wrap("token", async (ctx, next) => {
        const reply = await next(ctx);
        const body = replyJson(reply);
        return body.token_type === "DPoP"
          ? withJson(reply, { ...body, token_type: "Bearer" })
          : reply;
      }),
  },
  {
    id: "F-DPOP-10-bound-token-accepted-as-bearer",
    area: "signing",
    description:
      "A DPoP-bound access token presented with the Bearer scheme (no proof) is accepted at protected resources.",
    requirement: "DTP-DPOP-014",
    catchers: ["DTP-DPOP-014"],
    fixture: () =>
      wrapAll((ctx, next) => {
        if (!RESOURCES.includes(ctx.operationId) || presentedToken(ctx)?.scheme !== "bearer")
          return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            accessToken: async (jti) => {
              const t = await base.accessToken(jti);
              return t && { ...t, jkt: null };
            },
          })),
        );
      }),
  },
  {
    id: "F-DPOP-11-registered-key-not-enforced",
    area: "signing",
    description:
      "For a device with a registered key, the device-code poll does not require a DPoP proof by that key: without a proof it gets Bearer tokens, with another key's proof tokens bound to that key.",
    requirement: "DTP-DPOP-001",
    catchers: ["DTP-DPOP-001"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, (ctx, next) => {
        return next(
          withStore(ctx, (base) => ({
            registrationByDeviceCodeHash: async (hash) => {
              const r = await base.registrationByDeviceCodeHash(hash);
              return r && { ...r, jkt: null };
            },
          })),
        );
      }),
  },
  {
    id: "F-DPOP-12-cnf-not-compared",
    area: "signing",
    description:
      "At the resource, a valid proof is accepted whatever its key: the proof key's thumbprint is not compared with the token's cnf.jkt.",
    requirement: "DTP-DPOP-013",
    catchers: ["DTP-DPOP-013"],
    fixture: () =>
      wrapAll((ctx, next) => {
        const jkt = proofJkt(ctx);
        if (!RESOURCES.includes(ctx.operationId) || jkt === undefined) return next(ctx);
        return next(
          withStore(ctx, (base) => ({
            accessToken: async (jti) => {
              const t = await base.accessToken(jti);
              return t && t.jkt !== null ? { ...t, jkt } : t;
            },
          })),
        );
      }),
  },
  {
    id: "F-DPOP-13-nonce-demanded-though-not-required",
    area: "signing",
    description:
      "The server declares dtp_dpop_nonce_required false but still answers proofs without a nonce with use_dpop_nonce.",
    requirement: "DTP-DPOP-019",
    catchers: ["DTP-DPOP-019"],
    options: { dpopNonceRequired: false },
    fixture: () =>
      wrapAll((ctx, next) =>
        ctx.operationId === "getMetadata"
          ? next(ctx)
          : next(withApp(ctx, { options: { ...ctx.app.options, dpopNonceRequired: true } })),
      ),
  },
  {
    id: "F-DPOP-14-htu-byte-for-byte",
    area: "signing",
    description:
      "The proof's htu is compared with the request URI byte for byte: HTTP://HOST:80/token (same URI after RFC 3986 normalisation) is refused.",
    requirement: "DTP-DPOP-051",
    catchers: ["DTP-DPOP-008"],
    fixture: () => ({ verifiers: { dpopProof: dpopHtuByteForByte } }),
  },
  {
    id: "F-DPOP-15-proof-window-too-wide",
    area: "signing",
    description:
      "Proofs are accepted up to an hour beyond dpop_proof_max_age plus skew (the server's window is not the one it declares).",
    requirement: "DTP-DPOP-052",
    catchers: ["DTP-DPOP-003", "DTP-DPOP-012"],
    fixture: () => ({ verifiers: { dpopProof: dpopWideWindow } }),
  },
  {
    id: "F-DPOP-16-keyless-device-gets-bearer",
    area: "signing",
    description:
      "A device registered without a key that polls with a valid DPoP proof gets Bearer tokens: the proof is ignored.",
    requirement: "DTP-DPOP-053",
    catchers: ["DTP-DPOP-013"],
    fixture: () =>
      wrapGrant(DEVICE_CODE_GRANT, async (ctx, next) => {
        const device = await ctx.app.store.device(ctx.form.client_id ?? "");
        if (device?.publicKey) return next(ctx);
        const { dpop: _ignored, ...headers } = ctx.headers;
        return next({ ...ctx, headers });
      }),
  },
  {
    id: "F-DPOP-17-no-proof-400-invalid-request",
    area: "signing",
    description:
      'A DPoP-bound token presented without a proof is answered 400 with DPoP error="invalid_request" (RFC 6750 style) instead of 401 invalid_dpop_proof.',
    requirement: "DTP-DPOP-054",
    catchers: ["DTP-DPOP-012"],
    fixture: () =>
      wrapAll(async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          const noProof = RESOURCES.includes(ctx.operationId) && ctx.headers.dpop === undefined;
          if (noProof && e instanceof ChallengeError && e.error === "invalid_dpop_proof")
            throw new ChallengeError(e.scheme, "invalid_request", e.message, {
              status: 400,
              offer: e.offer,
            });
          throw e;
        }
      }),
  },
  {
    id: "F-DPOP-18-other-key-invalid-dpop-proof",
    area: "signing",
    description:
      'At the resource, a valid proof by a key other than the token\'s cnf.jkt is answered DPoP error="invalid_dpop_proof" instead of invalid_token.',
    requirement: "DTP-DPOP-055",
    catchers: ["DTP-DPOP-013"],
    fixture: () =>
      wrapAll(async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          const proved = RESOURCES.includes(ctx.operationId) && ctx.headers.dpop !== undefined;
          if (
            proved &&
            e instanceof ChallengeError &&
            e.scheme === "DPoP" &&
            e.error === "invalid_token"
          )
            throw new ChallengeError(e.scheme, "invalid_dpop_proof", e.message, { offer: e.offer });
          throw e;
        }
      }),
  },
];
