/**
 * DTP-REV-009 (MUST, RFC 7662 §2.1, §2.3):
 * "`POST /introspect` MUST require client authentication or the admin bearer: a request
 * with neither MUST be answered 401 OAuth error `invalid_client`, and a wrong admin bearer
 * 401 `invalid_token`."
 *
 * Property: generated wrong admin bearers (401 `invalid_token`); and requests without
 * credentials, with or without a `client_id` in the form (401 `invalid_client`). The token
 * asked about is a random string (the answer must not depend on it). The admin bearer is
 * DTP's: outside DTP only requests without credentials are sent.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { anonymous, none as publicClient, sendAs } from "../../src/client/index.ts";

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
    await ctx.property(
      "introspection without credentials or with a wrong admin bearer",
      fc.asyncProperty(caller, token, async (c, t) => {
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
