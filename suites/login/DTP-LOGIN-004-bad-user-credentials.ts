/**
 * DTP-LOGIN-004 (MUST, RFC 6749 §5.2):
 * "A wrong `username` or `password` MUST be answered 400 OAuth error `invalid_grant` and
 * MUST NOT issue a token."
 *
 * DTP-LOGIN-005 (MUST, RFC 6749 §5.2):
 * "A `/login` request without user credentials (neither `username` + `password` nor
 * `card_id`), with `username` but no `password`, or with both `username` and `card_id` MUST
 * be answered 400 OAuth error `invalid_request`."
 *
 * DTP-LOGIN-013 (MUST, RFC 6749 §10.10; DTP):
 * "A server MUST limit wrong passwords at `/login` per user name, device (the `client_id`
 * the login comes through) and source (the client's network address), and wrong `card_id`
 * values per device and source: once `dtp_limits.failed_attempts.password.max` have failed
 * within its `window`, further logins of that user (or by `card_id`) through that device
 * from that source, with wrong or right credentials, MUST be answered 429 OAuth error
 * `temporarily_unavailable` with a `Retry-After` header until the window ends (instead of
 * DTP-LOGIN-004's `invalid_grant`); logins through another device, or from another source,
 * MUST NOT be refused because of them."
 *
 * Property, through one trusted device with a valid device token: generated wrong
 * passwords (for the configured user), unknown user names (with the right password, or a
 * wrong one) → 400 `invalid_grant` and no token; generated incomplete or mixed credential
 * sets (nothing, only `username`, only `password`, `username` + `card_id` with or without
 * `password`) → 400 `invalid_request` and no token. Generated values never equal the
 * configured ones, even up to case and surrounding white space. A user name that has
 * failed more than the declared `dtp_limits.failed_attempts.password.max` times through
 * the device may be answered 429 `temporarily_unavailable` instead (DTP-LOGIN-013).
 *
 * DTP-LOGIN-013 (MUST, RFC 6749 §10.10; DTP):
 * "A server MUST limit wrong passwords at `/login` per user name, device (the `client_id`
 * the login comes through) and source (the client's network address), and wrong `card_id`
 * values per device and source: once `dtp_limits.failed_attempts.password.max` have failed
 * within its `window`, further logins of that user (or by `card_id`) through that device
 * from that source, with wrong or right credentials, MUST be answered 429 OAuth error
 * `temporarily_unavailable` with a `Retry-After` header until the window ends (instead of
 * DTP-LOGIN-004's `invalid_grant`); logins through another device, or from another source,
 * MUST NOT be refused because of them."
 *
 * Then, for a DTP target, with two fresh trusted devices A and B: `max` wrong passwords of
 * the configured user through A (400 `invalid_grant` each), one more and then the right
 * password through A (429 `temporarily_unavailable`, `Retry-After` within the window, no
 * token), the right password through B (tokens). The kit has one source, so "from another
 * source" is left to the server's own tests.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, expectOAuthError, fail } from "../../src/check/expect.ts";
import { declaredFailureLimit, loginThrough } from "../../src/client/index.ts";
import { approvedDevice, userCredentials } from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-004";
const INCOMPLETE = "DTP-LOGIN-005";
const LOGIN013 = "DTP-LOGIN-013";

type Case =
  | { kind: "wrong password"; password: string }
  | { kind: "unknown user"; username: string; password: string | null }
  | {
      kind: "incomplete";
      form: { username?: string; password?: string; card_id?: string };
      why: string;
    };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, INCOMPLETE, LOGIN013],
    level: "MUST",
    area: "login",
    title:
      "Wrong user name or password → 400 invalid_grant; missing or mixed credentials → 400 invalid_request; no token",
    specRef: "RFC 6749 §5.2",
    requires: ["device_code", "admin", "login", "user_credentials", "refresh_token"],
    property: true,
  },
  async run(ctx) {
    const user = userCredentials(ctx);
    const { tokens } = await approvedDevice(ctx, { label: "badcreds" });

    const norm = (s: string) => s.normalize("NFKC").trim().toLowerCase();
    const value = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
      .filter((s) => s.trim() !== "");
    const wrongPassword = value.filter((p) => norm(p) !== norm(user.password));
    const unknownUser = value.filter((u) => norm(u) !== norm(user.username));
    const card = fc.stringMatching(/^[A-Za-z0-9-]{1,24}$/);

    const cases: fc.Arbitrary<Case> = fc.oneof(
      wrongPassword.map((password): Case => ({ kind: "wrong password", password })),
      fc
        .tuple(unknownUser, fc.option(wrongPassword, { nil: null }))
        .map(([username, password]): Case => ({ kind: "unknown user", username, password })),
      fc.constant<Case>({ kind: "incomplete", form: {}, why: "no credentials at all" }),
      fc.constant<Case>({
        kind: "incomplete",
        form: { username: user.username },
        why: "username without password",
      }),
      fc.constant<Case>({
        kind: "incomplete",
        form: { password: user.password },
        why: "password without username",
      }),
      card.map(
        (card_id): Case => ({
          kind: "incomplete",
          form: { username: user.username, card_id },
          why: "username and card_id",
        }),
      ),
      card.map(
        (card_id): Case => ({
          kind: "incomplete",
          form: { username: user.username, password: user.password, card_id },
          why: "username + password and card_id",
        }),
      ),
    );

    // Failures per user name through this device: past the declared limit, 429 is right too.
    const limit = declaredFailureLimit(ctx.target, "password");
    const failures = new Map<string, number>();
    await ctx.property(
      "wrong, unknown, missing or mixed user credentials",
      fc.asyncProperty(cases, async (c) => {
        if (c.kind === "incomplete") {
          const res = await loginThrough(ctx, tokens, c.form, `login: ${c.why}`);
          expectOAuthError(res, { status: 400, error: "invalid_request" }, INCOMPLETE);
          expectNoToken(res, INCOMPLETE, c.why);
          return;
        }
        const form =
          c.kind === "wrong password"
            ? { username: user.username, password: c.password }
            : { username: c.username, password: c.password ?? user.password };
        const res = await loginThrough(ctx, tokens, form, `login: ${c.kind}`);
        const failed = (failures.get(form.username) ?? 0) + 1;
        failures.set(form.username, failed);
        if (res.status === 429) {
          // The device is this check's own: a 429 before this check's own failures reach the
          // limit means failures elsewhere (another device, another user) locked it out.
          if (limit === undefined || failed <= limit.max)
            fail(
              LOGIN013,
              `no 429 before ${limit?.max ?? "the declared"} wrong passwords for ${JSON.stringify(form.username)} through this check's own device (failures are counted per user, device and source)`,
              `429 at its failure #${failed}`,
              res,
            );
          expectOAuthError(res, { status: 429, error: "temporarily_unavailable" }, LOGIN013);
        } else expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
        expectNoToken(res, ID, c.kind);
      }),
    );
    await checkFailureLimit(ctx, user);
  },
};

/** DTP-LOGIN-013 (see the comment at the top). */
async function checkFailureLimit(
  ctx: CheckContext,
  user: { username: string; password: string },
): Promise<void> {
  if (!ctx.target.features.has("dtp")) {
    ctx.note(`${LOGIN013} not tested: failed-attempt limits are DTP's`);
    return;
  }
  const limit = declaredFailureLimit(ctx.target, "password");
  if (!limit)
    fail(
      LOGIN013,
      '"dtp_limits.failed_attempts.password" in the metadata (DTP-DISC-016): the limit applied',
      `"dtp_limits": ${JSON.stringify(ctx.target.metadata.dtp_limits) ?? "absent"}`,
    );
  const a = (await approvedDevice(ctx, { label: "login013-a" })).tokens;
  for (let i = 1; i <= limit.max; i++) {
    const res = await loginThrough(
      ctx,
      a,
      { username: user.username, password: `dtp-kit-wrong-${i}` },
      `login through A: wrong password #${i} of ${limit.max}`,
    );
    expectOAuthError(res, { status: 400, error: "invalid_grant" }, LOGIN013);
  }
  for (const [password, what] of [
    ["dtp-kit-wrong-again", `wrong password #${limit.max + 1}`],
    [user.password, "the right password, past the limit"],
  ] as const) {
    const res = await loginThrough(
      ctx,
      a,
      { username: user.username, password },
      `login through A: ${what}`,
    );
    expectOAuthError(res, { status: 429, error: "temporarily_unavailable" }, LOGIN013);
    expectNoToken(res, LOGIN013, what);
    const wait = Number(res.headers["retry-after"]);
    if (!Number.isInteger(wait) || wait < 1 || wait > limit.window)
      fail(
        LOGIN013,
        `${what}: Retry-After in seconds, at most the window (${limit.window})`,
        `Retry-After: ${res.headers["retry-after"] ?? "absent"}`,
        res,
      );
  }
  const b = (await approvedDevice(ctx, { label: "login013-b" })).tokens;
  const res = await loginThrough(
    ctx,
    b,
    { username: user.username, password: user.password },
    "login through another device B: the right password",
  );
  if (res.status !== 200)
    fail(LOGIN013, "the user logs in through another device (200 with tokens)", describe(res), res);
}
