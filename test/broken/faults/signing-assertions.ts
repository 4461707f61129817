/** Service tokens: client_credentials with a JWT client assertion (RFC 7523). */
import type { ServerFixture } from "../../../reference-server/index.ts";
import { randomToken } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import { combine, jwtPayload, replyJson, store, withForm, withJson, wrapGrant } from "./_lib.ts";
import {
  assertionAcceptingHs256,
  assertionAcceptingNone,
  assertionAcceptingRsa,
  assertionAcceptingUrlUnderIssuer,
  assertionIgnoringAud,
  assertionIgnoringIss,
  assertionIgnoringSub,
  assertionWithoutJti,
} from "./_verifiers.ts";

/**
 * The reference server refuses a JWS with an empty signature part before verifying it; a
 * server without that pre-check hands `alg: none` assertions to its JWT library as they are.
 */
const noSignaturePrecheck: ServerFixture = wrapGrant("client_credentials", (ctx, next) => {
  const a = ctx.form.client_assertion;
  return a?.endsWith(".")
    ? next(withForm(ctx, { ...ctx.form, client_assertion: `${a}AA` }))
    : next(ctx);
});

export const assertions: Fault[] = [
  {
    id: "F-SVC-01-alg-none-accepted",
    area: "signing",
    description:
      'An unsigned client assertion (alg "none", any case) is accepted: the JWT library trusts the header\'s alg.',
    requirement: "DTP-SVC-004",
    catchers: ["DTP-SVC-004"],
    fixture: () =>
      combine(noSignaturePrecheck, { verifiers: { clientAssertion: assertionAcceptingNone } }),
  },
  {
    id: "F-SVC-02-hs256-with-public-key-accepted",
    area: "signing",
    description:
      "A client assertion signed HS256 with the device's registered public key (PEM) as the HMAC secret is accepted: key confusion in the JWT library.",
    requirement: "DTP-SVC-004",
    catchers: ["DTP-SVC-004"],
    fixture: () => ({ verifiers: { clientAssertion: assertionAcceptingHs256 } }),
  },
  {
    id: "F-SVC-03-aud-not-checked",
    area: "signing",
    description:
      "The assertion's aud is not checked: an assertion made for another audience (e.g. the token endpoint URL, or another server) is accepted.",
    requirement: "DTP-SVC-006",
    catchers: ["DTP-SVC-006"],
    fixture: () => ({ verifiers: { clientAssertion: assertionIgnoringAud } }),
  },
  {
    id: "F-SVC-04-jti-not-single-use",
    area: "signing",
    description:
      "Assertion jti values are not recorded: the same client assertion can be exchanged for service tokens again and again.",
    requirement: "DTP-SVC-009",
    catchers: ["DTP-SVC-009"],
    fixture: () =>
      store((base) => ({
        consumeOnce: async (kind, value, expiresAt) =>
          kind === "assertion_jti" ? true : await base.consumeOnce(kind, value, expiresAt),
      })),
  },
  {
    id: "F-SVC-05-sub-not-checked",
    area: "signing",
    description:
      "The assertion's iss is checked but its sub is not: an assertion whose sub names someone else is accepted.",
    requirement: "DTP-SVC-005",
    catchers: ["DTP-SVC-005"],
    fixture: () => ({ verifiers: { clientAssertion: assertionIgnoringSub } }),
  },
  {
    id: "F-SVC-06-service-token-with-refresh-token",
    area: "signing",
    description:
      "The service token response also carries a refresh_token (service tokens must not be refreshable).",
    requirement: "DTP-SVC-002",
    catchers: ["DTP-SVC-001"],
    fixture: () =>
      wrapGrant("client_credentials", async (ctx, next) => {
        const reply = await next(ctx);
        return reply.status === 200
          ? withJson(reply, { ...replyJson(reply), refresh_token: randomToken(32) })
          : reply;
      }),
  },
  {
    id: "F-SVC-07-rs256-accepted",
    area: "signing",
    description:
      "RS256 / PS256 client assertions are accepted: the JWT library's alg allow-list holds RSA algorithms as well as ES256.",
    requirement: "DTP-SVC-050",
    catchers: ["DTP-SVC-004"],
    fixture: () => ({ verifiers: { clientAssertion: assertionAcceptingRsa } }),
  },
  {
    id: "F-SVC-08-iss-not-checked",
    area: "signing",
    description:
      "The client is the assertion's sub and its iss is not checked: an assertion whose iss names someone else is accepted.",
    requirement: "DTP-SVC-051",
    catchers: ["DTP-SVC-005"],
    fixture: () =>
      combine(
        wrapGrant("client_credentials", (ctx, next) => {
          const sub = jwtPayload(ctx.form.client_assertion ?? "")?.sub;
          return ctx.form.client_id === undefined && typeof sub === "string"
            ? next(withForm(ctx, { ...ctx.form, client_id: sub }))
            : next(ctx);
        }),
        { verifiers: { clientAssertion: assertionIgnoringIss } },
      ),
  },
  {
    id: "F-SVC-09-aud-token-endpoint-accepted",
    area: "signing",
    description:
      "An assertion whose aud is the token endpoint URL (any URL under the issuer) is accepted, as RFC 7523 allows but DTP does not.",
    requirement: "DTP-SVC-052",
    catchers: ["DTP-SVC-006"],
    fixture: () => ({ verifiers: { clientAssertion: assertionAcceptingUrlUnderIssuer } }),
  },
  {
    id: "F-SVC-10-jti-optional",
    area: "signing",
    description: "An assertion without jti is accepted (so it cannot be held to single use).",
    requirement: "DTP-SVC-053",
    catchers: ["DTP-SVC-008"],
    fixture: () => ({ verifiers: { clientAssertion: assertionWithoutJti } }),
  },
];
