/**
 * DTP-DISC-001 (MUST, RFC 8414 §3.1, §3.2):
 * "The server MUST answer `GET /.well-known/oauth-authorization-server` without any
 * credentials with status 200, `Content-Type: application/json` and a JSON object of
 * authorization server metadata."
 */
import type { Check } from "../../src/check/check.ts";
import { expectJson, expectStatus } from "../../src/check/expect.ts";
import { getMetadata } from "./metadata.ts";

const ID = "DTP-DISC-001";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "Metadata is served without credentials as a JSON object (200, application/json)",
    specRef: "RFC 8414 §3.1, §3.2",
    requires: [],
  },
  async run(ctx) {
    const res = await getMetadata(ctx);
    expectStatus(res, 200, ID);
    expectJson(res, ID, "application/json");
  },
};
