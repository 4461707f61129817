/**
 * DTP-ERR-009 (MUST, DTP):
 * "A request body larger than 65536 bytes MUST be answered 413 with a problem body, or, at
 * an OAuth endpoint, 400 OAuth error `invalid_request`; the server MUST NOT read more than
 * that limit into memory."
 *
 * Property: a valid, harmless request to an OAuth endpoint padded past 64 KiB (an extra
 * parameter before or after the others), or a personal-token creation with an oversized
 * name, of a generated size between 65 537 and 256 KiB → 413 problem (or 400
 * `invalid_request` at an OAuth endpoint); and one body of 9 MiB, past the point where a
 * server that stops reading tends to reset the connection instead of answering (the
 * reference server did, issue 16). How much the server reads into memory cannot be seen
 * from outside; that part of the requirement is left to the server's own tests.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { endpointOf } from "../../src/client/index.ts";
import {
  formBody,
  harmlessRequest,
  type OAuthOperation,
  oauthOperations,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import {
  describeShort,
  expectOAuthErrorFormat,
  expectProblemFormat,
  Findings,
} from "./_helpers.ts";

const ID = "DTP-ERR-009";
const LIMIT = 65_536;
/** A body far past the limit: it must still get its 413, not a reset. */
const HUGE = 9 * 1024 * 1024;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title: "Bodies over 64 KiB: 413 problem (or 400 invalid_request at OAuth endpoints)",
    specRef: "DTP",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    const targets: (OAuthOperation | "createPersonalToken")[] = [
      ...oauthOperations(ctx, session),
      ...(pats && session.user ? ["createPersonalToken" as const] : []),
    ];
    const findings = new Findings();
    /** Sends `size` bytes to `op` (the padding first or last) and judges the answer. */
    const probe = async (
      op: OAuthOperation | "createPersonalToken",
      size: number,
      first: boolean,
    ): Promise<void> => {
      if (op === "createPersonalToken") {
        const overhead = JSON.stringify({ name: "", expires_in: 60 }).length;
        const res = await session.user!.send({
          method: "POST",
          url: pats!,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "n".repeat(size - overhead), expires_in: 60 }),
          label: `create a personal token: ${size} bytes`,
        });
        expectProblemFormat(res, ID, 413, findings);
        return;
      }
      const req = harmlessRequest(ctx, session, op);
      const base = formBody(req.params);
      const pad: [string, string] = ["x_dtp_kit_padding", ""];
      pad[1] = "p".repeat(Math.max(1, size - base.length - pad[0].length - 2));
      const params = first ? [pad, ...req.params] : [...req.params, pad];
      const body = formBody(params);
      const res = await sendProbe(ctx, req, { body, label: `${op}: ${body.length} bytes` });
      if (res.status === 413) expectProblemFormat(res, ID, 413, findings);
      else if (res.status === 400)
        expectOAuthErrorFormat(res, ID, { status: 400, error: "invalid_request" });
      else
        fail(
          ID,
          `413 with a problem body, or 400 invalid_request, for ${body.length} bytes`,
          describeShort(res),
          res,
        );
    };
    await ctx.property(
      "bodies over 64 KiB",
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.integer({ min: LIMIT + 1, max: 4 * LIMIT }),
        fc.boolean(),
        probe,
      ),
      { numRuns: Math.max(4, Math.ceil(ctx.fc.numRuns / 3)) },
    );
    await ctx.case(`one body of ${HUGE} bytes`, () => probe(targets[0]!, HUGE, false));
    findings.settle(ctx);
  },
};
