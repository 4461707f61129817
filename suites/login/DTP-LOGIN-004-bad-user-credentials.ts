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
 * Property, through one trusted device with a valid device token: generated wrong
 * passwords (for the configured user), unknown user names (with the right password, or a
 * wrong one) → 400 `invalid_grant` and no token; generated incomplete or mixed credential
 * sets (nothing, only `username`, only `password`, `username` + `card_id` with or without
 * `password`) → 400 `invalid_request` and no token. Generated values never equal the
 * configured ones, even up to case and surrounding white space.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import { loginThrough } from "../../src/client/index.ts";
import { approvedDevice, userCredentials } from "../../src/client/kit/index.ts";
import { expectNoToken } from "./_helpers.ts";

const ID = "DTP-LOGIN-004";
const INCOMPLETE = "DTP-LOGIN-005";

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
    requirements: [ID, INCOMPLETE],
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
        expectOAuthError(res, { status: 400, error: "invalid_grant" }, ID);
        expectNoToken(res, ID, c.kind);
      }),
    );
  },
};
