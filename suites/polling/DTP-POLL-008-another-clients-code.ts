/**
 * DTP-POLL-008 (MUST, RFC 6749 §5.2; RFC 8628 §3.4):
 * "A poll with a `device_code` issued to another `client_id` MUST be answered 400 OAuth
 * error `invalid_grant`."
 *
 * DTP-ERR-003 (MUST, RFC 6749 §5.2):
 * "A request whose client authentication fails (unknown client, wrong secret, no client
 * authentication where the client must authenticate, or a method the client may not use)
 * MUST be answered with OAuth error `invalid_client`; when the client authenticated with
 * the `Authorization` header, the answer MUST be 401 with a `WWW-Authenticate` challenge of
 * the scheme the client used."
 *
 * DTP-POLL-053 (MUST, DTP):
 * "A poll with another client's `device_code` MUST NOT affect that code: its owner can
 * still redeem it."
 *
 * Device A registers. Another client B (the same API key, another client_id) polls A's
 * code (wrong-actor cases: a real code presented by a real, authenticated other client) while it is pending and again once it is approved (HTTP Basic, and form
 * credentials when the target supports them): `invalid_grant`, never tokens. The approved
 * code is then presented without credentials and with a wrong API key: 401
 * `invalid_client` (a code is not redeemable without the API key). Finally A, polling at
 * the interval, still redeems its code: none of these requests used it up or slowed it down
 * (DTP-POLL-053, a DTP rule: the RFCs do not say what another client's poll may do to a
 * code, so the OAuth profile only notes a code that no longer redeems).
 */

import type { Check } from "../../src/check/check.ts";
import { expectOAuthError, expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  clientSecretBasic,
  clientSecretPost,
  DEVICE_CODE_GRANT,
  none,
  readTokens,
  sendAs,
} from "../../src/client/index.ts";
import { onlyPublicClients } from "../../src/client/kit/auth.ts";
import { clientSecret, newDevice } from "../../src/client/kit/index.ts";
import {
  answerOf,
  errorOf,
  pollAfter,
  registerTimed,
  skipIfExpiredOnTheWay,
  type TimedPoll,
  timedPoll,
} from "./_helpers.ts";

const ID = "DTP-POLL-008";
const CLIENT_AUTH = "DTP-ERR-003";
const UNAFFECTED = "DTP-POLL-053";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, CLIENT_AUTH, UNAFFECTED],
    level: "MUST",
    area: "polling",
    title:
      "Another client's code is invalid_grant, no code redeems without the API key, the owner still redeems",
    specRef: "RFC 6749 §5.2; RFC 8628 §3.4",
    requires: ["device_code", "admin"],
    waits: true,
  },
  async run(ctx) {
    const timed = await registerTimed(ctx, "register A");
    const a = timed.reg;
    // Client B: another client of the target, with its own valid credentials.
    const other = { device: await newDevice(ctx, { label: "other" }), reg: a };
    const postSupported = (
      (ctx.target.metadata.token_endpoint_auth_methods_supported as unknown[] | undefined) ?? []
    ).includes("client_secret_post");

    // Every request of the cases below must leave A's code alone.
    const earlier: HttpResponse[] = [];
    let last: { recvAt: number } = timed;
    const record = (t: TimedPoll | { res: HttpResponse; recvAt: number }) => {
      earlier.push(t.res);
      last = t;
      return t.res;
    };

    await ctx.wrongActor(ID, "B polls A's pending code", async () => {
      const res = record(await timedPoll(ctx, other, "B polls A's code (pending)"));
      expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
    });

    await ctx.approval.approve(a.userCode);

    // A public client's authentication is its client_id alone: these two cases would redeem
    // the code (OAuth profile, public clients only).
    const secretClients = !onlyPublicClients(ctx.target);
    if (secretClients)
      await ctx.case("A's approved code without client authentication", async () => {
        // Only client_id in the form.
        const res = record(
          await timedPoll(ctx, timed, "A's approved code without client authentication", {
            auth: none(a.clientId),
          }),
        );
        expectOAuthError(res, { status: 401, error: "invalid_client" }, CLIENT_AUTH);
      });

    if (secretClients)
      await ctx.case("A's approved code with a wrong API key", async () => {
        // HTTP Basic: the Basic challenge is what DTP-ERR-003 asks for.
        const wrongKey = await sendAs(
          ctx,
          {
            clientId: a.clientId,
            auth: clientSecretBasic(a.clientId, `${clientSecret(ctx.target, a.clientId)}-wrong`),
          },
          "token_endpoint",
          { grant_type: DEVICE_CODE_GRANT, device_code: a.deviceCode },
          "A's approved code with a wrong API key (Basic)",
          { proof: false },
        );
        record({ res: wrongKey, recvAt: ctx.clock.now() });
        expectOAuthError(wrongKey, { status: 401, error: "invalid_client" }, CLIENT_AUTH);
        const challenge = expectWwwAuthenticate(wrongKey, { scheme: "Basic" }, CLIENT_AUTH);
        // The realm value is DTP's; a plain OAuth server names its own (RFC 7617 §2).
        if (ctx.target.features.has("dtp") && challenge.params.realm !== "dtp") {
          fail(
            CLIENT_AUTH,
            'WWW-Authenticate: Basic realm="dtp"',
            `WWW-Authenticate: ${wrongKey.headers["www-authenticate"]}`,
            wrongKey,
          );
        }
      });

    await ctx.wrongActor(ID, "B polls A's approved code", async () => {
      const res = record(await timedPoll(ctx, other, "B polls A's code (approved)"));
      expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
    });
    if (postSupported) {
      await ctx.wrongActor(ID, "B polls A's approved code (client_secret_post)", async () => {
        const id = other.device.clientId;
        const res = record(
          await timedPoll(ctx, other, "B polls A's code (approved, client_secret_post)", {
            auth: clientSecretPost(id, clientSecret(ctx.target, id)),
          }),
        );
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
      });
    }

    const owner = await pollAfter(
      ctx,
      timed,
      last,
      a.interval,
      "A polls its code (at the interval)",
    );
    skipIfExpiredOnTheWay(ctx, timed, owner);
    if (owner.res.status !== 200) {
      if (!ctx.target.features.has("dtp")) {
        ctx.note(
          `A's approved code no longer redeems after the other requests (${answerOf(owner.res)}): not judged outside DTP`,
        );
        return;
      }
      fail(
        UNAFFECTED,
        "the owner to redeem its approved code: the other client's polls and the unauthenticated requests must not affect it",
        `A's first poll, ${a.interval} s after the last of them, was answered ${answerOf(owner.res)}${errorOf(owner.res) === "slow_down" ? " (they were counted as polls of A's code)" : ""}`,
        [...earlier, owner.res],
      );
    }
    readTokens(ctx, owner.res);
  },
};
