/**
 * DTP-PAT-010 (MUST, seed 002):
 * "`DELETE /personal-tokens/{id}` on one of the caller's tokens MUST answer 204 with an
 * empty body; immediately afterwards the token MUST be answered 401 `invalid_token` at
 * `/me` and MUST no longer be listed."
 *
 * DTP-PAT-011 (MUST, DTP):
 * "`DELETE /personal-tokens/{id}` with an unknown id or the id of another user's token
 * MUST be answered 404 with a problem body and MUST NOT revoke the other user's token."
 *
 * DTP-PAT-012 (MUST, seed 002):
 * "A personal token MUST be accepted as `Authorization: Bearer <token>` at `/me`, which
 * MUST answer `token_kind` `personal`, `sub` equal to the user's id and `scope` `["me"]`."
 *
 * The configured user creates two personal tokens. Both work at `/me` as Bearer tokens
 * (`token_kind` `personal`, the user's `sub`, scope `["me"]`). Property: generated unknown
 * ids (in the id syntax of the spec, `[A-Za-z0-9_-]{1,64}`) → 404 problem. The first token
 * is revoked → 204 with an empty body; right away it is 401 `invalid_token` at `/me` and
 * is no longer listed, while the second one still works and is still listed. "Another
 * user's token" needs a second user, which the target config cannot name: not tested.
 */
import fc from "fast-check";
import { callResource } from "../../src/client/index.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import type { Check, CheckContext } from "../../src/runner/check.ts";
import {
  expectJson,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/runner/expect.ts";
import type { UserSession } from "../login/_helpers.ts";
import {
  type Created,
  createRaw,
  list,
  loggedInUser,
  readCreated,
  readList,
  revokePat,
} from "./_helpers.ts";

const ID = "DTP-PAT-010";
const UNKNOWN = "DTP-PAT-011";
const AT_ME = "DTP-PAT-012";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, UNKNOWN, AT_ME],
    level: "MUST",
    area: "personal-tokens",
    title:
      "A personal token works at /me (token_kind personal); revoking it → 204, then 401 invalid_token and unlisted at once; unknown ids → 404",
    specRef: "seed 002; DTP",
    requires: [
      "device_code",
      "admin",
      "login",
      "user_credentials",
      "personal_tokens",
      "resource",
      "refresh_token",
    ],
    property: true,
  },
  async run(ctx) {
    const user = await loggedInUser(ctx, ID, "pat-revoke");
    const make = async (name: string) =>
      readCreated(
        ctx,
        await createRaw(ctx, user, { name, expires_in: 600 }, "DTP-PAT-001", `create "${name}"`),
        { name },
        "DTP-PAT-001",
      );
    const doomed = await make("revoked by DTP-PAT-010");
    const kept = await make("kept by DTP-PAT-010");
    try {
      await works(ctx, user, doomed, "before the revocation");
      await works(ctx, user, kept, "before the revocation");

      // Unknown ids: 404 problem, nothing revoked.
      const known = new Set([doomed.id, kept.id]);
      await fc.assert(
        fc.asyncProperty(
          fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((id) => !known.has(id)),
          async (id) => {
            const res = await revokePat(ctx, user, id, UNKNOWN, "revoke an unknown id");
            expectProblem(res, 404, UNKNOWN);
          },
        ),
        ctx.fc,
      );
      await works(ctx, user, doomed, "after the unknown ids");

      // Revoke the first: 204, empty; refused at once; no longer listed.
      const res = await revokePat(ctx, user, doomed.id, ID, "revoke the personal token");
      expectStatus(res, 204, ID);
      if (res.text !== "") fail(ID, "an empty 204 body", `${res.text.length} bytes`, res);
      const after = await callResource(
        ctx,
        { accessToken: doomed.token, tokenType: "Bearer" },
        undefined,
        "GET /me with the revoked personal token",
      );
      expectWwwAuthenticate(after, { scheme: "Bearer", error: "invalid_token" }, ID);
      const listed = await list(ctx, user, ID, "list after the revocation");
      const entries = readList(listed, ID);
      if (entries.some((e) => e.id === doomed.id)) {
        fail(ID, `the revoked token ${doomed.id} no longer listed`, "still listed", listed);
      }
      if (!entries.some((e) => e.id === kept.id)) {
        fail("DTP-PAT-008", `the other token ${kept.id} still listed`, "not listed", listed);
      }
      await works(ctx, user, kept, "after the other token was revoked");
    } finally {
      await revokePat(ctx, user, kept.id, ID, "revoke the second token (clean-up)");
    }
  },
};

/** The personal token is accepted at /me as Bearer: token_kind personal, the user, ["me"]. */
async function works(
  ctx: CheckContext,
  user: UserSession,
  pat: Created,
  when: string,
): Promise<HttpResponse> {
  const res = await callResource(
    ctx,
    { accessToken: pat.token, tokenType: "Bearer" },
    undefined,
    `GET /me with the personal token ${pat.id} (${when})`,
  );
  expectStatus(res, 200, AT_ME);
  const body = expectJson(res, AT_ME);
  const problems: string[] = [];
  if (body.token_kind !== "personal")
    problems.push(`token_kind ${JSON.stringify(body.token_kind)}`);
  if (body.sub !== user.sub) problems.push(`sub ${JSON.stringify(body.sub)}`);
  if (!Array.isArray(body.scope) || body.scope.length !== 1 || body.scope[0] !== "me") {
    problems.push(`scope ${JSON.stringify(body.scope)}`);
  }
  if (problems.length > 0) {
    fail(
      AT_ME,
      `token_kind "personal", sub ${JSON.stringify(user.sub)}, scope ["me"] (${when})`,
      problems.join(", "),
      res,
    );
  }
  return res;
}
