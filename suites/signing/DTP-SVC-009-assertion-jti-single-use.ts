/**
 * DTP-SVC-009 (MUST, RFC 7523 §3 (item 7); LoginID "API Service Tokens"):
 * "An assertion `jti` MUST be accepted only once: a second token request with an assertion
 * carrying an already accepted `jti` (while that assertion has not expired) MUST be
 * rejected with 401 `invalid_client`."
 *
 * One approved `server` device. An accepted assertion sent again → 401. Property: a new,
 * valid assertion (other `iat`, lifetime, scope) reusing the accepted `jti` → 401. Race:
 * the same assertion sent N times at once → exactly one 200, every other answer 401
 * `invalid_client`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { sendAssertion } from "../../src/client/index.ts";
import { nowSeconds, serviceClient } from "../../src/client/kit/index.ts";
import { randomToken } from "../../src/protocol/index.ts";
import { expectInvalidClient, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-009";
const PARALLEL = 8;
const ROUNDS = 3;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title:
      "An assertion jti is accepted once: replay, a new assertion with the same jti, N parallel copies → exactly one success",
    specRef: 'RFC 7523 §3 (item 7); LoginID "API Service Tokens"',
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const client = await serviceClient(ctx, { label: "svc009" });
    const jti = randomToken(16);
    const first = client.assertion({ jti, lifetime: 120 });
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, first, { label: "assertion (jti used once)" }),
    );
    expectInvalidClient(await sendAssertion(ctx, first, { label: "the same assertion again" }), ID);

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 31, max: 120 }),
        fc.constantFrom(undefined, "me", "service", "me service"),
        async (back, lifetime, scope) => {
          const assertion = client.assertion({
            jti,
            iat: nowSeconds(ctx) - back,
            lifetime,
          });
          const res = await sendAssertion(ctx, assertion, {
            ...(scope !== undefined ? { scope } : {}),
            label: `new assertion, same jti (iat -${back} s, lifetime ${lifetime} s)`,
          });
          expectInvalidClient(res, ID);
        },
      ),
      ctx.fc,
    );

    for (let round = 1; round <= ROUNDS; round++) {
      const assertion = client.assertion();
      const answers: HttpResponse[] = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          sendAssertion(ctx, assertion, {
            label: `race ${round}: copy ${i + 1}/${PARALLEL}`,
          }),
        ),
      );
      const ok = answers.filter((r) => r.status === 200);
      if (ok.length !== 1) {
        fail(
          ID,
          `exactly one of ${PARALLEL} identical assertions sent at once accepted`,
          `${ok.length} accepted (statuses ${answers.map((r) => r.status).join(", ")})`,
          answers,
        );
      }
      readServiceTokenOk(ctx, ok[0]!);
      for (const r of answers) if (r !== ok[0]) expectInvalidClient(r, ID);
    }
  },
};
