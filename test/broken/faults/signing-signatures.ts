/** Signed re-registration: HTTP Message Signatures + Content-Digest (RFC 9421, RFC 9530). */
import { OAuthError } from "../../../reference-server/errors.ts";
import { createRegistration } from "../../../reference-server/registration/install.ts";
import type { ClientType } from "../../../reference-server/store/types.ts";
import type { Fault } from "../types.ts";
import { claimedClientId, store, withStore, wrap } from "./_lib.ts";
import {
  signatureExpiresLate,
  signatureIgnoringKeyid,
  signatureIgnoringTimes,
  signatureTrustingDigest,
} from "./_verifiers.ts";

const param = (input: unknown, name: string) =>
  typeof input === "string" ? new RegExp(`;${name}="([^"]*)"`).exec(input)?.[1] : undefined;

export const signatures: Fault[] = [
  {
    id: "F-SIG-01-content-digest-not-rehashed",
    area: "signing",
    description:
      "The signature covers Content-Digest and verifies, but the body is never re-hashed: a body changed after signing (or a signed digest of another body) is accepted and registered.",
    requirement: "DTP-SIG-006",
    catchers: ["DTP-SIG-006"],
    fixture: () => ({ verifiers: { requestSignature: signatureTrustingDigest } }),
  },
  {
    id: "F-SIG-02-nonce-not-single-use",
    area: "signing",
    description:
      "Signature nonces are not recorded: the same signed re-registration can be replayed and is approved again.",
    requirement: "DTP-SIG-010",
    catchers: ["DTP-SIG-010"],
    fixture: () =>
      store((base) => ({
        consumeOnce: (kind, value, expiresAt) =>
          kind === "signature_nonce" ? true : base.consumeOnce(kind, value, expiresAt),
      })),
  },
  {
    id: "F-SIG-03-failed-signature-consumes-nonce",
    area: "signing",
    description:
      "The nonce is recorded before the signature is verified: a request whose signature fails uses its nonce up, and the correctly signed request with that nonce is then refused.",
    requirement: "DTP-SIG-011",
    catchers: ["DTP-SIG-011"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        const input = ctx.headers["signature-input"];
        const nonce = param(input, "nonce");
        const keyid = param(input, "keyid");
        if (nonce === undefined || keyid === undefined) return next(ctx);
        const value = `${keyid}:${nonce}`;
        const base = ctx.app.store;
        if (!base.consumeOnce("signature_nonce", value, ctx.app.now() + 3600)) return next(ctx);
        // Recorded for this request: its own (later) consumption must not refuse it.
        return next(
          withStore(ctx, {
            consumeOnce: (kind, v, expiresAt) =>
              kind === "signature_nonce" && v === value
                ? true
                : base.consumeOnce(kind, v, expiresAt),
          }),
        );
      }),
  },
  {
    id: "F-SIG-04-keyid-not-checked",
    area: "signing",
    description:
      "keyid is not compared with the device's jkt: a signature by the registered key is accepted whatever keyid it names.",
    requirement: "DTP-SIG-003",
    catchers: ["DTP-SIG-003"],
    fixture: () => ({ verifiers: { requestSignature: signatureIgnoringKeyid } }),
  },
  {
    id: "F-SIG-05-time-window-not-checked",
    area: "signing",
    description:
      "created and expires are not checked against the clock: a signature created long ago, in the future, or already expired is accepted.",
    requirement: "DTP-SIG-007",
    catchers: ["DTP-SIG-007"],
    fixture: () => ({ verifiers: { requestSignature: signatureIgnoringTimes } }),
  },
  {
    id: "F-SIG-07-expired-signature-grace",
    area: "signing",
    description:
      "A signature whose expires is up to 60 s in the past is accepted, more than the clock skew the server declares.",
    requirement: "DTP-SIG-009",
    catchers: ["DTP-SIG-007"],
    fixture: () => ({ verifiers: { requestSignature: signatureExpiresLate } }),
  },
  {
    id: "F-SIG-06-rejected-request-registers",
    area: "signing",
    description:
      "A signed re-registration whose signature is rejected (401) still stores a pending registration for the client.",
    requirement: "DTP-SIG-012",
    catchers: ["DTP-SIG-002"],
    fixture: () =>
      wrap("registerDevice", async (ctx, next) => {
        try {
          return await next(ctx);
        } catch (e) {
          const clientId = claimedClientId(ctx);
          if (e instanceof OAuthError && e.error === "invalid_signature" && clientId)
            createRegistration(
              ctx.app,
              {
                clientId,
                clientType: (ctx.form.client_type ?? "printer") as ClientType,
                clientDescription: null,
                keyType: null,
                publicKey: null,
                jkt: null,
                scope: "me login",
                apiKeyHash: "",
              },
              "pending",
            );
          throw e;
        }
      }),
  },
];
