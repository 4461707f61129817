/**
 * DTP-PAT-010 (MUST, "Authentication in the API" (private tokens)):
 * "`DELETE /personal-tokens/{id}` on one of the caller's tokens MUST answer 204 with an
 * empty body; immediately afterwards the token MUST be answered 401 `invalid_token` at
 * `/me` and MUST no longer be listed."
 *
 * DTP-PAT-011 (MUST, DTP):
 * "`DELETE /personal-tokens/{id}` with an unknown id or the id of another user's token MUST
 * be answered 404 with a problem body and MUST NOT revoke the other user's token."
 *
 * DTP-PAT-012 (MUST, "Authentication in the API" (private tokens)):
 * "A personal token MUST be accepted as `Authorization: Bearer <token>` at `/me`, which
 * MUST answer `token_kind` `personal`, `sub` equal to the user's id and `scope` `["me"]`."
 *
 * DTP-EXP-002 (MUST, RFC 6750 §3.1; "Authentication in the API" (private tokens)):
 * "A personal token presented after its `expires_at` MUST be answered 401 with
 * `WWW-Authenticate: Bearer` `error="invalid_token"`."
 *
 * The configured user creates two personal tokens. Both work at `/me` as Bearer tokens
 * (`token_kind` `personal`, the user's `sub`, scope `["me"]`). Property: generated unknown
 * ids (in the id syntax of the spec, `[A-Za-z0-9_-]{1,64}`) → 404 problem. The first token
 * is revoked → 204 with an empty body; right away it is 401 `invalid_token` at `/me` and
 * is no longer listed, while the second one still works and is still listed.
 * Wrong actor (with the config's `otherUser`): the second user, logged in through its own
 * device, deletes the first user's token by its id → 404 problem, and the token still
 * works at /me and is not in the second user's list (DTP-PAT-008).
 * Meanwhile a third token created with `expires_in` 2 works at once and, after
 * `expires_at − created_at` seconds from its receipt plus 2 s (no skew: DTP-EXP-006), is
 * answered 401 `invalid_token`.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import {
  expectJson,
  expectProblem,
  expectStatus,
  expectWwwAuthenticate,
  fail,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { callResource, type UserSession } from "../../src/client/index.ts";
import { loggedInUser, otherUserSession, waitLifetime } from "../../src/client/kit/index.ts";
import { type Created, readCreated, readList } from "./_helpers.ts";

const ID = "DTP-PAT-010";
const UNKNOWN = "DTP-PAT-011";
const AT_ME = "DTP-PAT-012";
const EXPIRED = "DTP-EXP-002";
const SHORT = 2;

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, UNKNOWN, AT_ME, EXPIRED],
    level: "MUST",
    area: "personal-tokens",
    title:
      "A personal token works at /me (token_kind personal); revoking it → 204, then 401 invalid_token and unlisted at once; unknown ids → 404; expired → 401",
    specRef: '"Authentication in the API" (private tokens); DTP',
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
    waits: true,
  },
  async run(ctx) {
    const user = await loggedInUser(ctx, { device: { label: "pat-revoke" } });

    // A short-lived token, judged at the end (its wait overlaps the rest).
    const sentAt = ctx.clock.now();
    const short = readCreated(
      ctx,
      await user.createPersonalToken(
        { name: "expires soon", expires_in: SHORT },
        `create (expires_in ${SHORT})`,
      ),
      { name: "expires soon" },
      "DTP-PAT-001",
    );
    const shortReceived = ctx.clock.now();
    const fresh = await callResource(
      ctx,
      { accessToken: short.token, tokenType: "Bearer" },
      undefined,
      `GET /me with the ${SHORT} s personal token (valid)`,
    );
    // Judged only while the token was certainly valid (created after the request left).
    const judged = fresh.status === 200 || ctx.clock.now() < sentAt + (SHORT - 1) * 1000;
    if (judged) expectStatus(fresh, 200, AT_ME);
    else
      ctx.note(`the machine was too slow to use a ${SHORT} s personal token in time: not judged`);

    const make = async (name: string) =>
      readCreated(
        ctx,
        await user.createPersonalToken({ name, expires_in: 600 }, `create "${name}"`),
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
      await ctx.property(
        "unknown ids",
        fc.asyncProperty(
          fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((id) => !known.has(id)),
          async (id) => {
            const res = await user.revokePersonalToken(id, "revoke an unknown id");
            expectProblem(res, 404, UNKNOWN);
          },
        ),
      );
      await works(ctx, user, doomed, "after the unknown ids");

      const other = await otherUserSession(ctx);
      if (other) {
        await ctx.wrongActor(UNKNOWN, "another user deletes the token by its id", async () => {
          const res = await other.revokePersonalToken(
            doomed.id,
            "the other user revokes this user's personal token",
          );
          expectProblem(res, 404, UNKNOWN);
          const theirs = await other.listPersonalTokens("the other user's list");
          if (readList(theirs, "DTP-PAT-008").some((e) => e.id === doomed.id || e.id === kept.id)) {
            fail("DTP-PAT-008", "no token of another user in the list", "listed", theirs);
          }
          const still = await callResource(
            ctx,
            { accessToken: doomed.token, tokenType: "Bearer" },
            undefined,
            `GET /me with the personal token ${doomed.id} (after the other user's DELETE)`,
          );
          if (still.status !== 200) {
            fail(
              UNKNOWN,
              "the token still works at /me after another user's DELETE (200)",
              `status ${still.status}`,
              still,
            );
          }
        });
      }

      // Revoke the first: 204, empty; refused at once; no longer listed.
      const res = await user.revokePersonalToken(doomed.id, "revoke the personal token");
      expectStatus(res, 204, ID);
      if (res.text !== "") fail(ID, "an empty 204 body", `${res.text.length} bytes`, res);
      const after = await callResource(
        ctx,
        { accessToken: doomed.token, tokenType: "Bearer" },
        undefined,
        "GET /me with the revoked personal token",
      );
      expectWwwAuthenticate(after, { scheme: "Bearer", error: "invalid_token" }, ID);
      const listed = await user.listPersonalTokens("list after the revocation");
      const entries = readList(listed, ID);
      if (entries.some((e) => e.id === doomed.id)) {
        fail(ID, `the revoked token ${doomed.id} no longer listed`, "still listed", listed);
      }
      if (!entries.some((e) => e.id === kept.id)) {
        fail("DTP-PAT-008", `the other token ${kept.id} still listed`, "not listed", listed);
      }
      await works(ctx, user, kept, "after the other token was revoked");
    } finally {
      await user.revokePersonalToken(kept.id, "revoke the second token (clean-up)");
    }

    // DTP-EXP-002: the short-lived token has expired.
    const lifetime = Math.max(SHORT, short.expires_at - short.created_at);
    await waitLifetime(ctx, shortReceived, lifetime, "the personal token lifetime");
    const expired = await callResource(
      ctx,
      { accessToken: short.token, tokenType: "Bearer" },
      undefined,
      `GET /me with the ${SHORT} s personal token (expired)`,
    );
    expectWwwAuthenticate(expired, { scheme: "Bearer", error: "invalid_token" }, EXPIRED);
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
