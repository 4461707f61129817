/** Service tokens: client_credentials with a JWT client assertion (RFC 7523). */
import type { ServerFixture } from "../../../reference-server/index.ts";
import { randomToken } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import { combine, replyJson, store, withForm, withJson, wrapGrant } from "./_lib.ts";
import {
  assertionAcceptingHs256,
  assertionAcceptingNone,
  assertionIgnoringAud,
  assertionIgnoringSub,
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
];
