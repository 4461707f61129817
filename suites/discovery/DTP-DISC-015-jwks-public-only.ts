/**
 * DTP-DISC-015 (MUST, RFC 7517 §4, §5; RFC 7518 §6.2.2):
 * "The JWK Set MUST NOT contain private or symmetric key material (no `d`, `p`, `q`, `dp`,
 * `dq`, `qi`, `oth` or `k` member)."
 *
 * Applies to any server that publishes a `jwks_uri`.
 */
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import { endpointOf, getJwks } from "../../src/client/index.ts";
import { show } from "./metadata.ts";

const ID = "DTP-DISC-015";
const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "The JWK Set holds no private or symmetric key material",
    specRef: "RFC 7517 §4, §5; RFC 7518 §6.2.2",
    requires: [],
  },
  async run(ctx) {
    if (endpointOf(ctx.target, "jwks_uri") === undefined) {
      ctx.notClaimed("the target metadata has no jwks_uri");
    }
    const res = await getJwks(ctx);
    expectStatus(res, 200, ID);
    const body = expectJson(res, ID);
    if (!Array.isArray(body.keys))
      fail(ID, 'a JWK Set {"keys": [...]}', `"keys": ${show(body.keys)}`, res);
    (body.keys as unknown[]).forEach((k, i) => {
      if (typeof k !== "object" || k === null) return;
      const found = PRIVATE.filter((m) => m in k);
      if (found.length > 0) {
        fail(
          ID,
          `keys[${i}] without ${PRIVATE.join(", ")}`,
          `keys[${i}] (kid ${show((k as { kid?: unknown }).kid)}) has private or symmetric members: ${found.join(", ")}`,
          res,
        );
      }
    });
  },
};
