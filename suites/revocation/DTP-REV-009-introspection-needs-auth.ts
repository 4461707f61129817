/**
 * DTP-REV-009 (MUST, RFC 7662 §2.1, §2.3, §4; RFC 6749 §5.2):
 * "`POST /introspect` MUST require the caller's authorization: a request without
 * credentials MUST NOT be answered with introspection data; where the endpoint
 * authenticates clients, a request without client authentication MUST be answered with
 * OAuth error `invalid_client`, and one with invalid client credentials 401
 * `invalid_client`."
 *
 * Property: generated wrong admin bearers (401 `invalid_token`); and requests without
 * credentials, with or without a `client_id` in the form (401 `invalid_client`). The token
 * asked about is a random string (the answer must not depend on it). The admin bearer is
 * DTP's: outside DTP only requests without credentials are sent. Wrong admin bearers count
 * against the source's limit (DTP-APR-014) that the whole run shares: at most a quarter of
 * the declared `dtp_limits.failed_attempts.admin_key.max` are sent.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { anonymous, failureBudget, none as publicClient, sendAs } from "../../src/client/index.ts";

const ID = "DTP-REV-009";

type Caller = { kind: "none"; clientId: boolean } | { kind: "wrong-admin"; bearer: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "revocation",
    title:
      "/introspect without credentials is invalid_client; with a wrong admin bearer invalid_token",
    specRef: "RFC 7662 §2.1, §2.3",
    requires: ["introspection"],
    property: true,
  },
  async run(ctx) {
    const admin = ctx.target.config.admin?.token;
    const none = fc.record({ kind: fc.constant("none" as const), clientId: fc.boolean() });
    const caller: fc.Arbitrary<Caller> = !ctx.target.features.has("dtp")
      ? none
      : fc.oneof(
          none,
          fc.record({
            kind: fc.constant("wrong-admin" as const),
            bearer: fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,64}$/).filter((s) => s !== admin),
          }),
        );
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/);
    const budget = failureBudget(ctx.target, "admin_key");
    let guesses = 0;
    await ctx.property(
      "introspection without credentials or with a wrong admin bearer",
      fc.asyncProperty(caller, token, async (c, t) => {
        if (c.kind === "wrong-admin" && ++guesses > budget) {
          if (guesses === budget + 1)
            ctx.note(`wrong admin bearers capped at ${budget} (a quarter of the declared limit)`);
          return;
        }
        // No client authentication at all: a client_id alone, or nothing.
        const id = ctx.clientId("nocreds");
        const client = {
          clientId: id,
          auth: c.kind === "none" && c.clientId ? publicClient(id) : anonymous(),
        };
        const res = await sendAs(
          ctx,
          client,
          "introspection_endpoint",
          { token: t },
          c.kind === "none" ? "introspect without credentials" : "introspect, wrong admin bearer",
          c.kind === "wrong-admin" ? { headers: { authorization: `Bearer ${c.bearer}` } } : {},
        );
        const error = c.kind === "none" ? "invalid_client" : "invalid_token";
        expectOAuthError(res, { status: 401, error }, ID);
      }),
    );
  },
};
